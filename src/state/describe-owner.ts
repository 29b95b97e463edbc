import type { TargetIdentity } from '../catalog/target.ts';

/** What a checkpoint file records about its owner; both are absent in files written before they were recorded. */
export interface RecordedOwner {
  job?: string;
  target?: TargetIdentity;
}

/** `file target (databasePrefix=ds_, path=/data/catalog)` — for messages. */
export function describeTargetIdentity(identity: TargetIdentity): string {
  const fields = Object.keys(identity)
    .filter((key) => key !== 'type')
    .sort()
    .map((key) => {
      const value = identity[key]!;
      return `${key}=${/^[^\s,()"]+$/.test(value) ? value : JSON.stringify(value)}`;
    });
  return `${identity.type} target${fields.length > 0 ? ` (${fields.join(', ')})` : ''}`;
}

/** `job "nightly" with glue target (databasePrefix=ds_, region=eu-west-1)` */
export function describeOwner(owner: RecordedOwner): string {
  const job = owner.job === undefined ? 'no recorded job' : `job ${JSON.stringify(owner.job)}`;
  const target = owner.target === undefined ? 'no recorded target' : describeTargetIdentity(owner.target);
  return `${job} with ${target}`;
}
