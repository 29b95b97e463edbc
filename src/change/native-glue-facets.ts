import type { NativeGlueTable } from '../catalog/native-glue-table.ts';

// Keys in sorted order, as the other facet objects (see hash-asset.ts); undefined members are left out of the hash.

/**
 * The native Glue part of an asset split by facet, like the rest of the asset: its structure (table type, view
 * text, storage, partition keys and their types, resource link) belongs to the schema; parameters and comments
 * to the metadata. A moved Location or a new partition key is therefore a full write; a new `metadata_location`
 * of an Iceberg table, or a crawler's new record count, a metadata-only one.
 */
export function nativeSchemaFacet(glue: NativeGlueTable): unknown {
  return {
    partitionKeys: glue.partitionKeys.map((k) => ({ name: k.name, type: k.type })),
    retention: glue.retention,
    storage: glue.storage,
    tableType: glue.tableType,
    targetTable: glue.targetTable,
    viewExpandedText: glue.viewExpandedText,
    viewOriginalText: glue.viewOriginalText,
  };
}

export function nativeMetadataFacet(glue: NativeGlueTable): unknown {
  return {
    columnParameters: glue.columnParameters,
    parameters: glue.parameters,
    partitionKeys: glue.partitionKeys.map((k) => ({ comment: k.comment, name: k.name, parameters: k.parameters })),
    storageParameters: glue.storageParameters,
  };
}
