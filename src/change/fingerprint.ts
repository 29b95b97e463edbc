import { hash } from 'node:crypto';
import type { Asset } from '../catalog/asset.ts';
import { canonicalJson } from './canonical-json.ts';
import type { ChangeOptions } from './change-options.ts';

/**
 * A digest of the asset exactly as delivered (plain JSON.stringify, source key order) and of the options it is
 * compared under. It is a cache key, not a change signal: when it equals the one stored with the checkpoint, the
 * three facet hashes stored there are still right and need not be recomputed — one serialisation and one digest
 * instead of three canonical serialisations and three. Anything that differs (a changed value, another key order,
 * other options) simply misses the cache and the real hashes are computed.
 */
export function fingerprintAsset(asset: Asset, optionsKey: string): string {
  return hash('sha256', optionsKey + JSON.stringify(asset), 'hex');
}

/** Distinguishes fingerprints taken under different comparison options. */
export function changeOptionsKey(options: ChangeOptions): string {
  return `v1${canonicalJson(options)}`;
}
