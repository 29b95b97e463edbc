/** The size of `JSON.stringify(value)` in UTF-8: what the value costs as a request or response body. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/*
 * A table's request body and the table as stored are its input plus a few small members. Serialising the input
 * once and adding the members' sizes gives the same figures as serialising each whole: a JSON object's size does
 * not depend on its members' order, only on which members it has (undefined ones are left out, as JSON.stringify
 * leaves them out). test/connectors/file/json-bytes.test.ts holds both to JSON.stringify.
 */

/** The size of `JSON.stringify({ ...members, [key]: value })`, given `valueBytes`, the size of `value` serialised. */
export function jsonBytesWithMember(members: Readonly<Record<string, unknown>>, key: string, valueBytes: number): number {
  const own = jsonBytes(members);
  // `{…}` plus `,"key":value`; no comma when the object had no members.
  return own + (own > EMPTY ? 1 : 0) + jsonBytes(key) + 1 + valueBytes;
}

/**
 * The size of `JSON.stringify({ ...object, ...extra })`, given `objectBytes`, the size of `object` serialised, when
 * no key of `extra` is one of object's (checked by the caller, which has the object).
 */
export function jsonBytesSpread(objectBytes: number, extra: Readonly<Record<string, unknown>>): number {
  const extraBytes = jsonBytes(extra);
  if (extraBytes === EMPTY) return objectBytes;
  if (objectBytes === EMPTY) return extraBytes;
  // Both braces of one go, and a comma joins the two lists of members.
  return objectBytes + extraBytes - EMPTY + 1;
}

/** `{}` */
const EMPTY = 2;
