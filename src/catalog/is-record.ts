/** A plain JSON object (not an array, not null): how untrusted input is narrowed before reading its keys. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
