/**
 * A deep copy of a plain JSON value (objects, arrays, strings, numbers, booleans, null), as a table input is.
 * Several times faster than structuredClone on such values — it does not handle cycles, Maps, Dates or class
 * instances, none of which a Glue table holds — and it is on the path of every table written.
 */
export function cloneJson<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
    return out;
  }
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    const member = source[key];
    if (key === '__proto__') {
      // A plain assignment would set the prototype; JSON.parse makes it an own property, and so does this.
      Object.defineProperty(out, key, { value: copy(member), enumerable: true, writable: true, configurable: true });
    } else {
      out[key] = copy(member);
    }
  }
  return out;
}
