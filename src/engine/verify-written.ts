import type { Target, TableRef } from '../catalog/target.ts';
import type { AssetWarning } from '../catalog/source.ts';
import { sameHashes } from '../catalog/hashes.ts';
import type { AssetChange } from '../change/change-set.ts';
import { refKey } from '../catalog/ref-key.ts';

export interface Verification {
  checked: number;
  matched: number;
  mismatches: AssetWarning[];
  /** The version each matching table carries now, by asset id: what the checkpoint must remember. */
  versions: Map<string, string>;
}

/**
 * Re-reads, in bulk, every table this run wrote or recorded and counts those that carry our ownership
 * marker, the asset id and exactly the hashes we meant to write. A mismatch is a warning, not a failure:
 * the checkpoint already says what we wrote, and the next run will see the drift.
 */
export async function verifyWritten(
  target: Target,
  job: string,
  confirmed: readonly { change: AssetChange; ref: TableRef }[],
): Promise<Verification> {
  const versions = new Map<string, string>();
  if (confirmed.length === 0) return { checked: 0, matched: 0, mismatches: [], versions };
  const read = target.readTables
    ? await target.readTables(confirmed.map((c) => c.ref))
    : await target.readState([...new Set(confirmed.map((c) => c.ref.database))]);
  const tables = new Map(read.map((t) => [refKey(t.ref), t]));
  let matched = 0;
  const mismatches: AssetWarning[] = [];
  for (const { change, ref } of confirmed) {
    const table = tables.get(refKey(ref));
    if (table && table.owner === job && table.assetId === change.assetId && sameHashes(table.hashes, change.hashes)) {
      matched += 1;
      if (table.version !== undefined) versions.set(change.assetId, table.version);
    } else {
      const why = !table ? 'not found' : table.owner !== job ? 'ownership marker missing' : 'hashes differ from what was written';
      mismatches.push({ assetId: change.assetId, message: `verification: ${refKey(ref)} ${why}` });
    }
  }
  return { checked: confirmed.length, matched, mismatches, versions };
}
