import type { Asset, AssetKind } from '../catalog/asset.ts';
import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import type { AssetHashes, Facet } from '../catalog/hashes.ts';
import type { AssetFailure, AssetWarning } from '../catalog/source.ts';
import type { ChangeType } from './classify.ts';

export interface AssetChange {
  assetId: string;
  space: string;
  type: ChangeType;
  facets: Facet[];
  /** The asset as extracted now; absent for DELETED and for assets the source proved unchanged (304). */
  asset?: Asset;
  assetKind: AssetKind;
  /** Hashes of the asset now; for DELETED, the last synced hashes. */
  hashes: AssetHashes;
  previous?: CheckpointEntry;
  validator?: string;
  definitionFormat?: string;
  /** See fingerprint.ts: lets the next run reuse these hashes if the asset arrives byte-identical. */
  fingerprint?: string;
}

export interface IncompleteSpace {
  space: string;
  reason: string;
}

export interface ChangeSet {
  changes: AssetChange[];
  failures: AssetFailure[];
  warnings: AssetWarning[];
  /** Spaces whose listing did not complete: none of their checkpoint entries became DELETED. */
  incompleteSpaces: IncompleteSpace[];
  /** Spaces whose complete listing returned nothing while the checkpoint knows assets there. */
  emptySpaces: string[];
}

export function countChanges(changes: readonly AssetChange[]): Record<ChangeType, number> {
  const counts: Record<ChangeType, number> = {
    CREATED: 0,
    SCHEMA_CHANGED: 0,
    MODIFIED: 0,
    METADATA_CHANGED: 0,
    UNCHANGED: 0,
    DELETED: 0,
  };
  for (const change of changes) counts[change.type] += 1;
  return counts;
}
