import type { DatabaseDescriptionChange } from '../catalog/space-labels.ts';
import type { Facet } from '../catalog/hashes.ts';
import type { AssetFailure, AssetWarning } from '../catalog/source.ts';
import type { TagChange, TagDefinitionChange } from '../catalog/resource-tags.ts';
import type { FieldChange } from '../catalog/target.ts';
import type { ChangeType } from '../change/classify.ts';
import type { PartitionFigures } from './apply-partitions.ts';
import type { RefreshFindings } from './refresh-report.ts';
import type { StrategyCounts } from './sync-plan.ts';

export interface TrafficFigures {
  requests: number;
  bytesSent: number;
  bytesReceived: number;
}

/** What happened to one table in a run: the per-table line of `sync`, and the `actions` array of `--json`. */
export interface RunAction {
  assetId: string;
  /** `database.table` */
  table?: string;
  change: ChangeType;
  action: 'create' | 'update' | 'deprecate' | 'delete' | 'log-deletion' | 'record' | 'forget' | 'blocked' | 'conflict';
  strategy?: 'full' | 'delta' | 'metadata-only' | 'deletion';
  facets: Facet[];
  /**
   * done: the target confirmed it. failed: it was tried (or refused) and did not happen. planned: a plan or dry-run
   * would do it. skipped: reported only (a conflict under target-wins). not-started: the run stopped before it.
   */
  outcome: 'done' | 'failed' | 'planned' | 'skipped' | 'not-started';
  error?: string;
  reason?: string;
  /** Field by field, what the write would change: plan and dry-run only, where the target can preview. */
  diff?: FieldChange[];
  /** Every tag change of the table (LF-Tags), its database's included: planned, or made with the write. */
  tags?: TagChange[];
}

/**
 * Tags (LF-Tags, where the target has them switched on): what the run planned and what the target confirmed. A
 * removal takes a tag off a database, table or column; deletion.maxCount counts removals with the tables.
 */
export interface TagFigures {
  /** What the target calls them, e.g. `LF-Tags`. */
  label: string;
  /** Tables whose tags were looked at (written, or recorded after an unconfirmed write). */
  tables: number;
  changes: number;
  removals: number;
  applied: number;
  /** Tables whose tags could not be read (not written). */
  failed: number;
  /** Tag keys to create and allowed values to add (CreateLFTag / UpdateLFTag). */
  definitions: TagDefinitionChange[];
}

/** A safety guard that stopped the run (or, in a plan or dry-run, would have stopped it). */
export interface GuardOutcome {
  /** The guard's error code: GUARD_STOPPED (max deletes, empty space) or TARGET_DRIFT (conflicts.policy = fail). */
  code: string;
  message: string;
  /** True in a plan or dry-run: the real run would stop here; nothing was stopped. */
  wouldStop: boolean;
  details?: Record<string, unknown>;
}

export type RunStatus =
  /** Everything in scope synced. */
  | 'ok'
  /** Some assets failed or a space listing was incomplete; the rest synced. */
  | 'partial'
  /** Interrupted by a signal or a cancel; what was confirmed is in the checkpoint. */
  | 'stopped'
  /** A safety guard stopped the run before anything was applied. */
  | 'guard-stopped'
  /** A fatal error ended the run (the `error` field says which). */
  | 'failed';

/** The one JSON object `sync --json` prints, and the record appended to the run history. */
/**
 * How an incremental run read the target: `tables` of them (its writes, deprecations, deletions), `share` of the
 * assets in scope; `bulk` when that share was above `threshold` (sync.fullSyncThreshold) and the databases were
 * listed whole instead of read table by table.
 */
export interface TargetReads {
  how: 'tables' | 'bulk';
  tables: number;
  share: number;
  threshold?: number;
}

export interface RunSummary {
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** True for `plan` and `sync --dry-run`: nothing was written. */
  dryRun: boolean;
  /** `plan`: planned only (dryRun is true as well). */
  planOnly?: boolean;
  mode: 'incremental' | 'full';
  status: RunStatus;
  source: { type: string; spaces: string[]; incompleteSpaces: { space: string; reason: string }[] };
  target: { type: string };
  /** What detection found, whatever happened next. */
  changes: {
    created: number;
    modified: number;
    schemaChanged: number;
    metadataChanged: number;
    deleted: number;
    unchanged: number;
  };
  strategies: StrategyCounts;
  /** What the target confirmed in this run: a failed write is never counted here. */
  applied: { created: number; updated: number; deprecated: number; deleted: number; recorded: number; failed: number };
  actions: RunAction[];
  failed: AssetFailure[];
  warnings: AssetWarning[];
  drift: { assetId: string; table: string; expectedVersion: string; actualVersion: string }[];
  /**
   * checked: tables written or recorded; matched: those confirmed by the target (a write that came back with its
   * version) or found as written when read back; readBack: how many of them were read back to find out (absent in
   * history records of older versions, and in a summary of a run that failed before it wrote anything).
   */
  verified: { checked: number; matched: number; readBack?: number };
  /** `sync --refresh` (or a scheduled refresh): what comparing every table in scope with the checkpoint found. */
  refresh?: RefreshFindings;
  /** How an incremental run read the tables it writes or deletes (see TargetReads); absent for a refresh. */
  reads?: TargetReads;
  /**
   * Partitions, where source and target have them (Glue to Glue with `source.partitions`): tables listed, partitions
   * in the source, tables compared in the target, changes planned and applied. Absent otherwise.
   */
  partitions?: PartitionFigures;
  /** Tags (LF-Tags) the run planned and applied; absent where the target has tagging off. */
  tags?: TagFigures;
  /**
   * Where the target keeps space labels on its databases: the Descriptions this run brought in step with their
   * space's label (a plan or dry run: would bring), in database-name order.
   */
  databaseDescriptions?: DatabaseDescriptionChange[];
  guard?: GuardOutcome;
  error?: { code: string; message: string };
  /**
   * Requests and bytes both ways, per operation, as each connector counted them (Glue: whole HTTP messages,
   * headers included, every retry; the file target and the export-file source: bodies and file bytes).
   */
  traffic: {
    source: TrafficFigures & { byOperation: Record<string, TrafficFigures> };
    target: TrafficFigures & {
      writes: number;
      byOperation: Record<string, TrafficFigures>;
      /** The whole-catalog refresh's listing, when the run made one: included in the figures above. */
      refresh?: TrafficFigures;
    };
  };
  /**
   * This run's bytes, both directions, source and target: what savingsPercent weighs against fullSyncBytes. Absent
   * in history records of older versions, whose savings counted the target's bytes sent only.
   */
  totalBytes?: number;
  /** Bytes, both directions, a `--full` run on the same catalog would move, estimated (engine/full-run-bytes.ts). */
  fullSyncBytes: number;
  /** Percent of fullSyncBytes this run did not move; negative when it moved more; 0 with nothing to compare. */
  savingsPercent: number;
}

/** Percent of the full-run bytes this run did not move; 0 when there was nothing to compare with. */
export function savingsPercent(fullSyncBytes: number, totalBytes: number): number {
  if (fullSyncBytes <= 0) return 0;
  const saved = (1 - totalBytes / fullSyncBytes) * 100;
  return Math.round(saved * 10) / 10;
}
