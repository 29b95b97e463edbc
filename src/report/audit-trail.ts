import { randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import type { RunSummary } from '../engine/run-summary.ts';
import type { SyncPlan } from '../engine/sync-plan.ts';
import { appendChangeLog, changeLogEntries, readJsonLines } from './change-log.ts';
import type { ChangeLogEntry } from './change-log.ts';
import { appendRunHistory } from './run-history.ts';
import type { HistoryRecord } from './run-history.ts';

/** Where a job's audit trail lives and how much of it is kept (config `history`). */
export interface AuditFiles {
  /** The run history: one record per run (config `history.file`). */
  file: string;
  /** The change log: one line per table a run touched (config `history.changeLog`). */
  changeLog: string;
  /** Runs kept in both files; older ones are dropped (config `history.keepRuns`). */
  keepRuns: number;
}

/**
 * Records a finished run: its summary in the history and, per table it touched, a line in the change log; then
 * applies retention. `plan` and `versionAfter` give the change log the target versions before and after each write
 * (rollback needs the one before); a caller without them (the daemon) records the lines without versions.
 */
export async function recordRun(
  files: AuditFiles,
  summary: RunSummary,
  context: { plan?: Pick<SyncPlan, 'actions' | 'drift'>; versionAfter?: (assetId: string) => string | undefined } = {},
): Promise<void> {
  // Change log first: a history record whose tables are missing would offer a rollback that cannot know what to undo.
  await appendChangeLog(files.changeLog, changeLogEntries(summary, context.plan, context.versionAfter ?? (() => undefined)));
  await appendRunHistory(files.file, summary);
  await applyRetention(files);
}

/** Appends change-log lines a caller built itself (a rollback's own), then applies retention. */
export async function recordChanges(files: AuditFiles, summary: RunSummary, entries: readonly ChangeLogEntry[]): Promise<void> {
  await appendChangeLog(files.changeLog, entries);
  await appendRunHistory(files.file, summary);
  await applyRetention(files);
}

/**
 * Retention: once the history holds a tenth more runs than `keepRuns` (so that the files are not rewritten on every
 * run), both are rewritten with the newest `keepRuns` runs, and the change log with the lines of those runs only.
 * Each rewrite goes to a temp file renamed over the old one, so a crash leaves one or the other, never half.
 */
export async function applyRetention(files: AuditFiles): Promise<{ droppedRuns: number }> {
  const runs = await readJsonLines<HistoryRecord>(files.file);
  const slack = Math.max(1, Math.floor(files.keepRuns / 10));
  if (runs.length <= files.keepRuns + slack) return { droppedRuns: 0 };
  const kept = runs.slice(runs.length - files.keepRuns);
  const keptIds = new Set(kept.map((r) => r.runId));
  const lines = (await readJsonLines<ChangeLogEntry>(files.changeLog)).filter((e) => keptIds.has(e.runId));
  await replaceFile(files.changeLog, lines);
  await replaceFile(files.file, kept);
  return { droppedRuns: runs.length - kept.length };
}

async function replaceFile(file: string, values: readonly unknown[]): Promise<void> {
  const temp = `${file}.${randomUUID()}.tmp`;
  await writeFile(temp, values.map((v) => JSON.stringify(v)).join('\n') + (values.length > 0 ? '\n' : ''), 'utf8');
  await rename(temp, file);
}

/**
 * The history record of a run that a fatal error ended before it had a summary (a corrupt checkpoint, a source that
 * cannot be reached, a lock held by another run): its figures are zero, `status` is `failed` and `error` says why.
 */
export function failedRunSummary(input: {
  startedAt: Date;
  finishedAt: Date;
  dryRun: boolean;
  planOnly?: boolean;
  mode: 'incremental' | 'full';
  sourceType: string;
  targetType: string;
  spaces: string[];
  error: { code: string; message: string };
}): RunSummary {
  const zero = { requests: 0, bytesSent: 0, bytesReceived: 0 };
  return {
    runId: randomUUID(),
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
    dryRun: input.dryRun || input.planOnly === true,
    ...(input.planOnly ? { planOnly: true } : {}),
    mode: input.mode,
    status: 'failed',
    source: { type: input.sourceType, spaces: input.spaces, incompleteSpaces: [] },
    target: { type: input.targetType },
    changes: { created: 0, modified: 0, schemaChanged: 0, metadataChanged: 0, deleted: 0, unchanged: 0 },
    strategies: { full: 0, delta: 0, metadataOnly: 0, deletion: 0, skipped: 0 },
    applied: { created: 0, updated: 0, deprecated: 0, deleted: 0, recorded: 0, failed: 0 },
    actions: [],
    failed: [],
    warnings: [],
    drift: [],
    verified: { checked: 0, matched: 0 },
    error: { code: input.error.code, message: input.error.message.slice(0, 2000) },
    traffic: { source: { ...zero, byOperation: {} }, target: { ...zero, writes: 0, byOperation: {} } },
    fullSyncBytes: 0,
    savingsPercent: 0,
  };
}
