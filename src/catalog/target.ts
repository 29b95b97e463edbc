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
  /** About how many bytes the target serves this table in (the table's JSON as a read returns it), where known. */
  bytes?: number;
  /**
   * Set where the target recognises the table as holding exactly what its own write in this run left there, and
   * that write held nothing but our build of the asset: the token WriteResult.selfContained would carry.
   * Verification records it with the version it reads (a create's version is learnt only by reading).
   */
  selfContained?: string;
}

/**
 * What the caller knows of a database before reading from it: how many tables it holds and about how many bytes
 * they take (the engine counts its checkpoint entries per database). A target uses it to choose the cheapest way
 * to read a few tables of it; tables of other tools in the same database are not counted.
 */
export interface DatabaseHint {
  tables: number;
  /** Total bytes of those tables as the target serves them, where known. */
  bytes?: number;
}

/**
 * What a request costs on this target beyond its bodies, and how a listing pages: the model the engine estimates
 * the traffic of a `--full` run with (see engine/summarise-run.ts).
 */
export interface TrafficModel {
  /** Request line and headers sent, status line and headers received, per request (both directions). */
  requestOverheadBytes: number;
  /** Tables one page of a listing carries. */
  pageSize: number;
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
  /**
   * The token the target gave our last write of this table (WriteResult.selfContained). Where it is still the
   * target's, the table was not read in this run, and expectedVersion is set, the target may send its own build of
   * the asset without reading the table first, conditional on expectedVersion: a table changed since is refused,
   * then read and merged onto as any other (its other writers' parameters and storage kept), and reported as drift.
   */
  selfContained?: string;
}

export interface WriteResult {
  ref: TableRef;
  /**
   * The version the write produced, only where the target knows it for certain (the file target's own counter; a
   * Glue UpdateTable made conditional on the version it replaced). Undefined otherwise (a Glue CreateTable):
   * verification reads the table back, and until it has, the checkpoint entry carries no version.
   */
  version?: string;
  /** About how many bytes the table takes as the target now serves it (see TargetTable.bytes). */
  storedBytes?: number;
  /**
   * Set when the table now holds nothing but what this tool builds from the asset (no parameters, storage or
   * columns of other writers): a token of the build rules it was made with. Kept with the checkpoint entry and
   * handed back in the next WriteRequest of this table (see WriteRequest.selfContained).
   */
  selfContained?: string;
  /** The table had moved on from expectedVersion when this write found it (someone else wrote it meanwhile). */
  drift?: { expectedVersion: string; actualVersion: string };
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
  /**
   * Whether every table the target holds carries a version (Glue's VersionId, the file target's counter). Where it
   * does, a checkpoint entry without one is repaired: the next run reads that table and records its version.
   */
  readonly versioned?: boolean;
  /** Current state of the given databases, read in bulk: the whole-catalog refresh. Missing databases read as empty. */
  readState(databases: string[]): Promise<TargetTable[]>;
  /**
   * Reads just these tables (missing ones are left out), the cheapest way the target knows for the count involved:
   * single reads, or a listing of the database where that moves fewer bytes. `hints` says what the caller knows of
   * each database's size. The tables read are remembered, so a write to one of them in this run merges onto what
   * was read without reading it again. Optional; readState of their databases serves otherwise.
   */
  readTables?(refs: TableRef[], hints?: ReadonlyMap<string, DatabaseHint>): Promise<TargetTable[]>;
  write(request: WriteRequest): Promise<WriteResult>;
  /**
   * What write(request) would change in the table as it is now, without writing: for a create, the new table's
   * main fields as added. Optional; `plan` and `--dry-run` show no field diff for targets without it.
   */
  previewWrite?(request: WriteRequest): Promise<FieldChange[]>;
  /** Marks an owned table deprecated (deletion policy `deprecate`). */
  deprecate(ref: TableRef, at: string): Promise<WriteResult>;
  delete(refs: TableRef[]): Promise<DeleteOutcome[]>;
  /** Body bytes a full write of this asset would send: part of the savings figure's baseline. */
  fullWriteBytes(asset: Asset, ref: TableRef, hashes: AssetHashes): number;
  traffic(): Traffic;
  /** Per-request overhead and page size, for estimating a full run; no overhead and pages of 100 when absent. */
  trafficModel?(): TrafficModel;
  close?(): Promise<void>;
}
