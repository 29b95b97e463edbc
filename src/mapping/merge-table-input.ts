import type { Facet } from '../catalog/hashes.ts';
import type { WriteStrategy } from '../catalog/target.ts';
import type { GlueColumn, GlueParameters, GlueStorageDescriptor, GlueTable, GlueTableInput } from './glue-table.ts';
import { isReplicaInput, mergeReplicaInput } from './merge-replica-input.ts';
import { sortedRecord } from './stable-json.ts';
import { STORAGE_TABLE_KEYS } from './storage-formats.ts';
import { columnKeyOwner, tableKeyOwner } from './table-parameters.ts';
import { toTableInput } from './to-table-input.ts';

export interface MergeContext {
  /** The business parameter prefix (`mapping.parameterPrefix`): keys under it are ours. */
  parameterPrefix: string;
}

/** The parts of a table a write can own. Control parameters (catalog_sync.*) are replaced by every write. */
type Part = 'description' | Facet | 'columns' | 'columnMetadata' | 'unknownOurs';

const ALL: readonly Part[] = [
  'description',
  'content',
  'schema',
  'metadata',
  'columns',
  'columnMetadata',
  'unknownOurs',
];

const STRATEGY_PARTS: Record<WriteStrategy, readonly Part[]> = {
  full: ALL,
  // MODIFIED: only the content fields, merged onto the current table; columns untouched.
  delta: ['description', 'content'],
  // METADATA_CHANGED: description, parameters and column comments; column names, types and order untouched.
  'metadata-only': ['description', 'content', 'metadata', 'columnMetadata'],
};

const FACET_PARTS: Record<Facet, readonly Part[]> = {
  content: ['description', 'content'],
  schema: ['schema', 'columns', 'columnMetadata'],
  metadata: ['metadata', 'columnMetadata'],
};

function mergeParameters(
  current: GlueParameters | undefined,
  desired: GlueParameters | undefined,
  owned: ReadonlySet<Part>,
  prefix: string,
): GlueParameters {
  const isOwned = (key: string): boolean => {
    const owner = tableKeyOwner(key, prefix);
    if (owner === 'foreign') return false;
    if (owner === 'control') return true;
    return owned.has(owner === 'ours' ? 'unknownOurs' : owner);
  };
  const out: GlueParameters = {};
  for (const [key, value] of Object.entries(current ?? {})) if (!isOwned(key)) out[key] = value;
  for (const [key, value] of Object.entries(desired ?? {})) if (isOwned(key)) out[key] = value;
  return sortedRecord(out);
}

function columnParameters(
  current: GlueParameters | undefined,
  desired: GlueParameters | undefined,
  replace: (owner: ReturnType<typeof columnKeyOwner>) => boolean,
  prefix: string,
): GlueParameters {
  const out: GlueParameters = {};
  for (const [key, value] of Object.entries(current ?? {})) if (!replace(columnKeyOwner(key, prefix))) out[key] = value;
  for (const [key, value] of Object.entries(desired ?? {})) if (replace(columnKeyOwner(key, prefix))) out[key] = value;
  return sortedRecord(out);
}

function withComment(column: GlueColumn, comment: string | undefined, parameters: GlueParameters): GlueColumn {
  const out: GlueColumn = { Name: column.Name };
  if (column.Type !== undefined) out.Type = column.Type;
  if (comment !== undefined) out.Comment = comment;
  if (Object.keys(parameters).length > 0) out.Parameters = parameters;
  return out;
}

/** Full column ownership: our columns in our order; a column that still exists keeps its foreign Parameters. */
function replaceColumns(current: GlueColumn[], desired: GlueColumn[], prefix: string): GlueColumn[] {
  const byName = new Map(current.map((c) => [c.Name.toLowerCase(), c]));
  return desired.map((d) => {
    const existing = byName.get(d.Name.toLowerCase())?.Parameters;
    const params = columnParameters(existing, d.Parameters, (owner) => owner !== 'foreign', prefix);
    return withComment(d, d.Comment, params);
  });
}

/** Metadata-only: each current column keeps name, type and position; comment and metadata keys come from ours. */
function updateColumnMetadata(current: GlueColumn[], desired: GlueColumn[], prefix: string): GlueColumn[] {
  const byName = new Map(desired.map((d) => [d.Name.toLowerCase(), d]));
  return current.map((c) => {
    const d = byName.get(c.Name.toLowerCase());
    if (!d) return c;
    return withComment(c, d.Comment, columnParameters(c.Parameters, d.Parameters, (o) => o === 'metadata', prefix));
  });
}

/** Replaces the storage parts a rule owns: Location, formats, SerDe, partition keys and the format's table Parameters. */
function takeStorage(result: Record<string, unknown>, wanted: GlueTableInput): void {
  const sd = (result.StorageDescriptor ?? {}) as GlueStorageDescriptor;
  const want = wanted.StorageDescriptor as GlueStorageDescriptor;
  result.StorageDescriptor = {
    ...sd,
    Location: want.Location,
    InputFormat: want.InputFormat,
    OutputFormat: want.OutputFormat,
    SerdeInfo: want.SerdeInfo,
  };
  if (wanted.PartitionKeys !== undefined) result.PartitionKeys = wanted.PartitionKeys;
  else delete result.PartitionKeys;
  const parameters: GlueParameters = { ...(result.Parameters as GlueParameters | undefined) };
  for (const key of STORAGE_TABLE_KEYS) {
    const value = wanted.Parameters?.[key];
    if (value === undefined) delete parameters[key];
    else parameters[key] = value;
  }
  result.Parameters = sortedRecord(parameters);
}

/**
 * THE merge of a desired TableInput onto the table Glue holds, shared by every target. UpdateTable replaces the
 * whole TableInput, so the result starts from the current table and replaces only what this write owns: what the
 * strategy owns plus what every listed facet owns. Parameters and column Parameters outside our prefixes,
 * StorageDescriptor parts other than Columns (Location, SerdeInfo, formats…), PartitionKeys, Owner, TableType
 * and view text survive — except that a desired Location (a `storage.rules` entry applies) makes the storage ours,
 * replaced by writes that own the schema. Control parameters (ownership, ids, hashes) are always rewritten, and a
 * deprecation marker is dropped, since the asset is live again. Without a current table, the result is `desired`.
 */
export function mergeTableInput(
  current: GlueTable | GlueTableInput | undefined,
  desired: GlueTableInput,
  strategy: WriteStrategy,
  facets: readonly Facet[],
  ctx: MergeContext,
): GlueTableInput {
  if (!current) return toTableInput(desired);
  // A replica of a Glue table owns other parts than a mapped asset does (merge-replica-input.ts).
  if (isReplicaInput(desired)) return mergeReplicaInput(current, desired, strategy, facets);
  const prefix = ctx.parameterPrefix;
  const owned = new Set<Part>([...STRATEGY_PARTS[strategy], ...facets.flatMap((f) => FACET_PARTS[f])]);
  const base = toTableInput(current);
  const wanted = toTableInput(desired);
  const result: Record<string, unknown> = { ...base };

  result.TableType = base.TableType ?? wanted.TableType;
  if (owned.has('description')) result.Description = wanted.Description;
  result.Parameters = mergeParameters(base.Parameters, wanted.Parameters, owned, prefix);

  const currentColumns = base.StorageDescriptor?.Columns ?? [];
  const desiredColumns = wanted.StorageDescriptor?.Columns ?? [];
  if (owned.has('columns')) {
    result.StorageDescriptor = {
      ...base.StorageDescriptor,
      Columns: replaceColumns(currentColumns, desiredColumns, prefix),
    };
  } else if (owned.has('columnMetadata') && base.StorageDescriptor?.Columns) {
    result.StorageDescriptor = {
      ...base.StorageDescriptor,
      Columns: updateColumnMetadata(currentColumns, desiredColumns, prefix),
    };
  }
  // Storage from a `storage.rules` entry (a desired Location) is ours and travels with the schema facet; without
  // one, the storage stays whoever's it is.
  if (owned.has('schema') && wanted.StorageDescriptor?.Location !== undefined) takeStorage(result, wanted);
  // Back through toTableInput for the canonical field order (and to drop an emptied Description).
  return toTableInput(result as unknown as GlueTableInput);
}
