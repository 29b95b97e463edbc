/**
 * Canonical JSON for checkpoint entries: the form the checksum is computed over, so that reformatting a file
 * (indentation, key order) does not count as corruption while any change of a value does.
 *
 * Definition: plain JSON values; `undefined` object members are dropped (as JSON.stringify does), non-finite numbers
 * become null, no whitespace, and the members of every object are ordered by ECMAScript property order after
 * inserting them sorted by UTF-16 code unit — i.e. integer-like keys ("0", "42") first in ascending numeric order,
 * then all other keys by code unit. That odd-looking rule is what lets us sort an object once and let the native
 * JSON.stringify do the work (several times faster than a hand-written serialiser on 100k entries), and it is fully
 * specified by ECMAScript, so every conforming engine produces the same text.
 *
 * The canonical value is also the store's snapshot, so it is deep-frozen: what get() returns can neither be changed
 * by the caller's later mutations nor be mutated into disagreeing with what is on disk.
 *
 * This module owns its definition on purpose instead of reusing the change hashes' canonical JSON: a tweak there
 * (say, whitespace normalisation) must never invalidate every checkpoint file in the field.
 */

type JsonObject = Record<string, unknown>;

/** A deep, canonically ordered, frozen copy of a JSON value; the input is left untouched. */
export function canonicalize<T>(value: T): T {
  return copy(value) as T;
}

/**
 * Canonicalises a value the caller owns outright (e.g. fresh from JSON.parse) in place where it already is in
 * canonical order, rebuilding only objects that are not — no copy in the common case.
 */
export function canonicalizeOwned<T>(value: T): T {
  return adopt(value, true) as T;
}

/**
 * Canonicalises a freshly built object whose nested values may still be shared with someone else (a zod parse
 * output: zod builds new objects for the schema's shape but passes unknown members through by reference). The object
 * itself, and the members named in `ownedMembers` one level down, are adopted in place; everything else is copied.
 */
export function canonicalizeFresh<T extends object>(fresh: T, ownedMembers: ReadonlySet<string>): T {
  const object = fresh as unknown as JsonObject;
  for (const key of Object.keys(object)) {
    const member = object[key];
    if (typeof member === 'object' && member !== null) {
      object[key] = ownedMembers.has(key) && !Array.isArray(member) ? adoptShallow(member as JsonObject) : copy(member);
    }
  }
  return sortAndFreeze(object) as unknown as T;
}

/** Canonical JSON text of a value (see the module comment). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(copy(value)) ?? 'null';
}

/** JSON text of a value that one of the canonicalize functions produced. */
export function stringifyCanonical(canonical: unknown): string {
  return JSON.stringify(canonical) ?? 'null';
}

/**
 * Whether two canonical values (see the canonicalize functions) have the same canonical JSON text, without making
 * either text: members compared in order, numbers and strings by value. Two JSON texts of canonical values are equal
 * exactly when this says so — the order of members is part of both.
 */
export function sameCanonical(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameCanonical(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as JsonObject;
  const y = b as JsonObject;
  const keys = Object.keys(x);
  const other = Object.keys(y);
  if (keys.length !== other.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key !== other[i] || !sameCanonical(x[key], y[key])) return false;
  }
  return true;
}

/** A fresh object whose own object-valued members are not ours: copy those, adopt the rest. */
function adoptShallow(object: JsonObject): JsonObject {
  for (const key of Object.keys(object)) {
    const member = object[key];
    if (typeof member === 'object' && member !== null) object[key] = copy(member);
  }
  return sortAndFreeze(object);
}

function adopt(value: unknown, owned: boolean): unknown {
  if (typeof value !== 'object' || value === null) return scalar(value);
  if (!owned) return copy(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = adopt(value[i], true) ?? null;
    return Object.freeze(value);
  }
  const object = value as JsonObject;
  for (const key of Object.keys(object)) {
    const member = object[key];
    if (typeof member === 'object' && member !== null) object[key] = adopt(member, true);
  }
  return sortAndFreeze(object);
}

function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return scalar(value);
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]) ?? null;
    return Object.freeze(out);
  }
  const source = value as JsonObject;
  const keys = Object.keys(source);
  keys.sort();
  const out: JsonObject = {};
  for (const key of keys) setMember(out, key, copy(source[key]));
  return Object.freeze(out);
}

/** JSON scalars as JSON.stringify sees them; undefined for what JSON cannot hold (dropped from objects). */
function scalar(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object':
      return null; // only null gets here
    default:
      return undefined;
  }
}

/**
 * Freezes an object whose members are canonical already, rebuilding it first when its keys are out of code-unit
 * order or a member is not JSON. (Objects with integer-like keys always take the rebuild path — correct, and rare.)
 */
function sortAndFreeze(object: JsonObject): JsonObject {
  const keys = Object.keys(object);
  let canonical = true;
  for (let i = 0; i < keys.length && canonical; i++) {
    const member = object[keys[i]!];
    if (i > 0 && keys[i - 1]! > keys[i]!) canonical = false;
    else if (member === undefined || (typeof member !== 'object' && scalar(member) !== member)) canonical = false;
  }
  if (canonical) return Object.freeze(object);
  keys.sort();
  const out: JsonObject = {};
  for (const key of keys) {
    const member = object[key];
    setMember(out, key, typeof member === 'object' ? member : scalar(member));
  }
  return Object.freeze(out);
}

function setMember(out: JsonObject, key: string, member: unknown): void {
  if (member === undefined) return;
  if (key === '__proto__') {
    // A plain assignment would set the prototype and lose the member; JSON.parse creates it as an own property.
    Object.defineProperty(out, key, { value: member, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = member;
  }
}
