import type { Asset, SourceType } from '../catalog/asset.ts';
import type { AssetHashes } from '../catalog/hashes.ts';
import { ByteSink, asciiBytes } from './byte-sink.ts';
import { quotedKey, writeCanonicalJson } from './canonical-json.ts';
import type { ChangeOptions } from './change-options.ts';
import { DISABLED_FACET, facetEnabled } from './change-options.ts';
import { nativeMetadataFacet, nativeSchemaFacet } from './native-glue-facets.ts';
import { omitPaths } from './omit-paths.ts';

// Facet objects are built with their keys in sorted order, which lets canonicalJson skip sorting them.

/**
 * The three facets an asset is hashed by. Each field of the model belongs to exactly one facet, so a
 * change shows up in one hash only and the strategy can be chosen by which hash moved.
 */
export function contentFacet(asset: Asset): unknown {
  return {
    businessName: asset.businessName,
    description: asset.description,
    owner: asset.owner,
    technicalName: asset.technicalName,
  };
}

export function schemaFacet(asset: Asset): unknown {
  return {
    columns: asset.columns.map((c) => ({ key: c.key, name: c.name, nullable: c.nullable, type: c.type })),
    constraints: asset.constraints,
    glue: asset.glue === undefined ? undefined : nativeSchemaFacet(asset.glue),
    kind: asset.kind,
    storage: asset.storage,
  };
}

export function metadataFacet(asset: Asset): unknown {
  return {
    businessContext: asset.businessContext,
    columns: asset.columns.map((c) => ({
      description: c.description,
      label: c.label,
      name: c.name,
      semantics: c.semantics,
    })),
    customProperties: asset.customProperties,
    glue: asset.glue === undefined ? undefined : nativeMetadataFacet(asset.glue),
  };
}

/**
 * SHA-256 over the canonical JSON of each facet — exactly canonicalJson(contentFacet(a)) and so on, which a test
 * holds them to — but written straight into one reused byte buffer, field by field, without building the facet
 * objects or their text. A facet switched off in the options is neither serialised nor hashed: it reads
 * DISABLED_FACET, and detection keeps the hash the checkpoint has for it.
 */
export function hashAsset(asset: Asset, options: ChangeOptions): AssetHashes {
  const subject = options.ignoreFields.length > 0 ? omitPaths(asset, options.ignoreFields) : asset;
  const text = textNormaliser(options);
  const sink = shared;
  sink.reset();
  let content = DISABLED_FACET;
  let schema = DISABLED_FACET;
  let metadata = DISABLED_FACET;
  if (facetEnabled(options, 'content')) {
    writeContent(sink, subject, text);
    content = sink.sha256(0);
    sink.reset();
  }
  if (facetEnabled(options, 'schema')) {
    writeSchema(sink, subject, text);
    schema = sink.sha256(0);
    sink.reset();
  }
  if (facetEnabled(options, 'metadata')) {
    writeMetadata(sink, subject, text);
    metadata = sink.sha256(0);
  }
  return { content, schema, metadata };
}

/** Hashing is synchronous, so one buffer serves every call; it grows to the largest asset seen. */
const shared = new ByteSink(64 * 1024);

type Text = (s: string) => string;

/*
 * The writers below produce canonicalJson(contentFacet(a)) / (schemaFacet(a)) / (metadataFacet(a)) byte for byte:
 * keys in sorted order, undefined members left out (a facet member present as `undefined` is dropped, as
 * canonicalJson drops it), everything nested and open-ended through writeCanonicalJson.
 */
function writeContent(sink: ByteSink, asset: Asset, text: Text): void {
  sink.byte(OPEN_OBJECT);
  let sep = false;
  sep = member(sink, sep, K_BUSINESS_NAME, asset.businessName, text);
  sep = member(sink, sep, K_DESCRIPTION, asset.description, text);
  sep = member(sink, sep, K_OWNER, asset.owner, text);
  member(sink, sep, K_TECHNICAL_NAME, asset.technicalName, text);
  sink.byte(CLOSE_OBJECT);
}

function writeSchema(sink: ByteSink, asset: Asset, text: Text): void {
  sink.bytes(SCHEMA_OPEN);
  const columns = asset.columns;
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) sink.byte(COMMA);
    const c = columns[i]!;
    sink.byte(OPEN_OBJECT);
    let sep = false;
    sep = member(sink, sep, K_KEY, c.key, text);
    sep = member(sink, sep, K_NAME, c.name, text);
    sep = member(sink, sep, K_NULLABLE, c.nullable, text);
    if (c.type !== undefined) {
      if (sep) sink.byte(COMMA);
      sink.bytes(K_TYPE);
      writeType(sink, c.type, text);
    }
    sink.byte(CLOSE_OBJECT);
  }
  sink.byte(CLOSE_ARRAY);
  member(sink, true, K_CONSTRAINTS, asset.constraints, text);
  // Only a Glue source's assets have a native part; every other asset hashes exactly as before.
  if (asset.glue !== undefined) member(sink, true, K_GLUE, nativeSchemaFacet(asset.glue), text);
  member(sink, true, K_KIND, asset.kind, text);
  // Storage from a `storage.rules` entry is structure (how the data is read): a moved Location is a full write.
  // Only present where a rule applies, so other assets hash exactly as before.
  if (asset.storage !== undefined) member(sink, true, K_STORAGE, asset.storage, text);
  sink.byte(CLOSE_OBJECT);
}

function writeMetadata(sink: ByteSink, asset: Asset, text: Text): void {
  sink.byte(OPEN_OBJECT);
  if (member(sink, false, K_BUSINESS_CONTEXT, asset.businessContext, text)) sink.byte(COMMA);
  sink.bytes(K_COLUMNS_OPEN);
  const columns = asset.columns;
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) sink.byte(COMMA);
    const c = columns[i]!;
    sink.byte(OPEN_OBJECT);
    let sep = false;
    sep = member(sink, sep, K_DESCRIPTION, c.description, text);
    sep = member(sink, sep, K_LABEL, c.label, text);
    sep = member(sink, sep, K_NAME, c.name, text);
    member(sink, sep, K_SEMANTICS, c.semantics, text);
    sink.byte(CLOSE_OBJECT);
  }
  sink.byte(CLOSE_ARRAY);
  member(sink, true, K_CUSTOM_PROPERTIES, asset.customProperties, text);
  if (asset.glue !== undefined) member(sink, true, K_GLUE, nativeMetadataFacet(asset.glue), text);
  sink.byte(CLOSE_OBJECT);
}

/** `,"key":value` (the comma when `sep`), nothing for undefined; whether anything was written before or now. */
function member(sink: ByteSink, sep: boolean, key: Uint8Array, value: unknown, text: Text): boolean {
  if (value === undefined) return sep;
  if (sep) sink.byte(COMMA);
  sink.bytes(key);
  if (typeof value === 'string') sink.jsonString(text(value));
  else writeCanonicalJson(sink, value, text);
  return true;
}

/** The keys of a SourceType, in canonical (sorted) order; one with other fields goes the generic way. */
const TYPE_KEYS = ['length', 'name', 'precision', 'scale', 'srid'] as const;
const TYPE_KEY_BYTES = TYPE_KEYS.map((key) => quotedKey(key));
const TYPE_KEY_SET: ReadonlySet<string> = new Set(TYPE_KEYS);

function writeType(sink: ByteSink, type: SourceType, text: Text): void {
  if (type === null || typeof type !== 'object' || Array.isArray(type)) {
    writeCanonicalJson(sink, type, text);
    return;
  }
  for (const key in type) {
    if (!TYPE_KEY_SET.has(key) || !Object.hasOwn(type, key)) {
      writeCanonicalJson(sink, type, text);
      return;
    }
  }
  const fields = type as unknown as Record<string, unknown>;
  sink.byte(OPEN_OBJECT);
  let sep = false;
  for (let i = 0; i < TYPE_KEYS.length; i++) sep = member(sink, sep, TYPE_KEY_BYTES[i]!, fields[TYPE_KEYS[i]!], text);
  sink.byte(CLOSE_OBJECT);
}

const K_BUSINESS_NAME = quotedKey('businessName');
const K_DESCRIPTION = quotedKey('description');
const K_OWNER = quotedKey('owner');
const K_TECHNICAL_NAME = quotedKey('technicalName');
const K_KEY = quotedKey('key');
const K_NAME = quotedKey('name');
const K_NULLABLE = quotedKey('nullable');
const K_TYPE = quotedKey('type');
const K_CONSTRAINTS = quotedKey('constraints');
const K_KIND = quotedKey('kind');
const K_BUSINESS_CONTEXT = quotedKey('businessContext');
const K_LABEL = quotedKey('label');
const K_SEMANTICS = quotedKey('semantics');
const K_CUSTOM_PROPERTIES = quotedKey('customProperties');
const K_GLUE = quotedKey('glue');
const K_STORAGE = quotedKey('storage');
const SCHEMA_OPEN = asciiBytes('{"columns":[');
const K_COLUMNS_OPEN = asciiBytes('"columns":[');
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

const WHITESPACE = /\s+/g;

/** Most strings are already clean; testing first avoids allocating a copy of every one of them. */
function collapseWhitespace(s: string): string {
  return needsNormalising(s) ? s.replace(WHITESPACE, ' ').trim() : s;
}

/**
 * Leading or trailing whitespace, a run of two, or any whitespace but a plain space (whitespace as `\s` means it):
 * only then is there work. A loop over the code units rather than a regular expression, which took a sixth of the
 * time of hashing an asset in full; test/change/hash-asset.test.ts holds the two to the same answers.
 */
export function needsNormalising(s: string): boolean {
  let afterSpace = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20) {
      if (afterSpace) return true;
      afterSpace = true;
    } else if (c <= 0x0d ? c >= 0x09 : c >= 0xa0 && isOtherWhitespace(c)) {
      return true;
    } else {
      afterSpace = false;
    }
  }
  return afterSpace && s.length > 0;
}

/** `\s` beyond ASCII: no-break space, Ogham space mark, the typographic spaces, line and paragraph separators, BOM. */
function isOtherWhitespace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function lowerCollapsed(s: string): string {
  return collapseWhitespace(s).toLowerCase();
}

function lower(s: string): string {
  return s.toLowerCase();
}

function same(s: string): string {
  return s;
}

function textNormaliser(options: ChangeOptions): Text {
  const { normalizeWhitespace, caseSensitive } = options;
  if (normalizeWhitespace && !caseSensitive) return lowerCollapsed;
  if (normalizeWhitespace) return collapseWhitespace;
  if (!caseSensitive) return lower;
  return same;
}
