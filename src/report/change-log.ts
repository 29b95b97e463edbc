import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Facet } from '../catalog/hashes.ts';
import type { RunAction } from '../engine/run-summary.ts';
import type { ChangeType } from '../change/classify.ts';
import type { SyncPlan } from '../engine/sync-plan.ts';

/**
 * One line of the change log: what one run did to one table. The run history keeps a run's figures; this keeps its
 * tables, so that "which three tables did last night's forced sync delete" has an answer on disk, and so that a run
 * can be rolled back (the version each table had before the write is what rollback puts back).
 */
export interface ChangeLogEntry {
  runId: string;
  /** When the run finished (ISO-8601). */
  at: string;
  assetId: string;
  /** `database.table` */
  table?: string;
  change: ChangeType;
  action: RunAction['action'];
  facets: Facet[];
  strategy?: RunAction['strategy'];
  /** The target's version of the table before the write (absent for a create, or where the target keeps none). */
  versionBefore?: string;
  /** The version the write produced, as verification read it back. */
  versionAfter?: string;
  outcome: 'done' | 'failed';
  error?: string;
  /** Set on the lines a rollback writes: the run it undid. */
  rollbackOf?: string;
}

/** Error texts are cut here: a change log line must stay a line, whatever a target answered. */
const MAX_ERROR_CHARS = 500;

/**
 * The lines a finished run adds: one per table it touched (written, recorded, deprecated, deleted, forgotten, or
 * tried and failed). Plans and dry-runs touch nothing and add none. `versionAfter` reads the checkpoint as the run
 * left it; the version before comes from the plan (the drifted version the target held, or the one our last write
 * left, which is the same thing when nobody else wrote).
 */
export function changeLogEntries(
  summary: { runId: string; finishedAt: string; dryRun: boolean; actions: readonly RunAction[] },
  plan: Pick<SyncPlan, 'actions' | 'drift'> | undefined,
  versionAfter: (assetId: string) => string | undefined,
): ChangeLogEntry[] {
  if (summary.dryRun) return [];
  const before = new Map<string, string>();
  for (const action of plan?.actions ?? []) {
    const version = action.change.previous?.target.version;
    if (version !== undefined) before.set(action.change.assetId, version);
  }
  for (const drift of plan?.drift ?? []) before.set(drift.assetId, drift.actualVersion);

  const out: ChangeLogEntry[] = [];
  for (const action of summary.actions) {
    if (action.outcome !== 'done' && action.outcome !== 'failed') continue;
    const entry: ChangeLogEntry = {
      runId: summary.runId,
      at: summary.finishedAt,
      assetId: action.assetId,
      ...(action.table !== undefined ? { table: action.table } : {}),
      change: action.change,
      action: action.action,
      facets: action.facets,
      ...(action.strategy !== undefined ? { strategy: action.strategy } : {}),
      outcome: action.outcome,
    };
    const previous = action.action === 'create' ? undefined : before.get(action.assetId);
    if (previous !== undefined) entry.versionBefore = previous;
    if (action.outcome === 'done' && (action.action === 'create' || action.action === 'update' || action.action === 'deprecate' || action.action === 'record')) {
      const after = versionAfter(action.assetId);
      if (after !== undefined) entry.versionAfter = after;
    }
    if (action.error !== undefined) entry.error = action.error.slice(0, MAX_ERROR_CHARS);
    out.push(entry);
  }
  return out;
}

export async function appendChangeLog(file: string, entries: readonly ChangeLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, entries.map((e) => JSON.stringify(e)).join('\n') + '\n', 'utf8');
}

export async function readChangeLog(file: string): Promise<ChangeLogEntry[]> {
  return readJsonLines<ChangeLogEntry>(file);
}

/** Lines of a JSON-lines file; a missing file is empty, a line cut short by a crash mid-append is skipped. */
export async function readJsonLines<T>(file: string): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) out.push(value as T);
    } catch {
      // skipped: see above
    }
  }
  return out;
}
