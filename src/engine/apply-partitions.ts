import pLimit from 'p-limit';
import type { CheckpointStore } from '../catalog/checkpoint.ts';
import { messageOf } from '../catalog/message-of.ts';
import type { PartitionedEntry, PartitionState } from '../catalog/partitions.ts';
import { targetPartitions } from '../catalog/partitions.ts';
import type { Target } from '../catalog/target.ts';
import type { ApplyResult } from './apply-plan.ts';
import type { EngineLogger } from './engine-logger.ts';
import type { PartitionPlan, TablePartitionPlan } from './plan-partitions.ts';
import type { SafetyGuard } from './safety-guard.ts';

/** What a run did (or, in a plan or dry-run, would do) to partitions: the `partitions` block of the run summary. */
export interface PartitionFigures {
  /** Partitioned tables whose partitions were listed in the source. */
  tables: number;
  /** Partitions those tables hold in the source. */
  partitions: number;
  /** Tables whose partition digest moved, so that their partitions were read in the target and compared. */
  compared: number;
  planned: { create: number; update: number; delete: number };
  /** What the target confirmed; a refused partition is counted in `failed`, never here. */
  applied: { created: number; updated: number; deleted: number; failed: number };
}

export interface PartitionApplyDeps {
  /** False in `plan`, and when a guard stopped the run: the figures and failures are reported, nothing is applied. */
  apply: boolean;
  target: Target;
  checkpoints: CheckpointStore;
  guard: SafetyGuard;
  /** The tables' apply result: partitions follow only a table that is in place, and their failures join it. */
  applied: ApplyResult;
  concurrency: number;
  logger: EngineLogger;
  signal?: AbortSignal;
}

const sameState = (a: PartitionState | undefined, b: PartitionState): boolean => a?.digest === b.digest && a.count === b.count;

/** The table's own action went through (or needed nothing): its partitions may follow. */
function tableInPlace(table: TablePartitionPlan, applied: ApplyResult, confirmed: ReadonlySet<string>): boolean {
  if (applied.outcomes.get(table.assetId)?.outcome === 'failed') return false;
  return table.tableAction === 'skip' || confirmed.has(table.assetId);
}

/**
 * Applies a partition plan after the tables were applied and committed. A table's partition changes go out in
 * batches (the target's `partitions.write`), only for tables whose own action went through, only where the guard
 * permits (never in a dry-run, which counts them instead). The table's checkpoint entry records the new partition
 * state only once the target confirmed every change: after a partial failure it keeps the old state, so the next
 * run compares the table again and sends what is still missing. Failures are the table's, reported with the run's
 * failed assets (exit 3); the other tables go on. The plan's listing failures are added the same way.
 */
export async function applyPartitions(plan: PartitionPlan, deps: PartitionApplyDeps): Promise<PartitionFigures | undefined> {
  if (plan.tables.length === 0 && plan.failed.length === 0) return undefined;
  const figures: PartitionFigures = {
    tables: plan.tables.length,
    partitions: plan.tables.reduce((n, t) => n + t.state.count, 0),
    compared: plan.tables.filter((t) => t.compared).length,
    planned: { create: 0, update: 0, delete: 0 },
    applied: { created: 0, updated: 0, deleted: 0, failed: 0 },
  };
  for (const t of plan.tables) {
    figures.planned.create += t.changes.create.length;
    figures.planned.update += t.changes.update.length;
    figures.planned.delete += t.changes.delete.length;
  }
  deps.applied.failed.push(...plan.failed);
  const partitions = targetPartitions(deps.target);
  if (!deps.apply || !partitions || plan.tables.length === 0) return figures;

  const confirmed = new Set(deps.applied.confirmed.map((c) => c.change.assetId));
  const limit = pLimit(deps.concurrency);
  await Promise.all(
    plan.tables.map((table) =>
      limit(async () => {
        if (deps.signal?.aborted || !tableInPlace(table, deps.applied, confirmed)) return;
        const { create, update, delete: remove } = table.changes;
        const count = create.length + update.length + remove.length;
        if (count > 0) {
          if (!deps.guard.permitsPartitions(count)) return;
          let result;
          try {
            result = await partitions.write(table.ref, table.changes);
          } catch (error) {
            figures.applied.failed += count;
            fail(deps, table.assetId, messageOf(error));
            return;
          }
          figures.applied.created += result.created;
          figures.applied.updated += result.updated;
          figures.applied.deleted += result.deleted;
          if (result.failures.length > 0) {
            figures.applied.failed += result.failures.length;
            const first = result.failures[0]!;
            fail(deps, table.assetId, `${result.failures.length} of ${count} partition changes refused (first: ${first.action} ${JSON.stringify(first.values)}: ${first.error})`);
            return;
          }
        } else if (deps.guard.dryRun || sameState(table.previous, table.state)) {
          return;
        }
        await record(deps.checkpoints, table);
      }),
    ),
  );
  await deps.checkpoints.flush();
  return figures;
}

function fail(deps: PartitionApplyDeps, assetId: string, error: string): void {
  const message = `partitions: ${error}`;
  deps.applied.failed.push({ assetId, error: message });
  deps.logger.error({ assetId, err: error }, 'partition changes failed; the next run compares the table again');
}

/** The partition state joins the table's entry (as it is now, after the table's own write was recorded). */
async function record(checkpoints: CheckpointStore, table: TablePartitionPlan): Promise<void> {
  const entry = checkpoints.get(table.assetId);
  if (!entry) return;
  const next: PartitionedEntry = { ...entry, partitions: table.state };
  await checkpoints.put(next);
}
