import type { CheckpointStore } from '../catalog/checkpoint.ts';
import type { Target } from '../catalog/target.ts';
import type { ApplyResult } from './apply-plan.ts';
import { saved } from './apply-plan.ts';
import { databaseHints } from './tables-to-read.ts';
import type { Verification } from './verify-written.ts';
import { verifyWritten } from './verify-written.ts';

export const NOTHING_VERIFIED: Verification = {
  checked: 0,
  matched: 0,
  readBack: 0,
  mismatches: [],
  versions: new Map(),
  tableBytes: new Map(),
  selfContained: new Map(),
};

/**
 * After apply: make the confirmed entries durable, verify what was written (reading back only the tables whose
 * write did not come back with a version), and record the versions learnt that way. The checkpoint must hold the
 * version our write produced, or the next run could not tell our change from someone else's (drift). An entry
 * made durable before its version was learnt is repaired by the next run, which reads that table (tablesToRead).
 */
export async function commitRun(applied: ApplyResult, target: Target, checkpoints: CheckpointStore, job: string): Promise<Verification> {
  // A checkpoint that could not be written is the run's outcome (applied.unsaved), not an exception: the run is still
  // summarised with what it wrote, and what it wrote is found again in the target by the next run.
  if (applied.unsaved !== undefined || !(await saved(applied, () => checkpoints.flush()))) return NOTHING_VERIFIED;
  if (applied.interrupted) return NOTHING_VERIFIED;
  const databases = new Set(applied.confirmed.filter((c) => c.version === undefined).map((c) => c.ref.database));
  const hints = databases.size === 0 ? undefined : databaseHints(checkpoints.all().filter((e) => databases.has(e.target.database)));
  const verification = await verifyWritten(target, job, applied.confirmed, hints);
  let changed = false;
  for (const [assetId, version] of verification.versions) {
    const entry = checkpoints.get(assetId);
    if (!entry || entry.target.version === version) continue;
    const tableBytes = verification.tableBytes.get(assetId);
    const selfContained = verification.selfContained.get(assetId);
    const learnt = {
      ...entry,
      target: { ...entry.target, version, ...(selfContained !== undefined ? { selfContained } : {}) },
      ...(tableBytes !== undefined ? { tableBytes } : {}),
    };
    // Should this fail, the entry still lacks its version: the next run reads that table and records it.
    if (!(await saved(applied, () => checkpoints.put(learnt)))) break;
    changed = true;
  }
  if (changed && applied.unsaved === undefined) await saved(applied, () => checkpoints.flush());
  return verification;
}
