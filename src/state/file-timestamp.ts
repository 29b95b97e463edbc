/**
 * UTC timestamps for file names: `20261122T170730123Z` (basic ISO-8601 with milliseconds). No colons, so they are
 * valid on every filesystem, and fixed width, so names sort by time with a plain string sort.
 *
 * Two files stamped in the same millisecond get a sequence suffix `_001`, `_002`, … after the stamp; as `.` sorts
 * before `_`, `…123Z.json` < `…123Z_001.json` < `…123Z_002.json` still holds for a string sort (up to 999 per
 * millisecond, far beyond what full-file writes can reach; parsing compares the number, so order holds beyond too).
 */

const STAMP_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/;

export function formatFileTimestamp(date: Date): string {
  // toISOString is always UTC with milliseconds: 2026-11-22T17:07:30.123Z
  return date.toISOString().replace(/[-:.]/g, '');
}

export function parseFileTimestamp(stamp: string): Date | undefined {
  const m = STAMP_PATTERN.exec(stamp);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms] = m.map(Number) as [number, number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `` for the first file of a millisecond, then `_001`, `_002`, … */
export function sequenceSuffix(sequence: number): string {
  return sequence === 0 ? '' : `_${String(sequence).padStart(3, '0')}`;
}

/** Regex source matching a stamp and an optional sequence suffix, capturing both. */
export const STAMP_WITH_SEQUENCE = String.raw`(\d{8}T\d{9}Z)(?:_(\d{3,}))?`;
