import { hash } from 'node:crypto';
import type { Asset, SourceType } from '../catalog/asset.ts';
import type { AssetHashes } from '../catalog/hashes.ts';
import { canonicalJson } from './canonical-json.ts';
import type { ChangeOptions } from './change-options.ts';
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
    kind: asset.kind,
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
  };
}

export function hashAsset(asset: Asset, options: ChangeOptions): AssetHashes {
  const subject = options.ignoreFields.length > 0 ? omitPaths(asset, options.ignoreFields) : asset;
  const text = textNormaliser(options);
  return {
    content: sha256(canonicalJson(contentFacet(subject), text)),
    schema: sha256(schemaJson(subject, text)),
    metadata: sha256(metadataJson(subject, text)),
  };
}

/*
 * Columns are most of an asset, and hashing is the hot loop of an unchanged run over a large catalog, so the
 * two column-heavy facets are serialised directly rather than through per-column intermediate objects. The
 * output is exactly canonicalJson(schemaFacet(a)) / canonicalJson(metadataFacet(a)); a test holds them equal.
 */
function schemaJson(asset: Asset, text: (s: string) => string): string {
  let out = '{"columns":[';
  const columns = asset.columns;
  for (let i = 0; i < columns.length; i++) out += (i > 0 ? ',' : '') + fieldsJson(columns[i]!, SCHEMA_COLUMN_KEYS, text);
  out += ']';
  if (asset.constraints !== undefined) out += ',"constraints":' + canonicalJson(asset.constraints, text);
  if (asset.kind !== undefined) out += ',"kind":' + canonicalJson(asset.kind, text);
  return out + '}';
}

function metadataJson(asset: Asset, text: (s: string) => string): string {
  let out = '{';
  if (asset.businessContext !== undefined) out += '"businessContext":' + canonicalJson(asset.businessContext, text) + ',';
  out += '"columns":[';
  const columns = asset.columns;
  for (let i = 0; i < columns.length; i++) out += (i > 0 ? ',' : '') + fieldsJson(columns[i]!, METADATA_COLUMN_KEYS, text);
  out += ']';
  if (asset.customProperties !== undefined) out += ',"customProperties":' + canonicalJson(asset.customProperties, text);
  return out + '}';
}

/** The keys each facet takes from a column, and those of a SourceType, in canonical (sorted) order. */
const SCHEMA_COLUMN_KEYS = ['key', 'name', 'nullable', 'type'] as const;
const METADATA_COLUMN_KEYS = ['description', 'label', 'name', 'semantics'] as const;
const TYPE_KEYS = ['length', 'name', 'precision', 'scale', 'srid'] as const;
const TYPE_KEY_SET: ReadonlySet<string> = new Set(TYPE_KEYS);

/** `{"k":v,…}` over the given keys, already sorted; undefined members are left out, as canonicalJson does. */
function fieldsJson(record: object, keys: readonly string[], text: (s: string) => string): string {
  const fields = record as Record<string, unknown>;
  let out = '{';
  let sep = '';
  for (const key of keys) {
    const value = fields[key];
    if (value === undefined) continue;
    out += sep + '"' + key + '":' + (key === 'type' ? typeJson(value as SourceType, text) : canonicalJson(value, text));
    sep = ',';
  }
  return out + '}';
}

/** A SourceType in canonical key order; one with fields beyond the known ones goes the generic way. */
function typeJson(type: SourceType, text: (s: string) => string): string {
  for (const key of Object.keys(type)) if (!TYPE_KEY_SET.has(key)) return canonicalJson(type, text);
  return fieldsJson(type, TYPE_KEYS, text);
}

function sha256(text: string): string {
  // crypto.hash (Node ≥ 20.12) is the one-shot form: measurably cheaper than createHash().update().digest().
  return hash('sha256', text, 'hex');
}

const WHITESPACE = /\s+/g;
/** Leading or trailing whitespace, a run of two, or any whitespace but a plain space: only then is there work. */
const NEEDS_NORMALISING = /^\s|\s$|\s\s|[^\S ]/;

/** Most strings are already clean; testing first avoids allocating a copy of every one of them. */
function collapseWhitespace(s: string): string {
  return NEEDS_NORMALISING.test(s) ? s.replace(WHITESPACE, ' ').trim() : s;
}

function textNormaliser(options: ChangeOptions): (s: string) => string {
  const { normalizeWhitespace, caseSensitive } = options;
  if (normalizeWhitespace && !caseSensitive) return (s) => collapseWhitespace(s).toLowerCase();
  if (normalizeWhitespace) return collapseWhitespace;
  if (!caseSensitive) return (s) => s.toLowerCase();
  return (s) => s;
}
