import type { Asset } from '../catalog/asset.ts';
import type { NativeGlueColumn, NativeGlueTable } from '../catalog/native-glue-table.ts';
import type { BuildContext, BuiltTableInput } from './build-table-input.ts';
import type { GlueColumn, GlueStorageDescriptor, GlueTableIdentifier, GlueTableInput } from './glue-table.ts';
import { rewriteParameterLocations, rewriteStorageLocations } from './location-rewrites.ts';
import { REPLICATED_KEYS_KEY, replicaParameterKey } from './replica-parameters.ts';
import { sortedRecord } from './stable-json.ts';
import { ASSET_ID_KEY, ASSET_KIND_KEY, HASH_KEYS, OWNER_KEY } from './table-parameters.ts';
import { normalizeGlueName } from './table-naming.ts';

function glueColumn(column: NativeGlueColumn): GlueColumn {
  const out: GlueColumn = { Name: column.name };
  if (column.type !== undefined) out.Type = column.type;
  if (column.comment !== undefined) out.Comment = column.comment;
  if (column.parameters !== undefined && Object.keys(column.parameters).length > 0) out.Parameters = sortedRecord(column.parameters);
  return out;
}

/**
 * The replica of a Glue table: the table as its source holds it, with three changes and no others. Locations are
 * rewritten for the target account (`target.locationRewrites`); the source's own `catalog_sync.*` parameters are
 * moved under `catalog_sync.source.` (replica-parameters.ts); and this job's marker, asset id, asset kind and
 * hashes are added, with the list of the keys copied from the source. Types, table type, SerDe, formats, view
 * text and every other parameter (an Iceberg table's `table_type` and `metadata_location` among them) pass
 * through unchanged. Deterministic, like buildTableInput: sorted Parameters, no times.
 */
export function buildNativeTableInput(asset: Asset, glue: NativeGlueTable, ctx: BuildContext): BuiltTableInput {
  const warnings: string[] = [];
  let name: string;
  if (ctx.ref) {
    name = ctx.ref.table;
  } else {
    const normalized = normalizeGlueName(asset.technicalName, `table ${asset.id}`);
    warnings.push(...normalized.warnings);
    name = normalized.name;
  }
  const rules = ctx.mapping.locationRewrites ?? [];

  const copied: Record<string, string> = {};
  for (const [key, value] of Object.entries(rewriteParameterLocations(glue.parameters, rules))) copied[replicaParameterKey(key)] = value;
  const parameters = sortedRecord({
    ...copied,
    [OWNER_KEY]: ctx.job,
    [ASSET_ID_KEY]: asset.id,
    [ASSET_KIND_KEY]: asset.kind,
    [HASH_KEYS.content]: ctx.hashes.content,
    [HASH_KEYS.schema]: ctx.hashes.schema,
    [HASH_KEYS.metadata]: ctx.hashes.metadata,
    [REPLICATED_KEYS_KEY]: JSON.stringify(Object.keys(copied).sort()),
  });

  const input: GlueTableInput = { Name: name };
  if (asset.description !== undefined && asset.description !== '') input.Description = asset.description;
  if (asset.owner !== undefined && asset.owner !== '') input.Owner = asset.owner;
  if (glue.retention !== undefined) input.Retention = glue.retention;
  if (glue.tableType !== undefined) input.TableType = glue.tableType;
  input.Parameters = parameters;
  if (glue.storage !== undefined || asset.columns.length > 0) {
    const storage = rewriteStorageLocations(glue.storage ?? {}, rules) as GlueStorageDescriptor;
    const columns = asset.columns.map((c) =>
      glueColumn({
        name: c.name,
        ...(c.type.name !== '' ? { type: c.type.name } : {}),
        ...(c.description !== undefined ? { comment: c.description } : {}),
        ...(glue.columnParameters?.[c.name] ? { parameters: glue.columnParameters[c.name] } : {}),
      }),
    );
    input.StorageDescriptor = { ...storage, Columns: columns };
    if (glue.storageParameters !== undefined) input.StorageDescriptor.Parameters = sortedRecord(glue.storageParameters);
  }
  if (glue.partitionKeys.length > 0) input.PartitionKeys = glue.partitionKeys.map(glueColumn);
  if (glue.viewOriginalText !== undefined) input.ViewOriginalText = glue.viewOriginalText;
  if (glue.viewExpandedText !== undefined) input.ViewExpandedText = glue.viewExpandedText;
  if (glue.targetTable !== undefined) input.TargetTable = glue.targetTable as GlueTableIdentifier;
  return { input, warnings, fallbackTypes: 0 };
}
