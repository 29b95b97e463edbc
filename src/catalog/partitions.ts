import type { CheckpointEntry } from './checkpoint.ts';
import type { JsonValue } from './native-glue-table.ts';
import type { Source } from './source.ts';
import type { TableRef, Target } from './target.ts';

/**
 * Partitions: an optional capability of a source and a target, for catalogs whose tables have them (Glue). A run
 * replicates them only where both sides have it (engine/plan-partitions.ts). They are not assets: a table may
 * hold a hundred thousand of them, so they are compared per table by one digest kept in the table's checkpoint
 * entry, and read in full only when that digest moved.
 */

/** One partition: the values of the table's partition keys, in key order, and the rest of its definition. */
export interface Partition {
  values: string[];
  /** Everything else a partition is written with (Glue: StorageDescriptor, Parameters), as plain JSON. */
  definition: { [key: string]: JsonValue };
}

export interface SourcePartitions {
  /**
   * Every partition of the asset's table, or an error: never part of them, since a partition missing from an
   * incomplete listing would be deleted from the target.
   */
  list(assetId: string, signal?: AbortSignal): Promise<Partition[]>;
}

export interface PartitionChanges {
  create: Partition[];
  update: Partition[];
  /** Values of the partitions to delete. */
  delete: string[][];
}

export interface PartitionFailure {
  values: string[];
  action: 'create' | 'update' | 'delete';
  error: string;
}

export interface PartitionWriteResult {
  created: number;
  updated: number;
  deleted: number;
  /** Partitions the target refused (reported per partition, as Glue's batch calls do). */
  failures: PartitionFailure[];
}

export interface TargetPartitions {
  /**
   * A source partition as this target will hold it (its location rules applied). Pure: what the engine compares
   * with the partitions the target holds, and what it writes.
   */
  map(partition: Partition): Partition;
  /** The partitions the table holds now; none when the table does not exist. */
  read(ref: TableRef, signal?: AbortSignal): Promise<Partition[]>;
  /** Applies the changes to one table, which must be ours (its ownership marker is checked first). */
  write(ref: TableRef, changes: PartitionChanges): Promise<PartitionWriteResult>;
}

export interface PartitionedSource extends Source {
  /** Undefined when partitions are switched off (Glue: `source.partitions`). */
  readonly partitions: SourcePartitions | undefined;
}

export interface PartitionedTarget extends Target {
  readonly partitions: TargetPartitions | undefined;
}

export function sourcePartitions(source: Source): SourcePartitions | undefined {
  return (source as Partial<PartitionedSource>).partitions;
}

export function targetPartitions(target: Target): TargetPartitions | undefined {
  return (target as Partial<PartitionedTarget>).partitions;
}

/**
 * What a checkpoint entry remembers of its table's partitions after they were replicated: the digest of the
 * source's partitions as the target holds them (engine/partition-digest.ts) and how many there were.
 */
export interface PartitionState {
  digest: string;
  count: number;
}

/** A checkpoint entry with the partition state it may carry (an additive field; older entries have none). */
export type PartitionedEntry = CheckpointEntry & { partitions?: PartitionState };
