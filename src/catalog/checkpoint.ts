import type { AssetKind } from './asset.ts';
import type { AssetHashes } from './hashes.ts';

/** What the last confirmed write of one asset left behind. */
export interface CheckpointEntry {
  assetId: string;
  assetType: AssetKind;
  sourceSystem: string;
  /** ISO-8601 UTC time of the last confirmed sync. */
  lastSyncAt: string;
  hashes: AssetHashes;
  /** Incremented on every confirmed write of this asset. */
  syncVersion: number;
  /**
   * Where the asset was written, the version our last write produced there, and (selfContained) the target's token
   * saying that table held nothing but our own build of the asset: see WriteRequest.selfContained.
   */
  target: { database: string; table: string; version?: string; selfContained?: string };
  /** Change validator from the source (ETag, metadata ETag), if it gives one. */
  validator?: string;
  /** Digest of the asset as last delivered; a cache key for `hashes` (see change/fingerprint.ts). */
  fingerprint?: string;
  /** The definition format the asset was last built from (`csn`, `edmx`), where the source says. */
  definitionFormat?: string;
  /** Set when the deletion policy deprecated the table instead of deleting it. */
  deprecatedAt?: string;
  /** Bytes a full write of this asset sends; lets the savings figure count assets the source skipped (304). */
  fullWriteBytes?: number;
  /** About how many bytes the table takes as the target serves it, at our last write or read of it. */
  tableBytes?: number;
  /** Bytes of the asset's definition as the source last delivered it, where the source says. */
  sourceBytes?: number;
  customProperties: Record<string, string>;
}

/**
 * The checkpoint store as the engine sees it. Writes are staged in memory and made durable by flush();
 * an implementation may flush by itself in batches.
 */
export interface CheckpointStore {
  get(assetId: string): CheckpointEntry | undefined;
  all(): CheckpointEntry[];
  put(entry: CheckpointEntry): Promise<void>;
  remove(assetId: string): Promise<void>;
  flush(): Promise<void>;
  /**
   * The end of a run (or of the daemon's hold on the store): everything durable and, where the store keeps a
   * journal beside a snapshot, folded into a new snapshot. Optional; callers fall back to flush().
   */
  close?(): Promise<void>;
}
