import type { Asset } from '../catalog/asset.ts';
import type { AssetHashes } from '../catalog/hashes.ts';
import type { TableRef } from '../catalog/target.ts';
import { buildGlueColumns } from './build-glue-columns.ts';
import { applyStorage } from './apply-storage.ts';
import { buildNativeTableInput } from './build-native-table-input.ts';
import { buildTableParameters } from './build-table-parameters.ts';
import { fitText, GLUE_LIMITS, toMultiLine } from './glue-limits.ts';
import { labelledText } from './labelled-text.ts';
import type { GlueTableInput } from './glue-table.ts';
import type { Mapping } from './load-mapping.ts';
import { TABLE_KEYS } from './table-parameters.ts';
import { normalizeGlueName } from './table-naming.ts';

export interface BuildContext {
  /** Job name, written as the ownership marker. */
  job: string;
  /** The hashes this write is made from, written into the table so a rerun can recognise it. */
  hashes: AssetHashes;
  databasePrefix: string;
  mapping: Mapping;
  /** Where the engine placed the asset; defaults to the naming rules. Only its table name is used. */
  ref?: TableRef;
}

export interface BuiltTableInput {
  input: GlueTableInput;
  /** Truncations, clamps and fallbacks, as readable sentences. */
  warnings: string[];
  /** Columns whose source type was unknown and got `fallbackType`. */
  fallbackTypes: number;
}

/** The only TableType we write: we carry metadata, never view text, and Glue's VIRTUAL_VIEW needs view text. */
export const TABLE_TYPE = 'EXTERNAL_TABLE';

/**
 * Everything this tool owns of one table, as a Glue TableInput. Deterministic: the same asset, hashes and
 * mapping give byte-identical JSON (fixed field order, sorted Parameters, no times).
 */
export function buildTableInput(asset: Asset, ctx: BuildContext): BuiltTableInput {
  // A table read from another Glue catalog is replicated as it is, not mapped (build-native-table-input.ts).
  if (asset.glue !== undefined) return buildNativeTableInput(asset, asset.glue, ctx);
  const warnings: string[] = [];
  let name: string;
  if (ctx.ref) {
    name = ctx.ref.table;
  } else {
    const normalized = normalizeGlueName(asset.technicalName, `table ${asset.id}`);
    warnings.push(...normalized.warnings);
    name = normalized.name;
  }

  const prefix = ctx.mapping.options.parameterPrefix;
  // What Athena's and the Glue console's users read of the table: its business name and what it holds, both.
  const text = labelledText(asset.businessName, asset.description);
  let description: string | undefined;
  let fullDescription: string | undefined;
  if (text !== undefined && text !== '') {
    const fitted = fitText(toMultiLine(text), GLUE_LIMITS.descriptionBytes);
    if (fitted.truncatedFrom !== undefined) {
      warnings.push(
        `table ${asset.id}: description cut from ${fitted.truncatedFrom} to ${GLUE_LIMITS.descriptionBytes} bytes; ` +
          `full text in ${prefix}${TABLE_KEYS.description}`,
      );
    }
    if (fitted.value !== text) fullDescription = text;
    description = fitted.value;
  }

  const columns = buildGlueColumns(asset.columns, ctx.mapping);
  warnings.push(...columns.warnings.map((w) => `table ${asset.id}: ${w}`));
  const parameters = buildTableParameters(asset, {
    job: ctx.job,
    hashes: ctx.hashes,
    prefix,
    mappingVersion: ctx.mapping.table.version,
    columnNames: columns.names,
    ...(fullDescription !== undefined ? { fullDescription } : {}),
  });
  warnings.push(...parameters.warnings.map((w) => `table ${asset.id}: ${w}`));

  const input: GlueTableInput = { Name: name };
  if (description !== undefined) input.Description = description;
  input.TableType = TABLE_TYPE;
  input.Parameters = parameters.parameters;
  input.StorageDescriptor = { Columns: columns.columns };
  // Where a `storage.rules` entry gave the asset its storage, the table says where and how its data lies.
  if (asset.storage !== undefined) applyStorage(input, asset.storage);
  return { input, warnings, fallbackTypes: columns.fallbacks };
}

/**
 * Bytes of the CreateTable request body `{DatabaseName, TableInput}` as JSON: the figure every target reports
 * as `fullWriteBytes`, so savings compare alike across targets.
 */
export function createTableRequestBytes(ref: TableRef, input: GlueTableInput): number {
  return Buffer.byteLength(JSON.stringify({ DatabaseName: ref.database, TableInput: input }), 'utf8');
}
