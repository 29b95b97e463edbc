import type { CheckpointEntry, CheckpointStore } from '../catalog/checkpoint.ts';
import { messageOf } from '../catalog/message-of.ts';
import { refKey } from '../catalog/ref-key.ts';
import type { TableDefinition, TableVersions } from '../catalog/table-versions.ts';
import type { TableRef, Target } from '../catalog/target.ts';
import { GuardError } from './engine-errors.ts';
import type { GuardOutcome } from './run-summary.ts';
import { SafetyGuard } from './safety-guard.ts';

/** One table of the run being undone, and how. */
export interface RollbackTableStep {
  assetId: string;
  ref: TableRef;
  /** What the run did to it (create, update, deprecate, delete, record, forget). */
  action: string;
  /** restore / recreate: put `version` back; delete: remove the table the run created; checkpoint-only. */
  undo: 'restore' | 'delete' | 'recreate' | 'checkpoint-only';
  version?: string;
}

export interface RollbackOptions {
  job: string;
  dryRun: boolean;
  force: boolean;
  deletion: { maxCount: number; maxPercent: number };
}

export interface RollbackDeps {
  target: Target & TableVersions;
  checkpoints: CheckpointStore;
  /** The checkpoint entries from before the run (its backup), by asset id; an asset absent here had none. */
  before: ReadonlyMap<string, CheckpointEntry>;
}

export interface RollbackResult {
  assetId: string;
  table: string;
  action: string;
  undo: RollbackTableStep['undo'];
  outcome: 'done' | 'failed' | 'planned';
  /** The table's version before the rollback touched it, and the one the rollback produced. */
  versionBefore?: string;
  versionAfter?: string;
  error?: string;
}

export interface RollbackOutcome {
  results: RollbackResult[];
  /** Why nothing was done: a version that is not kept any more, a table that is no longer ours. */
  refusals: string[];
  guard?: GuardOutcome;
}

/**
 * Undoes one run, in named steps: read (every version to put back, and the tables as they are now) → refuse what
 * cannot be undone, before anything is written → guard (the tables to delete count against max-delete, as in sync)
 * → apply (restore versions, recreate deleted tables, delete created ones; one table's failure never stops the
 * others) → checkpoint (each undone asset's entry as it was before the run, with the version the rollback's own
 * write produced, so the next run sees no drift). Knows the target only through Target and TableVersions.
 */
export async function rollbackRun(steps: readonly RollbackTableStep[], options: RollbackOptions, deps: RollbackDeps): Promise<RollbackOutcome> {
  const { target, checkpoints } = deps;
  const databases = [...new Set(steps.map((s) => s.ref.database))];
  const now = new Map((await target.readState(databases)).map((t) => [refKey(t.ref), t]));
  const owned = [...now.values()].filter((t) => t.owner === options.job).length;

  // Read: what each restore puts back, and refusals before anything is written.
  const refusals: string[] = [];
  const definitions = new Map<string, TableDefinition>();
  for (const step of steps) {
    const key = refKey(step.ref);
    const current = now.get(key);
    if (current && current.owner !== options.job) {
      refusals.push(`${key} is not owned by job "${options.job}" any more; not touched`);
      continue;
    }
    if (step.undo !== 'restore' && step.undo !== 'recreate') continue;
    const definition = step.version === undefined ? undefined : await target.readVersion(step.ref, step.version);
    if (!definition) {
      refusals.push(
        `${key}: version ${step.version ?? '(unknown)'} is not kept any more (target.skipArchive left no version, or ` +
          'target.keepVersions pruned it); nothing to go back to',
      );
      continue;
    }
    definitions.set(step.assetId, definition);
  }
  if (refusals.length > 0) return { results: [], refusals };

  const deletions = steps.filter((s) => s.undo === 'delete' && now.has(refKey(s.ref)));
  const guard = new SafetyGuard({ dryRun: options.dryRun, force: options.force, maxDeleteCount: options.deletion.maxCount, maxDeletePercent: options.deletion.maxPercent });
  try {
    guard.checkDeletions(deletions.length, owned);
  } catch (error) {
    if (!(error instanceof GuardError)) throw error;
    const outcome: GuardOutcome = { code: error.code, message: error.message, wouldStop: options.dryRun, details: error.details };
    if (!options.dryRun) return { results: [], refusals: [], guard: outcome };
    return { results: planned(steps, now), refusals: [], guard: outcome };
  }
  if (options.dryRun) return { results: planned(steps, now), refusals: [] };

  // Apply.
  const results: RollbackResult[] = [];
  for (const step of steps) {
    const result = baseResult(step, now.get(refKey(step.ref))?.version);
    try {
      if (step.undo === 'restore' || step.undo === 'recreate') {
        const { version } = await target.restoreVersion(step.ref, definitions.get(step.assetId)!);
        if (version !== undefined) result.versionAfter = version;
      }
      results.push(result);
    } catch (error) {
      results.push({ ...result, outcome: 'failed', error: messageOf(error) });
    }
  }
  const toDelete = results.filter((r) => r.undo === 'delete' && r.outcome === 'done' && now.has(r.table));
  if (toDelete.length > 0) {
    const outcomes = await target.delete(toDelete.map((r) => now.get(r.table)!.ref));
    outcomes.forEach((o, i) => {
      if (!o.ok) Object.assign(toDelete[i]!, { outcome: 'failed', error: o.error ?? 'not deleted' });
    });
  }

  // Checkpoint: back to the entries from before the run, adjusted for this rollback's own writes.
  for (const result of results) {
    if (result.outcome !== 'done') continue;
    const entry = deps.before.get(result.assetId);
    if (!entry) {
      await checkpoints.remove(result.assetId);
      continue;
    }
    const version = result.versionAfter ?? (result.undo === 'checkpoint-only' ? now.get(result.table)?.version : undefined) ?? entry.target.version;
    const { version: _old, ...target_ } = entry.target;
    await checkpoints.put({ ...entry, target: { ...target_, ...(version !== undefined ? { version } : {}) } });
  }
  await checkpoints.flush();
  return { results, refusals: [] };
}

function baseResult(step: RollbackTableStep, versionBefore: string | undefined): RollbackResult {
  return {
    assetId: step.assetId,
    table: refKey(step.ref),
    action: step.action,
    undo: step.undo,
    outcome: 'done',
    ...(versionBefore !== undefined ? { versionBefore } : {}),
  };
}

function planned(steps: readonly RollbackTableStep[], now: ReadonlyMap<string, { version?: string }>): RollbackResult[] {
  return steps.map((s) => ({ ...baseResult(s, now.get(refKey(s.ref))?.version), outcome: 'planned' as const }));
}
