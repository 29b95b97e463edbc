import type { AssetStorage } from '../catalog/asset-storage.ts';
import type { GlueColumn, GlueTableInput } from './glue-table.ts';
import { sortedRecord } from './stable-json.ts';

/** Type of a declared partition key that names no column and gives no type. */
const DEFAULT_PARTITION_TYPE = 'string';

/**
 * Puts a resolved storage part into a built TableInput, in place: Location, SerDe and formats in the
 * StorageDescriptor, the format's table Parameters (classification, EXTERNAL, skip.header.line.count), and the
 * partition keys. A partition key named like a column (case-insensitively, as Glue compares) takes that column's
 * type, comment and parameters and leaves the columns, since Glue and Athena refuse a name that is both.
 */
export function applyStorage(input: GlueTableInput, storage: AssetStorage): void {
  const columns = input.StorageDescriptor?.Columns ?? [];
  const byName = new Map(columns.map((c) => [c.Name.toLowerCase(), c]));
  const partitionNames = new Set(storage.partitionKeys.map((k) => k.name.toLowerCase()));
  const partitionKeys: GlueColumn[] = storage.partitionKeys.map((key) => {
    const column = byName.get(key.name.toLowerCase());
    if (column === undefined) return { Name: key.name.toLowerCase(), Type: key.type ?? DEFAULT_PARTITION_TYPE };
    return { ...column, ...(key.type !== undefined ? { Type: key.type } : {}) };
  });
  input.StorageDescriptor = {
    Columns: columns.filter((c) => !partitionNames.has(c.Name.toLowerCase())),
    Location: storage.location,
    InputFormat: storage.inputFormat,
    OutputFormat: storage.outputFormat,
    SerdeInfo: { SerializationLibrary: storage.serializationLibrary, Parameters: { ...storage.serdeParameters } },
  };
  if (partitionKeys.length > 0) input.PartitionKeys = partitionKeys;
  input.Parameters = sortedRecord({ ...input.Parameters, ...storage.tableParameters });
}
