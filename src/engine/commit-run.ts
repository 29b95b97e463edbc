import type { CheckpointStore } from '../catalog/checkpoint.ts';
import type { Target } from '../catalog/target.ts';
import type { ApplyResult } from './apply-plan.ts';
import type { Verification } from './verify-written.ts';
import { verifyWritten } from './verify-written.ts';

export const NOTHING_VERIFIED: Verification = { checked: 0, matched: 0, mismatches: [], versions: new Map() };

/**
 * After apply: make the confirmed entries durable, re-read what was written, and record the versions the target
 * gave our writes. Targets that do not answer a write with the new version (Glue) are learnt here: the checkpoint
 * must hold the version our write produced, or the next run could not tell our change from someone else's (drift).
 */
export async function commitRun(applied: ApplyResult, target: Target, checkpoints: CheckpointStore, job: string): Promise<Verification> {
  await checkpoints.flush();
  if (applied.interrupted) return NOTHING_VERIFIED;
  const verification = await verifyWritten(target, job, applied.confirmed);
  let changed = false;
  for (const [assetId, version] of verification.versions) {
    const entry = checkpoints.get(assetId);
    if (!entry || entry.target.version === version) continue;
    await checkpoints.put({ ...entry, target: { ...entry.target, version } });
    changed = true;
  }
  if (changed) await checkpoints.flush();
  return verification;
}
