import type { Asset } from './asset.ts';
import type { AssetHashes, Facet } from './hashes.ts';
import type { Traffic } from './traffic.ts';

export interface TableRef {
  database: string;
  table: string;
}

/** A table as the target holds it, reduced to what the engine decides with. */
export interface TargetTable {
  ref: TableRef;
  /** Target version (Glue VersionId, the file target's counter). */
  version?: string;
  /** The job named by the ownership marker; undefined when the table carries none (not ours). */
  owner?: string;
  /** The asset id and hashes the table was last written from by this tool, read back from its parameters. */
  assetId?: string;
  hashes?: AssetHashes;
  deprecatedAt?: string;
}

export type WriteStrategy = 'full' | 'delta' | 'metadata-only';

export interface WriteRequest {
  asset: Asset;
  ref: TableRef;
  strategy: WriteStrategy;
  /** Every facet that differs from the checkpoint; a delta or metadata-only write covers exactly these. */
  facets: Facet[];
  hashes: AssetHashes;
  /** True when the target does not hold the table yet. */
  create: boolean;
  /** The target version recorded at our last write; a different current version means drift. */
  expectedVersion?: string;
}

export interface WriteResult {
  ref: TableRef;
  /** The version the write produced, where the target answers with it; else verification learns it. */
  version?: string;
  /** Size of a full write of the table built for this request (see fullWriteBytes), so it is not built twice. */
  fullWriteBytes?: number;
  /** Truncations and other adjustments the target's rules forced on this write. */
  warnings: string[];
}

/**
 * One field a write would change in a table, as `plan` shows it: `column salesorderid comment`, `description`,
 * `parameter datasphere.tags`. Values are short display strings, not the raw Glue values.
 */
export interface FieldChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
}

export interface DeleteOutcome {
  ref: TableRef;
  ok: boolean;
  /** The table was already gone; counts as success. */
  alreadyGone?: boolean;
  error?: string;
}

/**
 * Which catalog a target writes to, as plain fields: `type` plus what tells two catalogs of that type apart (file:
 * the absolute path and databasePrefix; glue: region, endpoint and catalogId where set, databasePrefix). The
 * checkpoint records it and refuses to serve another target. It is written to the checkpoint file and printed in
 * error messages, so it never holds a secret.
 */
export interface TargetIdentity {
  readonly type: string;
  readonly [field: string]: string;
}

export interface Target {
  /** Config type, e.g. `file`, `glue`. */
  readonly type: string;
  /** The catalog this target writes to (see TargetIdentity). */
  readonly identity: TargetIdentity;
  /** Where an asset lands under this target's naming rules. */
  resolve(asset: Asset): TableRef;
  /** The database an entire space maps to. */
  databaseFor(space: string): string;
  /** Current state of the given databases, read in bulk. Missing databases read as empty. */
  readState(databases: string[]): Promise<TargetTable[]>;
  /**
   * Re-reads just these tables (missing ones are left out), the cheapest way the target knows: a few single
   * reads where that costs less than listing their databases. Optional; readState serves otherwise.
   */
  readTables?(refs: TableRef[]): Promise<TargetTable[]>;
  write(request: WriteRequest): Promise<WriteResult>;
  /**
   * What write(request) would change in the table as it is now, without writing: for a create, the new table's
   * main fields as added. Optional; `plan` and `--dry-run` show no field diff for targets without it.
   */
  previewWrite?(request: WriteRequest): Promise<FieldChange[]>;
  /** Marks an owned table deprecated (deletion policy `deprecate`). */
  deprecate(ref: TableRef, at: string): Promise<WriteResult>;
  delete(refs: TableRef[]): Promise<DeleteOutcome[]>;
  /** Bytes a full write of this asset would send: the baseline of the savings figure. */
  fullWriteBytes(asset: Asset, ref: TableRef, hashes: AssetHashes): number;
  traffic(): Traffic;
  close?(): Promise<void>;
}
