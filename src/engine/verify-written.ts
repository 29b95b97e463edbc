import type { AssetWarning } from '../catalog/source.ts';
import type { DatabaseHint, Target } from '../catalog/target.ts';
import { sameHashes } from '../catalog/hashes.ts';
import { refKey } from '../catalog/ref-key.ts';
import type { Confirmed } from './apply-plan.ts';

export interface Verification {
  /** Tables written or recorded in this run. */
  checked: number;
  /** Of those, confirmed by the target or found as written when read back. */
  matched: number;
  /** Of those, read back from the target: the ones whose write did not come back with a version. */
  readBack: number;
  mismatches: AssetWarning[];
  /** The version each table read back carries now, by asset id: what the checkpoint must remember. */
  versions: Map<string, string>;
  /** The size of each table read back, by asset id (TargetTable.bytes). */
  tableBytes: Map<string, number>;
  /** The target's selfContained token of each table read back that it recognised as its own build, by asset id. */
  selfContained: Map<string, string>;
}

/**
 * Verifies what this run wrote, as cheaply as can be done honestly. A write that came back with its version was
 * confirmed by the target itself: a Glue UpdateTable conditional on the version it replaced either wrote exactly
 * the input we sent (our marker and hashes included) or failed, and the file target reports the version it stored.
 * A record was made on a table this run has just read. Those are counted as matched without another read. Every
 * other table (a Glue create, whose new version is not documented) is read back — a few single reads, or a listing
 * where that moves fewer bytes — and counted if it carries our marker, the asset id and exactly the hashes we meant
 * to write; its version is learnt there. A mismatch is a warning, not a failure: the checkpoint already says what
 * we wrote, and the next run will see the drift.
 */
export async function verifyWritten(
  target: Target,
  job: string,
  confirmed: readonly Confirmed[],
  hints?: ReadonlyMap<string, DatabaseHint>,
): Promise<Verification> {
  const versions = new Map<string, string>();
  const tableBytes = new Map<string, number>();
  const selfContained = new Map<string, string>();
  const unconfirmed = confirmed.filter((c) => c.version === undefined);
  let matched = confirmed.length - unconfirmed.length;
  const mismatches: AssetWarning[] = [];
  if (unconfirmed.length === 0) return { checked: confirmed.length, matched, readBack: 0, mismatches, versions, tableBytes, selfContained };
  const refs = unconfirmed.map((c) => c.ref);
  const read = target.readTables
    ? await target.readTables(refs, hints)
    : await target.readState([...new Set(refs.map((ref) => ref.database))]);
  const tables = new Map(read.map((t) => [refKey(t.ref), t]));
  for (const { change, ref } of unconfirmed) {
    const table = tables.get(refKey(ref));
    if (table && table.owner === job && table.assetId === change.assetId && sameHashes(table.hashes, change.hashes)) {
      matched += 1;
      if (table.version !== undefined) versions.set(change.assetId, table.version);
      if (table.bytes !== undefined) tableBytes.set(change.assetId, table.bytes);
      if (table.selfContained !== undefined) selfContained.set(change.assetId, table.selfContained);
    } else {
      const why = !table ? 'not found' : table.owner !== job ? 'ownership marker missing' : 'hashes differ from what was written';
      mismatches.push({ assetId: change.assetId, message: `verification: ${refKey(ref)} ${why}` });
    }
  }
  return { checked: confirmed.length, matched, readBack: unconfirmed.length, mismatches, versions, tableBytes, selfContained };
}
