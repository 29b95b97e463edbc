/**
 * Canonical JSON for checkpoint entries: the form the checksum is computed over, so that reformatting a file
 * (indentation, key order) does not count as corruption while any change of a value does.
 *
 * Definition: plain JSON values; `undefined` object members are dropped (as JSON.stringify does), non-finite numbers
 * become null, no whitespace, and the members of every object are ordered by ECMAScript property order after
 * inserting them sorted by UTF-16 code unit — i.e. integer-like keys ("0", "42") first in ascending numeric order,
 * then all other keys by code unit. That odd-looking rule is what lets us build the sorted copy once and let the
 * native JSON.stringify do the work (several times faster than a hand-written serialiser on 100k entries), and it
 * is fully specified by ECMAScript, so every conforming engine produces the same bytes.
 *
 * This module owns its definition on purpose instead of reusing the change hashes' canonical JSON: a tweak there
 * (say, whitespace normalisation) must never invalidate every checkpoint file in the field.
 */

/**
 * A deep, key-sorted, frozen copy of a JSON value. The copy doubles as the store's snapshot: what get() returns can
 * neither be changed by the caller's later mutations nor mutated into disagreeing with what is on disk.
 */
export function canonicalize<T>(value: T): T {
  return copy(value) as T;
}

/** Canonical JSON text of a value (see the module comment). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(copy(value)) ?? 'null';
}

/** JSON text of a value that canonicalize() already produced. */
export function stringifyCanonical(canonical: unknown): string {
  return JSON.stringify(canonical) ?? 'null';
}

function copy(value: unknown): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object':
      break;
    default:
      // functions, symbols, bigint, undefined: not JSON. Objects drop such members (see copyObject); arrays get null.
      return undefined;
  }
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]) ?? null;
    return Object.freeze(out);
  }
  return copyObject(value as Record<string, unknown>);
}

function copyObject(source: Record<string, unknown>): Readonly<Record<string, unknown>> {
  const keys = Object.keys(source);
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const member = copy(source[key]);
    if (member === undefined) continue;
    if (key === '__proto__') {
      // A plain assignment would set the prototype and lose the member; JSON.parse creates it as an own property.
      Object.defineProperty(out, key, { value: member, enumerable: true, writable: true, configurable: true });
    } else {
      out[key] = member;
    }
  }
  return Object.freeze(out);
}
