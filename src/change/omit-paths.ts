/**
 * Returns a copy of `value` without the given dotted paths. A path walks through arrays element-wise,
 * so `columns.description` drops the description of every column. Only the branches on a path are
 * copied; everything else is shared, which keeps hashing cheap when few fields are ignored.
 */
export function omitPaths<T>(value: T, paths: readonly string[]): T {
  let result: unknown = value;
  for (const path of paths) {
    const segments = path.split('.').filter((s) => s.length > 0);
    if (segments.length > 0) result = omit(result, segments);
  }
  return result as T;
}

function omit(value: unknown, segments: string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => omit(item, segments));
  if (value === null || typeof value !== 'object') return value;
  const [head, ...rest] = segments as [string, ...string[]];
  const record = value as Record<string, unknown>;
  if (!(head in record)) return value;
  const copy: Record<string, unknown> = { ...record };
  if (rest.length === 0) delete copy[head];
  else copy[head] = omit(record[head], rest);
  return copy;
}
