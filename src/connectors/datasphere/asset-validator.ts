import { isDesignTimeType } from './tenant-urls.ts';
import type { DesignTimeType } from './tenant-urls.ts';

/**
 * Why an asset was read from EDMX rather than CSN; decides whether the next run tries CSN again.
 *   off      — design-time reading is switched off in the config;
 *   denied   — the design-time API refused us (401/403): retried next run, the privilege may have come;
 *   absent   — the object is in no design-time list (or was gone, 404): retried next run;
 *   unusable — the CSN was read but could not be turned into an asset (e.g. a model without its
 *              dependencies): not retried while the EDMX stays unchanged, it would fail the same way.
 */
export type EdmxReason = 'off' | 'denied' | 'absent' | 'unusable';
const EDMX_REASONS: ReadonlySet<string> = new Set(['off', 'denied', 'absent', 'unusable']);

/** What the connector remembers about an asset between runs, inside the checkpoint's opaque validator. */
export interface AssetValidator {
  format: 'csn' | 'edmx';
  /** Design-time type the CSN came from: the next run asks that endpoint directly, no listing needed. */
  type?: DesignTimeType;
  /** The ETag of the definition response, sent back as If-None-Match. */
  etag?: string;
  /** `@odata.metadataEtag` from the catalog listing at the time. */
  metadataEtag?: string;
  edmxReason?: EdmxReason;
}

const VERSION = 1;

/** A compact JSON string; the engine stores it and hands it back unchanged. */
export function encodeValidator(validator: AssetValidator): string {
  return JSON.stringify({
    v: VERSION,
    f: validator.format,
    ...(validator.type !== undefined ? { t: validator.type } : {}),
    ...(validator.etag !== undefined ? { e: validator.etag } : {}),
    ...(validator.metadataEtag !== undefined ? { m: validator.metadataEtag } : {}),
    ...(validator.edmxReason !== undefined ? { r: validator.edmxReason } : {}),
  });
}

/**
 * Reads a stored validator. Anything unreadable — another source's validator, an older format, a hand-edited
 * checkpoint — reads as "nothing known", which only costs a full download.
 */
export function decodeValidator(text: string | undefined): AssetValidator | undefined {
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const record = raw as Record<string, unknown>;
  if (record['v'] !== VERSION || (record['f'] !== 'csn' && record['f'] !== 'edmx')) return undefined;
  const validator: AssetValidator = { format: record['f'] };
  if (isDesignTimeType(record['t'])) validator.type = record['t'];
  if (typeof record['e'] === 'string' && record['e'] !== '') validator.etag = record['e'];
  if (typeof record['m'] === 'string' && record['m'] !== '') validator.metadataEtag = record['m'];
  if (typeof record['r'] === 'string' && EDMX_REASONS.has(record['r'])) validator.edmxReason = record['r'] as EdmxReason;
  return validator;
}
