import { hash } from 'node:crypto';
import type { Asset } from '../catalog/asset.ts';
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
    schema: sha256(canonicalJson(schemaFacet(subject), text)),
    metadata: sha256(canonicalJson(metadataFacet(subject), text)),
  };
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
