import type { Asset } from '../catalog/asset.ts';
import type { AssetHashes } from '../catalog/hashes.ts';
import { fitParameterKey, fitParameterValue } from './glue-limits.ts';
import { stableJson, sortedRecord } from './stable-json.ts';
import { glueName } from './table-naming.ts';
import {
  ASSET_ID_KEY,
  ASSET_KIND_KEY,
  CUSTOM_PROPERTY_INFIX,
  HASH_KEYS,
  MAPPING_VERSION_KEY,
  OWNER_KEY,
  TABLE_KEYS,
} from './table-parameters.ts';

export interface TableParameterContext {
  job: string;
  hashes: AssetHashes;
  prefix: string;
  mappingVersion: number;
  /** Source column name → Glue column name (the primary key is written in Glue names). */
  columnNames: ReadonlyMap<string, string>;
  /** The full description when the Description field had to be cut. */
  fullDescription?: string;
}

/**
 * The table Parameters this tool owns, keys sorted. Empty lists and absent values are left out rather than
 * written as `[]` or "": fewer bytes, and absence reads the same.
 */
export function buildTableParameters(
  asset: Asset,
  ctx: TableParameterContext,
): { parameters: Record<string, string>; warnings: string[] } {
  const { prefix } = ctx;
  const warnings: string[] = [];
  const params: Record<string, string> = {
    [OWNER_KEY]: ctx.job,
    [ASSET_ID_KEY]: asset.id,
    [ASSET_KIND_KEY]: asset.kind,
    [MAPPING_VERSION_KEY]: String(ctx.mappingVersion),
    [HASH_KEYS.content]: ctx.hashes.content,
    [HASH_KEYS.schema]: ctx.hashes.schema,
    [HASH_KEYS.metadata]: ctx.hashes.metadata,
  };
  const put = (suffix: string, value: string | undefined): void => {
    if (value !== undefined && value !== '') params[prefix + suffix] = value;
  };
  const putJson = (suffix: string, value: readonly unknown[]): void => {
    if (value.length > 0) params[prefix + suffix] = stableJson(value);
  };

  put(TABLE_KEYS.technicalName, asset.technicalName);
  put(TABLE_KEYS.businessName, asset.businessName);
  put(TABLE_KEYS.owner, asset.owner);
  put(TABLE_KEYS.description, ctx.fullDescription);

  const primaryKey = asset.constraints.primaryKey.map((c) => ctx.columnNames.get(c) ?? glueName(c));
  put(TABLE_KEYS.primaryKey, primaryKey.join(','));
  putJson(TABLE_KEYS.associations, asset.constraints.associations);

  const business = asset.businessContext;
  putJson(TABLE_KEYS.tags, business.tags);
  putJson(TABLE_KEYS.dimensions, business.dimensions);
  putJson(TABLE_KEYS.measures, business.measures);
  putJson(TABLE_KEYS.hierarchies, business.hierarchies);
  put(TABLE_KEYS.certification, business.certification);
  put(TABLE_KEYS.modelingPattern, business.modelingPattern);

  for (const key of Object.keys(asset.customProperties).sort()) {
    const fullKey = fitParameterKey(`${prefix}${CUSTOM_PROPERTY_INFIX}${key}`, warnings);
    params[fullKey] = asset.customProperties[key] as string;
  }

  for (const [key, value] of Object.entries(params)) params[key] = fitParameterValue(key, value, warnings);
  return { parameters: sortedRecord(params), warnings };
}
