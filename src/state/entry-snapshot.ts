import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import { canonicalize } from './canonical-json.ts';
import { checkpointEntrySchema, parseEntry } from './checkpoint-schema.ts';

/**
 * Validation and canonical snapshot of one checkpoint entry in one step — the per-entry work of every put() and of
 * loading a checkpoint, so it decides how long a 100k-entry load or a 1,000-entry commit takes.
 *
 * The common entry (only the fields this version knows, well-formed) is checked by hand and copied into a frozen
 * object with its keys in canonical order; repeated strings (the run's timestamp, asset types, databases, versions)
 * are shared instead of held once per entry. Anything else — a field this version does not know, a value the hand
 * check would have to think about — goes through the zod schema, which stays the one definition of what is valid
 * and gives the readable problem list. The hand check accepts nothing the schema rejects: it is switched off as a
 * whole if the schema's fields ever differ from the ones it knows (see FAST_PATH).
 */
export type EntrySnapshot =
  /** `adopted`: the entry is the value itself, frozen as it came (owned, and in canonical order already). */
  | { ok: true; entry: CheckpointEntry; adopted?: boolean }
  | { ok: false; issues: { path: string; message: string }[] };

export function snapshotEntry(value: unknown, owned = false): EntrySnapshot {
  if (FAST_PATH) {
    const fast = fastSnapshot(value, owned);
    if (fast !== undefined) return fast === value ? { ok: true, entry: fast, adopted: true } : { ok: true, entry: fast };
  }
  const parsed = parseEntry(value);
  if (!parsed.ok) return parsed;
  return { ok: true, entry: canonicalize(parsed.entry) };
}

/** The fields the hand check knows, in canonical order. */
const KNOWN = [
  'assetId',
  'assetType',
  'customProperties',
  'definitionFormat',
  'deprecatedAt',
  'fingerprint',
  'fullWriteBytes',
  'hashes',
  'lastSyncAt',
  'sourceBytes',
  'sourceSystem',
  'syncVersion',
  'tableBytes',
  'target',
  'validator',
] as const;
const KNOWN_SET: ReadonlySet<string> = new Set(KNOWN);

/** What the hand check knows how to check in `target`; the schema decides which of them an entry may carry. */
const TARGET_CHECKS: Readonly<Record<string, 'required' | 'optional-string' | 'optional-nonempty'>> = {
  database: 'required',
  table: 'required',
  version: 'optional-string',
  selfContained: 'optional-nonempty',
};
const TARGET_KEYS: readonly string[] = Object.keys(shapeOf(checkpointEntrySchema.shape.target)).sort();
const TARGET_KEY_SET: ReadonlySet<string> = new Set(TARGET_KEYS);
const HASH_KEYS: ReadonlySet<string> = new Set(['content', 'metadata', 'schema']);

/**
 * The hand check is used only while the schema has exactly the entry fields it knows, the three hashes, and target
 * fields it knows how to check (including database, table and version).
 */
export const FAST_PATH =
  sameKeys(Object.keys(checkpointEntrySchema.shape), KNOWN_SET) &&
  sameKeys(Object.keys(shapeOf(checkpointEntrySchema.shape.hashes)), HASH_KEYS) &&
  TARGET_KEYS.every((key) => key in TARGET_CHECKS) &&
  ['database', 'table', 'version'].every((key) => TARGET_KEY_SET.has(key));

function shapeOf(schema: unknown): Record<string, unknown> {
  const shape = (schema as { shape?: unknown }).shape;
  return typeof shape === 'object' && shape !== null ? (shape as Record<string, unknown>) : {};
}

const EMPTY_PROPERTIES: Readonly<Record<string, string>> = Object.freeze({});

/** `new Date().toISOString()`'s form: what every writer of this version records; other valid forms go to zod. */
const ISO_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/**
 * `owned`: the value is the caller's to keep (fresh from JSON.parse of a checkpoint line): when its keys are in
 * canonical order already — as in any file this version wrote — it is frozen in place instead of copied.
 */
function fastSnapshot(value: unknown, owned: boolean): CheckpointEntry | undefined {
  const v = plainObject(value);
  if (!v) return undefined;
  for (const key in v) if (!KNOWN_SET.has(key) && v[key] !== undefined) return undefined;

  const { assetId, assetType, sourceSystem, lastSyncAt, syncVersion, hashes, target, customProperties } = v;
  if (!nonEmpty(assetId) || !nonEmpty(assetType) || !nonEmpty(sourceSystem)) return undefined;
  if (!isTime(lastSyncAt) || !count(syncVersion)) return undefined;
  const h = plainObject(hashes);
  if (!h || !onlyKeys(h, HASH_KEYS) || !nonEmpty(h.content) || !nonEmpty(h.metadata) || !nonEmpty(h.schema)) return undefined;
  const t = plainObject(target);
  if (!t || !onlyKeys(t, TARGET_KEY_SET)) return undefined;
  for (const key of TARGET_KEYS) {
    const value = t[key];
    const check = TARGET_CHECKS[key];
    if (check === 'required' ? !nonEmpty(value) : value !== undefined && (typeof value !== 'string' || (check === 'optional-nonempty' && value === ''))) return undefined;
  }
  const props = plainObject(customProperties);
  if (!props) return undefined;
  let propCount = 0;
  for (const key in props) {
    if (typeof props[key] !== 'string') return undefined;
    propCount++;
  }
  const { definitionFormat, deprecatedAt, fingerprint, fullWriteBytes, sourceBytes, tableBytes, validator } = v;
  if (definitionFormat !== undefined && !nonEmpty(definitionFormat)) return undefined;
  if (deprecatedAt !== undefined && !isTime(deprecatedAt)) return undefined;
  if (fingerprint !== undefined && !nonEmpty(fingerprint)) return undefined;
  if (fullWriteBytes !== undefined && !count(fullWriteBytes)) return undefined;
  if (sourceBytes !== undefined && !count(sourceBytes)) return undefined;
  if (tableBytes !== undefined && !count(tableBytes)) return undefined;
  if (validator !== undefined && typeof validator !== 'string') return undefined;

  if (owned && canonicalOrder(v) && canonicalOrder(h) && canonicalOrder(t) && (propCount === 0 || canonicalOrder(props))) {
    // Adopted: the same object, its repeated strings shared, frozen.
    v.assetType = intern(assetType);
    if (propCount === 0) v.customProperties = EMPTY_PROPERTIES;
    else Object.freeze(props);
    if (definitionFormat !== undefined) v.definitionFormat = intern(definitionFormat);
    if (deprecatedAt !== undefined) v.deprecatedAt = intern(deprecatedAt as string);
    Object.freeze(h);
    v.lastSyncAt = intern(lastSyncAt as string);
    v.sourceSystem = intern(sourceSystem);
    for (const key of TARGET_KEYS) if (key !== 'table' && typeof t[key] === 'string') t[key] = intern(t[key] as string);
    Object.freeze(t);
    return Object.freeze(v) as unknown as CheckpointEntry;
  }

  // Keys in canonical (code-unit) order, as JSON.parse of a file we wrote would give them back.
  const entry: Record<string, unknown> = {};
  entry.assetId = assetId;
  entry.assetType = intern(assetType);
  entry.customProperties = propCount === 0 ? EMPTY_PROPERTIES : sortedProperties(props);
  if (definitionFormat !== undefined) entry.definitionFormat = intern(definitionFormat);
  if (deprecatedAt !== undefined) entry.deprecatedAt = intern(deprecatedAt as string);
  if (fingerprint !== undefined) entry.fingerprint = fingerprint;
  if (fullWriteBytes !== undefined) entry.fullWriteBytes = fullWriteBytes;
  entry.hashes = Object.freeze({ content: h.content, metadata: h.metadata, schema: h.schema });
  entry.lastSyncAt = intern(lastSyncAt as string);
  if (sourceBytes !== undefined) entry.sourceBytes = sourceBytes;
  entry.sourceSystem = intern(sourceSystem);
  entry.syncVersion = syncVersion;
  if (tableBytes !== undefined) entry.tableBytes = tableBytes;
  const copy: Record<string, unknown> = {};
  for (const key of TARGET_KEYS) {
    const value = t[key] as string | undefined;
    if (value !== undefined) copy[key] = key === 'table' ? value : intern(value);
  }
  entry.target = Object.freeze(copy);
  if (validator !== undefined) entry.validator = validator;
  return Object.freeze(entry) as unknown as CheckpointEntry;
}


/** Keys in code-unit order, none of them integer-like (JSON.parse would have moved those), no undefined member. */
function canonicalOrder(object: Record<string, unknown>): boolean {
  let previous: string | undefined;
  for (const key in object) {
    if (previous !== undefined && !(previous < key)) return false;
    if (object[key] === undefined) return false;
    previous = key;
  }
  return true;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function count(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * `new Date().toISOString()`'s form, checked by hand: the pattern, then that the day exists in its month (zod
 * refuses 02-31 too). What fails here goes to zod, which decides — a faster check never accepts more than it does.
 */
function isTime(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 24 || !ISO_UTC.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = (value.charCodeAt(5) - 48) * 10 + (value.charCodeAt(6) - 48);
  const day = (value.charCodeAt(8) - 48) * 10 + (value.charCodeAt(9) - 48);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

function plainObject(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null ? (value as Record<string, unknown>) : undefined;
}

function onlyKeys(object: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in object) if (!allowed.has(key) && object[key] !== undefined) return false;
  return true;
}

function sortedProperties(props: Record<string, unknown>): Readonly<Record<string, string>> {
  const keys = Object.keys(props).sort();
  const out: Record<string, string> = {};
  for (const key of keys) {
    if (key === '__proto__') return canonicalize(props) as Record<string, string>;
    out[key] = props[key] as string;
  }
  return Object.freeze(out);
}

/**
 * One shared copy of each short repeated value. Bounded: a catalog with more distinct databases or versions than
 * this simply keeps its own copies of the rest.
 */
const interned = new Map<string, string>();
const MAX_INTERNED = 50_000;

function intern(value: string): string {
  const known = interned.get(value);
  if (known !== undefined) return known;
  if (interned.size < MAX_INTERNED && value.length <= 64) interned.set(value, value);
  return value;
}

function sameKeys(keys: readonly string[], set: ReadonlySet<string>): boolean {
  return keys.length === set.size && keys.every((key) => set.has(key));
}
