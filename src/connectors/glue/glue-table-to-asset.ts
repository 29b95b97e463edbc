import { z } from 'zod';
import type { Asset, Column } from '../../catalog/asset.ts';
import { assetId, emptyBusinessContext } from '../../catalog/asset.ts';
import type { JsonValue, NativeGlueColumn, NativeGlueTable } from '../../catalog/native-glue-table.ts';
import { nameProblem } from '../../formats/text/name-problem.ts';

const stringMap = z.record(z.string(), z.string());

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);
const jsonObject = z.record(z.string(), jsonValue);

const glueColumn = z.looseObject({
  Name: z.string().min(1, 'a column without a name'),
  Type: z.string().optional(),
  Comment: z.string().optional(),
  Parameters: stringMap.optional(),
});

/**
 * The parts of a Glue `Table` (GetTables) a replica is built from. Loose: fields Glue adds later, and the
 * read-only ones (CreateTime, UpdateTime, CreatedBy, IsRegisteredWithLakeFormation …), are not needed here.
 */
const glueTable = z.looseObject({
  Name: z.string().min(1, 'a table without a name'),
  Description: z.string().optional(),
  Owner: z.string().optional(),
  TableType: z.string().optional(),
  ViewOriginalText: z.string().optional(),
  ViewExpandedText: z.string().optional(),
  Retention: z.number().int().min(0).optional(),
  StorageDescriptor: z
    .looseObject({ Columns: z.array(glueColumn).optional(), Parameters: stringMap.optional() })
    .optional(),
  PartitionKeys: z.array(glueColumn).optional(),
  Parameters: stringMap.optional(),
  TargetTable: jsonObject.optional(),
  VersionId: z.string().optional(),
});

export type GlueSourceTable = z.infer<typeof glueTable>;

export type TableConversion = { ok: true; asset: Asset; validator?: string } | { ok: false; name: string; error: string };

/** The SDK's objects as plain JSON: Dates become ISO strings, undefined members disappear. */
function plainJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function nativeColumn(column: z.infer<typeof glueColumn>): NativeGlueColumn {
  const out: NativeGlueColumn = { name: column.Name };
  if (column.Type !== undefined) out.type = column.Type;
  if (column.Comment !== undefined) out.comment = column.Comment;
  if (column.Parameters !== undefined && Object.keys(column.Parameters).length > 0) out.parameters = column.Parameters;
  return out;
}

function issueText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'table'}: ${i.message}`).join('; ');
}

/**
 * One table of a Glue source as an Asset. What the model knows goes there (name, description, owner, columns
 * with their comments, kind `view` for a VIRTUAL_VIEW); the rest goes into `asset.glue` untouched (table type,
 * view text, storage descriptor, partition keys, every parameter). Column types are Glue's strings, kept as the
 * type name (`''` for a column Glue holds without a type). Glue has no keys or nullability: none are invented.
 * The table's VersionId is the validator, recording which version of the source table the replica was made from.
 * A table the schema refuses (a column without a name, a parameter that is not a string) is a failure of that
 * table only.
 */
export function glueTableToAsset(database: string, raw: unknown): TableConversion {
  const parsed = glueTable.safeParse(plainJson(raw));
  const rawName = typeof (raw as { Name?: unknown } | null)?.Name === 'string' ? (raw as { Name: string }).Name : '';
  if (!parsed.success) return { ok: false, name: rawName, error: `not a readable Glue table: ${issueText(parsed.error)}` };
  const table = parsed.data;
  const badName = nameProblem(table.Name, 'table name');
  if (badName !== undefined) return { ok: false, name: table.Name, error: badName };

  const storage = table.StorageDescriptor;
  const columns: Column[] = (storage?.Columns ?? []).map((c) => ({
    name: c.Name,
    type: { name: c.Type ?? '' },
    nullable: true,
    key: false,
    ...(c.Comment !== undefined ? { description: c.Comment } : {}),
  }));
  const columnParameters: Record<string, Record<string, string>> = {};
  for (const c of storage?.Columns ?? []) {
    if (c.Parameters !== undefined && Object.keys(c.Parameters).length > 0) columnParameters[c.Name] = c.Parameters;
  }

  const glue: NativeGlueTable = { partitionKeys: (table.PartitionKeys ?? []).map(nativeColumn), parameters: table.Parameters ?? {} };
  if (table.TableType !== undefined) glue.tableType = table.TableType;
  if (table.ViewOriginalText !== undefined) glue.viewOriginalText = table.ViewOriginalText;
  if (table.ViewExpandedText !== undefined) glue.viewExpandedText = table.ViewExpandedText;
  if (storage !== undefined) {
    const { Columns: _columns, Parameters: parameters, ...rest } = storage;
    const other = jsonObject.safeParse(rest);
    if (!other.success) return { ok: false, name: table.Name, error: `storage descriptor: ${issueText(other.error)}` };
    glue.storage = other.data;
    if (parameters !== undefined) glue.storageParameters = parameters;
  }
  if (Object.keys(columnParameters).length > 0) glue.columnParameters = columnParameters;
  if (table.Retention !== undefined) glue.retention = table.Retention;
  if (table.TargetTable !== undefined) glue.targetTable = table.TargetTable;

  const asset: Asset = {
    id: assetId(database, table.Name),
    space: database,
    technicalName: table.Name,
    kind: table.TableType === 'VIRTUAL_VIEW' ? 'view' : 'table',
    ...(table.Description !== undefined ? { description: table.Description } : {}),
    ...(table.Owner !== undefined ? { owner: table.Owner } : {}),
    columns,
    constraints: { primaryKey: [], associations: [] },
    businessContext: emptyBusinessContext(),
    customProperties: {},
    glue,
  };
  return { ok: true, asset, ...(table.VersionId !== undefined ? { validator: `glue-version:${table.VersionId}` } : {}) };
}
