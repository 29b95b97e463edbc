import type { TargetIdentity } from '../catalog/target.ts';
import type { RecordedOwner } from './describe-owner.ts';
import { CheckpointIdentityError } from './state-errors.ts';

/**
 * The job and target a checkpoint belongs to. Its entries say "this asset was written to that table with these
 * hashes" — true of one target only. Used against another (a dev and a prod config sharing `checkpoints.dir`),
 * every asset would look unchanged and the second target would silently receive nothing.
 */
export interface CheckpointOwner {
  job: string;
  target: TargetIdentity;
}

/** The identity with its fields in code-unit order, as the checkpoint file stores it and comparisons use it. */
export function canonicalTargetIdentity(identity: TargetIdentity): TargetIdentity {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(identity).sort()) sorted[key] = identity[key]!;
  return sorted as TargetIdentity;
}

export function sameTargetIdentity(a: TargetIdentity, b: TargetIdentity): boolean {
  return JSON.stringify(canonicalTargetIdentity(a)) === JSON.stringify(canonicalTargetIdentity(b));
}

/**
 * Compares what a file records with who opens it. Returns 'match', or 'adopt' when the file records nothing (or
 * only part): written before owners were recorded, it is taken over silently and the owner recorded. Anything that
 * is recorded and differs throws CheckpointIdentityError.
 */
export function checkOwner(recorded: RecordedOwner, owner: CheckpointOwner, file: string): 'match' | 'adopt' {
  const jobDiffers = recorded.job !== undefined && recorded.job !== owner.job;
  const targetDiffers = recorded.target !== undefined && !sameTargetIdentity(recorded.target, owner.target);
  if (jobDiffers || targetDiffers) throw new CheckpointIdentityError(file, recorded, owner);
  return recorded.job === undefined || recorded.target === undefined ? 'adopt' : 'match';
}
