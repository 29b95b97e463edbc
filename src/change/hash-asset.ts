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
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    if (i > 0) out += ',';
    out += '{';
    let sep = '';
    if (c.key !== undefined) {
      out += '"key":' + canonicalJson(c.key, text);
      sep = ',';
    }
    if (c.name !== undefined) {
      out += sep + '"name":' + JSON.stringify(text(c.name));
      sep = ',';
    }
    if (c.nullable !== undefined) {
      out += sep + '"nullable":' + canonicalJson(c.nullable, text);
      sep = ',';
    }
    if (c.type !== undefined) out += sep + '"type":' + typeJson(c.type, text);
    out += '}';
  }
  out += ']';
  if (asset.constraints !== undefined) out += ',"constraints":' + canonicalJson(asset.constraints, text);
  if (asset.kind !== undefined) out += ',"kind":' + canonicalJson(asset.kind, text);
  return out + '}';
}

/** A SourceType in canonical key order; anything beyond the known fields goes the generic way. */
function typeJson(type: SourceType, text: (s: string) => string): string {
  const keys = Object.keys(type);
  for (const key of keys) if (!TYPE_KEYS.has(key)) return canonicalJson(type, text);
  let out = '{';
  let sep = '';
  if (type.length !== undefined) {
    out += '"length":' + canonicalJson(type.length, text);
    sep = ',';
  }
  if (type.name !== undefined) {
    out += sep + '"name":' + JSON.stringify(text(type.name));
    sep = ',';
  }
  if (type.precision !== undefined) {
    out += sep + '"precision":' + canonicalJson(type.precision, text);
    sep = ',';
  }
  if (type.scale !== undefined) {
    out += sep + '"scale":' + canonicalJson(type.scale, text);
    sep = ',';
  }
  if (type.srid !== undefined) out += sep + '"srid":' + canonicalJson(type.srid, text);
  return out + '}';
}

const TYPE_KEYS: ReadonlySet<string> = new Set(['length', 'name', 'precision', 'scale', 'srid']);

function metadataJson(asset: Asset, text: (s: string) => string): string {
  let out = '{';
  if (asset.businessContext !== undefined) out += '"businessContext":' + canonicalJson(asset.businessContext, text) + ',';
  out += '"columns":[';
  const columns = asset.columns;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    if (i > 0) out += ',';
    out += '{';
    let sep = '';
    if (c.description !== undefined) {
      out += '"description":' + canonicalJson(c.description, text);
      sep = ',';
    }
    if (c.label !== undefined) {
      out += sep + '"label":' + JSON.stringify(text(c.label));
      sep = ',';
    }
    if (c.name !== undefined) {
      out += sep + '"name":' + JSON.stringify(text(c.name));
      sep = ',';
    }
    if (c.semantics !== undefined) out += sep + '"semantics":' + canonicalJson(c.semantics, text);
    out += '}';
  }
  out += ']';
  if (asset.customProperties !== undefined) out += ',"customProperties":' + canonicalJson(asset.customProperties, text);
  return out + '}';
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
