import { createHash, hash } from 'node:crypto';
import type { Partition } from '../catalog/partitions.ts';
import { canonicalJson } from '../change/canonical-json.ts';

/** A partition's identity within its table: its values, in key order. */
export function partitionKey(values: readonly string[]): string {
  return JSON.stringify(values);
}

/** SHA-256 of the whole partition (values and definition) as canonical JSON: equal digests, equal partitions. */
export function partitionDigest(partition: Partition): string {
  return hash('sha256', canonicalJson({ definition: partition.definition, values: partition.values }), 'hex');
}

/**
 * One digest over every partition of a table, independent of the order the listing served them in: what the
 * checkpoint keeps, so that a table whose partitions did not change costs no read of the target's partitions.
 */
export function tableDigest(digests: ReadonlyMap<string, string>): string {
  const sink = createHash('sha256');
  for (const key of [...digests.keys()].sort()) sink.update(`${key}\t${digests.get(key)}\n`);
  return sink.digest('hex');
}
