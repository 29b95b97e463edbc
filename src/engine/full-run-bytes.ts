import type { Target } from '../catalog/target.ts';
import type { Traffic } from '../catalog/traffic.ts';
import { refKey } from '../catalog/ref-key.ts';
import type { AssetChange, ChangeSet } from '../change/change-set.ts';
import type { ApplyResult } from './apply-plan.ts';
import { plannedRef } from './plan-sync.ts';
import type { SyncPlan } from './sync-plan.ts';

/** What an UpdateTable adds to a create's body: `"VersionId":"…","SkipArchive":…`. */
const UPDATE_EXTRA_BYTES = 40;
/** Glue's ceiling for the names one BatchDeleteTable takes. */
const DELETE_BATCH = 100;

export interface FullRunInput {
  changeSet: ChangeSet;
  plan: SyncPlan;
  applied: ApplyResult;
  target: Target;
  sourceTraffic: Traffic;
  /** Size of each table read in this run (TargetTable.bytes), by `database.table`. */
  readBytes: ReadonlyMap<string, number>;
}

interface DatabaseFigures {
  /** Tables a full run would find there, and their bytes. */
  existing: number;
  existingBytes: number;
  /** Tables a full run would create there, and their bytes once created. */
  created: number;
  createdBytes: number;
}

/**
 * The bytes, both directions, a `--full` run on the same catalog would move — the savings figure's baseline —
 * estimated from what this run knows rather than by running one:
 *
 * - source: a full run offers no validators, so it downloads everything: what this run's source moved, plus each
 *   definition the source spared it ("not modified"), at the size recorded when it was last downloaded;
 * - target: a full run reads every table it writes to merge onto, which is cheapest as one listing per database
 *   (the tables' sizes as last read or written, plus a request overhead per page of the target's page size), then
 *   writes every asset in full (its full-write size plus a request overhead); tables it creates are read back
 *   (singles or a listing, whichever is cheaper) where the target does not answer a create with its version;
 *   deletions go out in batches of 100.
 *
 * Sizes come from this run's reads and writes, else from the checkpoint entry (recorded at the asset's last write
 * or read), else the table is built to measure it. An asset whose write failed is left out: a failure is work
 * still to do, never a saving.
 */
export function fullRunBytes(input: FullRunInput): number {
  const { changeSet, plan, applied, target, sourceTraffic, readBytes } = input;
  const model = target.trafficModel?.() ?? { requestOverheadBytes: 0, pageSize: 100 };
  const overhead = model.requestOverheadBytes;

  let source = sourceTraffic.bytesSent + sourceTraffic.bytesReceived;
  let bytes = 0;
  const databases = new Map<string, DatabaseFigures>();
  const created = new Set<string>();
  for (const action of plan.actions) if (action.kind === 'write' && action.create) created.add(action.change.assetId);
  let deletions = 0;
  // A target that answers a create with its version (the file target) needs no read-back; Glue does.
  const createdVersions = applied.confirmed.filter((c) => created.has(c.change.assetId));
  const readBack = createdVersions.length === 0 || createdVersions.some((c) => c.version === undefined);

  for (const change of changeSet.changes) {
    if (change.type !== 'DELETED' && !change.asset) source += change.previous?.sourceBytes ?? 0;
    if (applied.outcomes.get(change.assetId)?.outcome === 'failed') continue;
    const ref = plannedRef(change, (asset) => target.resolve(asset));
    const db = databases.get(ref.database) ?? { existing: 0, existingBytes: 0, created: 0, createdBytes: 0 };
    databases.set(ref.database, db);
    const write = fullWriteBytes(change, applied, target);
    const stored = readBytes.get(refKey(ref)) ?? change.previous?.tableBytes ?? write;
    if (change.type === 'DELETED') {
      deletions += 1;
      db.existing += 1;
      db.existingBytes += stored;
      continue;
    }
    if (created.has(change.assetId)) {
      db.created += 1;
      db.createdBytes += stored;
      bytes += write + overhead;
    } else {
      db.existing += 1;
      db.existingBytes += stored;
      bytes += write + UPDATE_EXTRA_BYTES + overhead;
    }
  }

  for (const db of databases.values()) {
    bytes += db.existingBytes + Math.max(1, Math.ceil(db.existing / model.pageSize)) * overhead;
    if (db.created > 0 && readBack) {
      const all = db.existing + db.created;
      const singles = db.createdBytes + db.created * overhead;
      const listing = db.existingBytes + db.createdBytes + Math.max(1, Math.ceil(all / model.pageSize)) * overhead;
      bytes += Math.min(singles, listing);
    }
  }
  bytes += Math.ceil(deletions / DELETE_BATCH) * overhead;
  return source + bytes;
}

/** Bytes a full write of the asset sends: known from this run, or recorded at its last write, or measured now. */
function fullWriteBytes(change: AssetChange, applied: ApplyResult, target: Target): number {
  const known = applied.fullWriteBytes.get(change.assetId);
  if (known !== undefined) return known;
  if (change.type === 'UNCHANGED' && change.previous?.fullWriteBytes !== undefined) return change.previous.fullWriteBytes;
  if (change.asset) return target.fullWriteBytes(change.asset, target.resolve(change.asset), change.hashes);
  return change.previous?.fullWriteBytes ?? 0;
}
