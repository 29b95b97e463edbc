import type { AssetHashes } from '../catalog/hashes.ts';
import type { TargetTable } from '../catalog/target.ts';
import type { GlueTable, GlueTableInput } from './glue-table.ts';
import { ASSET_ID_KEY, DEPRECATED_AT_KEY, HASH_KEYS, OWNER_KEY } from './table-parameters.ts';

/** The job named by the table's ownership marker, if any. */
export function tableOwner(table: GlueTable | GlueTableInput): string | undefined {
  return table.Parameters?.[OWNER_KEY];
}

export function isOwnedBy(table: GlueTable | GlueTableInput, job: string): boolean {
  return tableOwner(table) === job;
}

/** What the engine decides with, read back from a Glue table's own fields and our parameters. */
export function readTargetTable(table: GlueTable): TargetTable {
  const params = table.Parameters ?? {};
  const out: TargetTable = { ref: { database: table.DatabaseName, table: table.Name } };
  if (table.VersionId !== undefined) out.version = table.VersionId;
  const owner = params[OWNER_KEY];
  if (owner !== undefined) out.owner = owner;
  const assetId = params[ASSET_ID_KEY];
  if (assetId !== undefined) out.assetId = assetId;
  const hashes: Partial<AssetHashes> = {
    content: params[HASH_KEYS.content],
    schema: params[HASH_KEYS.schema],
    metadata: params[HASH_KEYS.metadata],
  };
  // Half a set of hashes proves nothing; only a complete one lets a rerun recognise its own write.
  if (hashes.content && hashes.schema && hashes.metadata) out.hashes = hashes as AssetHashes;
  const deprecatedAt = params[DEPRECATED_AT_KEY];
  if (deprecatedAt !== undefined) out.deprecatedAt = deprecatedAt;
  return out;
}
