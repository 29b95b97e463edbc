import { createHash } from 'node:crypto';
import type { KnownAsset } from '../catalog/source.ts';

/** The digest a mapping step's validators are tagged with: 16 hex digits of the SHA-256 of its settings as JSON. */
export function settingsDigest(settings: unknown): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

/**
 * Validators tagged with the digest of a mapping step's settings (storage rules, the LF-Tag mapping). A source that
 * answers "not modified" would otherwise hide a change of those settings, since the engine reuses the stored hashes
 * of such an asset: a validator taken under other settings is not handed back to the source, so after a change every
 * asset is read once more. `separator` names the step, so several steps can tag one validator in turn.
 */
export function tagValidator(validator: string | undefined, separator: string, digest: string): string | undefined {
  return validator === undefined ? undefined : `${validator}${separator}${digest}`;
}

/** The inner source's own validators, where they were taken under these settings; none (read it again) otherwise. */
export function unwrapKnown(known: ReadonlyMap<string, KnownAsset>, separator: string, digest: string): Map<string, KnownAsset> {
  const out = new Map<string, KnownAsset>();
  for (const [id, entry] of known) {
    const validator = untagValidator(entry.validator, separator, digest);
    out.set(id, validator === undefined ? {} : { ...entry, validator });
  }
  return out;
}

export function untagValidator(validator: string | undefined, separator: string, digest: string): string | undefined {
  if (validator === undefined) return undefined;
  const at = validator.lastIndexOf(separator);
  if (at < 0) return undefined;
  return validator.slice(at + separator.length) === digest ? validator.slice(0, at) : undefined;
}
