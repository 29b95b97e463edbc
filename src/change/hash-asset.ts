import { createHash } from 'node:crypto';
import type { Asset } from '../catalog/asset.ts';
import type { AssetHashes } from '../catalog/hashes.ts';
import { canonicalJson } from './canonical-json.ts';
import type { ChangeOptions } from './change-options.ts';
import { omitPaths } from './omit-paths.ts';

/**
 * The three facets an asset is hashed by. Each field of the model belongs to exactly one facet, so a
 * change shows up in one hash only and the strategy can be chosen by which hash moved.
 */
export function contentFacet(asset: Asset): unknown {
  return {
    technicalName: asset.technicalName,
    businessName: asset.businessName,
    description: asset.description,
    owner: asset.owner,
  };
}

export function schemaFacet(asset: Asset): unknown {
  return {
    kind: asset.kind,
    columns: asset.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, key: c.key })),
    constraints: asset.constraints,
  };
}

export function metadataFacet(asset: Asset): unknown {
  return {
    businessContext: asset.businessContext,
    columns: asset.columns.map((c) => ({
      name: c.name,
      label: c.label,
      description: c.description,
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
  return createHash('sha256').update(text).digest('hex');
}

const WHITESPACE = /\s+/g;

function textNormaliser(options: ChangeOptions): (s: string) => string {
  const { normalizeWhitespace, caseSensitive } = options;
  if (normalizeWhitespace && !caseSensitive) return (s) => s.replace(WHITESPACE, ' ').trim().toLowerCase();
  if (normalizeWhitespace) return (s) => s.replace(WHITESPACE, ' ').trim();
  if (!caseSensitive) return (s) => s.toLowerCase();
  return (s) => s;
}
