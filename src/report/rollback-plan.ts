import type { ChangeLogEntry } from './change-log.ts';
import type { HistoryRun } from './history-schema.ts';
import { runKind } from './history-schema.ts';

/** What undoing one table of a run takes. */
export interface RollbackStep {
  assetId: string;
  /** `database.table` */
  table: string;
  /** What the run did. */
  action: ChangeLogEntry['action'];
  /**
   * restore: put the version the table had before the run back (an update or a deprecation); delete: the run created
   * it; recreate: the run deleted it, so its archived definition goes back; checkpoint-only: the run changed only
   * the checkpoint (recorded, forgot), which the backup puts back.
   */
  undo: 'restore' | 'delete' | 'recreate' | 'checkpoint-only';
  /** The version to put back (restore, recreate). */
  version?: string;
}

export interface RollbackPlan {
  runId: string;
  /** Empty when the run can be rolled back. */
  refusals: string[];
  steps: RollbackStep[];
  /** The checkpoint backup holding the state before the run (undefined: there was no checkpoint file before it). */
  backup?: string;
}

/** A checkpoint backup as the rollback needs it: its name and when it was taken. */
export interface BackupStamp {
  fileName: string;
  createdAt: Date;
}

/**
 * How a run would be undone, and why it cannot be where it cannot: decided from the audit trail and the checkpoint
 * backups alone (nothing is read from the target), so `history` can say for every run whether it can still be
 * rolled back. The target has the last word: a version that `skipArchive` never kept, or that pruning removed, is
 * refused when the rollback asks for it.
 */
export function planRollback(
  runId: string,
  runs: readonly HistoryRun[],
  changeLog: readonly ChangeLogEntry[],
  backups: readonly BackupStamp[],
): RollbackPlan {
  const refusals: string[] = [];
  const index = runs.findIndex((r) => r.runId === runId);
  const run = runs[index];
  if (!run) return { runId, refusals: [`no run ${runId} in the run history`], steps: [] };
  const kind = runKind(run);
  if (kind !== 'sync') return { runId, refusals: [`run ${runId} is a ${kind}: it wrote nothing`], steps: [] };
  if (changeLog.some((e) => e.rollbackOf === runId)) refusals.push(`run ${runId} was rolled back already`);

  const lines = changeLog.filter((e) => e.runId === runId && e.outcome === 'done' && e.rollbackOf === undefined);
  const steps: RollbackStep[] = [];
  for (const line of lines) {
    const table = line.table ?? line.assetId;
    const step = stepFor(line, table);
    if (!step) continue;
    if ((step.undo === 'restore' || step.undo === 'recreate') && step.version === undefined) {
      refusals.push(`${table}: the run did not record the version before its ${line.action}, so there is nothing to go back to`);
    }
    steps.push(step);
  }
  if (steps.length === 0 && refusals.length === 0) refusals.push(`run ${runId} changed no table`);

  // A later run that touched the same tables built on this one: undoing this one first would undo that one's base.
  const tables = new Set(steps.map((s) => s.table));
  const later = new Set(runs.slice(index + 1).filter((r) => runKind(r) === 'sync' || runKind(r) === 'rollback').map((r) => r.runId));
  const overlap = changeLog.find((e) => later.has(e.runId) && e.outcome === 'done' && tables.has(e.table ?? e.assetId) && e.rollbackOf !== runId);
  if (overlap) refusals.push(`run ${overlap.runId} changed ${overlap.table ?? overlap.assetId} later; roll that run back first`);

  // The checkpoint's state before the run: the first backup taken after it started (every rewrite of the checkpoint
  // backs up the file it replaces; the run's first one may come as late as its end), and before the next run that
  // could write the checkpoint started. None means there was no checkpoint file yet, which only a run that created
  // everything can say.
  const started = Date.parse(run.startedAt);
  const next = runs.slice(index + 1).find((r) => runKind(r) === 'sync' || runKind(r) === 'rollback');
  const until = next ? Date.parse(next.startedAt) : Infinity;
  const during = backups
    .filter((b) => b.createdAt.getTime() >= started - 1 && b.createdAt.getTime() < until)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const backup = during[0]?.fileName;
  if (!backup && !steps.every((s) => s.undo === 'delete' && lines.find((l) => l.assetId === s.assetId)?.change === 'CREATED')) {
    refusals.push('the checkpoint backup from before the run is gone (backups are pruned by checkpoints.backups)');
  }
  return { runId, refusals, steps, ...(backup ? { backup } : {}) };
}

function stepFor(line: ChangeLogEntry, table: string): RollbackStep | undefined {
  const base = { assetId: line.assetId, table, action: line.action };
  const version = line.versionBefore !== undefined ? { version: line.versionBefore } : {};
  switch (line.action) {
    case 'create':
      return { ...base, undo: 'delete' };
    case 'update':
    case 'deprecate':
      return { ...base, undo: 'restore', ...version };
    case 'delete':
      return { ...base, undo: 'recreate', ...version };
    case 'record':
    case 'forget':
      return { ...base, undo: 'checkpoint-only' };
    default:
      return undefined;
  }
}
