import type { Asset } from './asset.ts';
import type { AssetHashes } from './hashes.ts';
import type { TableRef, Target } from './target.ts';

/**
 * Access tags on a table, its columns and its database (Lake Formation LF-Tags on a Glue target): an optional
 * capability of a target. Tags decide who may read data, so the engine treats them like table changes it can see
 * and count: it plans them before the guard (which counts their removals with the deletions), shows every change
 * in `plan`, and applies a table's tags right after its write and before its checkpoint entry changes — a table
 * whose tags failed is a failed asset, retried by the next run.
 */

/** The tags an asset wants, by level, as the governance mapping gives them (mapping/lf-tags.ts). */
export interface AssetTags {
  /**
   * The keys the mapping manages at each level, sorted. A managed key the asset has no value for is taken off the
   * resource where this job set it; a key no level manages is never touched.
   */
  keys: { database: string[]; table: string[]; column: string[] };
  database: Record<string, string>;
  table: Record<string, string>;
  /** By source column name; columns without a tag are left out. */
  columns: Record<string, Record<string, string>>;
}

/** One tag change on a resource: what `plan` lists under its table, and what the guard counts when removed. */
export interface TagChange {
  /** What carries the tag. */
  resource: 'database' | 'table' | 'column';
  /** The database name, the table name, or the column name, as the target holds them. */
  name: string;
  key: string;
  kind: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
}

/** A tag key that must be created, or allowed values it lacks, before the planned changes can be made. */
export interface TagDefinitionChange {
  key: string;
  /** True: the key does not exist yet (created with these values); false: these values are added to it. */
  create: boolean;
  values: string[];
}

/** The table whose tags are planned or applied, with what the engine knows of it. */
export interface TagRequest {
  asset: Asset;
  ref: TableRef;
  /**
   * The hashes our last confirmed write of the table carried (the checkpoint's). A table still holding them had its
   * tags applied with that write, so where the wanted tags are the same, nothing needs reading.
   */
  confirmed?: AssetHashes;
  /** Read and compare the tags whatever our last write says (`sync --full`): repairs tags changed behind our back. */
  force: boolean;
}

export interface TargetTagging {
  /** What the tags are called in output, e.g. `LF-Tags`. */
  readonly label: string;
  /** The changes applying the asset's tags would make, from what the target holds now. Writes nothing. */
  plan(request: TagRequest): Promise<TagChange[]>;
  /** The tag definitions the planned changes need that the target lacks. Writes nothing. */
  definitions(changes: readonly TagChange[]): Promise<TagDefinitionChange[]>;
  /** Makes the planned changes of this table (after its write); returns how many were made. */
  apply(request: TagRequest): Promise<number>;
}

export interface TaggedTarget extends Target {
  /** Undefined when tagging is switched off: the engine then makes no tag call at all. */
  readonly tagging: TargetTagging | undefined;
}

export function targetTagging(target: Target): TargetTagging | undefined {
  return (target as Partial<TaggedTarget>).tagging;
}
