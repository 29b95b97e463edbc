import { z } from 'zod';
import pLimit from 'p-limit';
import { messageOf } from '../catalog/message-of.ts';
import type { Partition, PartitionChanges, PartitionedEntry, PartitionState, SourcePartitions, TargetPartitions } from '../catalog/partitions.ts';
import { sourcePartitions, targetPartitions } from '../catalog/partitions.ts';
import type { AssetFailure, Source } from '../catalog/source.ts';
import type { TableRef, Target } from '../catalog/target.ts';
import type { EngineLogger } from './engine-logger.ts';
import { partitionDigest, partitionKey, tableDigest } from './partition-digest.ts';
import type { PlannedAction, SyncPlan } from './sync-plan.ts';

/** The partition work of one table. */
export interface TablePartitionPlan {
  assetId: string;
  ref: TableRef;
  /** The plan's action for the table itself: partitions follow only a table that is (or stays) in place. */
  tableAction: 'write' | 'record' | 'skip';
  /** The source's partitions as the target will hold them: recorded once the target holds exactly these. */
  state: PartitionState;
  /** The state the checkpoint had; a state that is unchanged needs no write and no record. */
  previous?: PartitionState;
  changes: PartitionChanges;
  /** Whether the target's partitions were read to find the changes (only when the digest moved). */
  compared: boolean;
}

export interface PartitionPlan {
  tables: TablePartitionPlan[];
  /** Tables whose partitions could not be listed or compared: nothing of theirs is changed. */
  failed: AssetFailure[];
  /** Partitions the plan deletes, across all tables: counted by the max-delete guard with the tables. */
  deletions: number;
}

export const NO_PARTITION_PLAN: PartitionPlan = { tables: [], failed: [], deletions: 0 };

export interface PartitionPlanDeps {
  source: Source;
  target: Target;
  mode: 'incremental' | 'full';
  concurrency: number;
  logger: EngineLogger;
  signal?: AbortSignal;
}

const partitionState = z.object({ digest: z.string().min(1), count: z.number().int().min(0) });

/** The partition state a checkpoint entry carries, if it carries a valid one (the file is input, not a promise). */
export function storedPartitionState(entry: PartitionedEntry | undefined): PartitionState | undefined {
  const parsed = partitionState.safeParse(entry?.partitions);
  return parsed.success ? parsed.data : undefined;
}

type TableAction = Extract<PlannedAction, { kind: 'write' | 'record' | 'skip' }>;

/** Actions on tables that stay in place and have partition keys: the tables whose partitions are replicated. */
function partitionedTables(plan: SyncPlan): TableAction[] {
  return plan.actions.filter(
    (a): a is TableAction =>
      (a.kind === 'write' || a.kind === 'record' || a.kind === 'skip') &&
      a.ref !== undefined &&
      (a.change.asset?.glue?.partitionKeys.length ?? 0) > 0,
  );
}

/** What turns `current` (the target's partitions) into `desired` (the source's, mapped): creates, updates, deletes. */
export function diffPartitions(desired: ReadonlyMap<string, { partition: Partition; digest: string }>, current: readonly Partition[]): PartitionChanges {
  const changes: PartitionChanges = { create: [], update: [], delete: [] };
  const held = new Map<string, string>();
  for (const partition of current) held.set(partitionKey(partition.values), partitionDigest(partition));
  for (const [key, { partition, digest }] of desired) {
    const there = held.get(key);
    if (there === undefined) changes.create.push(partition);
    else if (there !== digest) changes.update.push(partition);
  }
  for (const partition of current) if (!desired.has(partitionKey(partition.values))) changes.delete.push(partition.values);
  return changes;
}

/**
 * Plans the partitions of every partitioned table the run keeps, before anything is applied, so that the guard
 * weighs partition deletions with table deletions. Per table: the source's partitions are listed (the cost of
 * detecting a change at all: Glue keeps no change stamp for a table's partitions), mapped as the target will hold
 * them, and digested; a digest equal to the checkpoint's means nothing changed, and the target's partitions are
 * not read. Only when it moved (or in a full run, or for a table the checkpoint has no partition state for) are
 * the target's partitions read and compared one by one, and exactly the differences planned. A new table has no
 * partitions to read. A listing that fails fails that table's partitions only, and deletes none of them.
 */
export async function planPartitions(plan: SyncPlan, deps: PartitionPlanDeps): Promise<PartitionPlan> {
  const from = sourcePartitions(deps.source);
  const to = targetPartitions(deps.target);
  if (!from || !to) return NO_PARTITION_PLAN;
  const actions = partitionedTables(plan);
  if (actions.length === 0) return NO_PARTITION_PLAN;

  const tables: TablePartitionPlan[] = [];
  const failed: AssetFailure[] = [];
  const limit = pLimit(deps.concurrency);
  await Promise.all(
    actions.map((action) =>
      limit(async () => {
        deps.signal?.throwIfAborted();
        try {
          tables.push(await planTable(action, from, to, deps));
        } catch (error) {
          if (deps.signal?.aborted) throw error;
          const message = `partitions not replicated: ${messageOf(error)}`;
          failed.push({ assetId: action.change.assetId, error: message });
          deps.logger.error({ assetId: action.change.assetId, err: messageOf(error) }, 'partition listing failed; none of its partitions is changed');
        }
      }),
    ),
  );
  tables.sort((a, b) => (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : 0));
  const deletions = tables.reduce((n, t) => n + t.changes.delete.length, 0);
  return { tables, failed, deletions };
}

async function planTable(action: TableAction, from: SourcePartitions, to: TargetPartitions, deps: PartitionPlanDeps): Promise<TablePartitionPlan> {
  const { change } = action;
  const ref = action.ref as TableRef;
  const listed = await from.list(change.assetId, deps.signal);
  const desired = new Map<string, { partition: Partition; digest: string }>();
  const digests = new Map<string, string>();
  for (const source of listed) {
    const partition = to.map(source);
    const key = partitionKey(partition.values);
    const digest = partitionDigest(partition);
    desired.set(key, { partition, digest });
    digests.set(key, digest);
  }
  const state: PartitionState = { digest: tableDigest(digests), count: desired.size };
  const previous = storedPartitionState(change.previous as PartitionedEntry | undefined);
  const base = { assetId: change.assetId, ref, tableAction: action.kind, state, ...(previous ? { previous } : {}) };
  if (deps.mode === 'incremental' && previous?.digest === state.digest) {
    return { ...base, changes: { create: [], update: [], delete: [] }, compared: false };
  }
  // A table the plan creates holds no partitions yet: nothing to read.
  const creating = action.kind === 'write' && action.create;
  const current = creating ? [] : await to.read(ref, deps.signal);
  return { ...base, changes: diffPartitions(desired, current), compared: !creating };
}
