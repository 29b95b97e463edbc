/**
 * The parts of a Glue table that have no place in the source-neutral Asset model, carried intact when the source
 * is itself a Glue Data Catalog: table type, view text, the storage descriptor, partition keys and every parameter.
 * A replica must be the same table, not a re-interpretation of it: an Iceberg table keeps `table_type` and
 * `metadata_location`, a view keeps its text, a Parquet table its SerDe and formats. Types are Glue's own strings
 * (`array<struct<a:int>>`) and pass through unchanged. Plain JSON only (no Dates), so it hashes and serialises
 * like the rest of the asset; times Glue maintains by itself (LastAccessTime, LastAnalyzedTime) are left out,
 * since they move without anyone changing the table.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface NativeGlueColumn {
  name: string;
  /** Glue's type string as the source holds it; absent where the source column has none. */
  type?: string;
  comment?: string;
  parameters?: Record<string, string>;
}

export interface NativeGlueTable {
  /** `EXTERNAL_TABLE`, `VIRTUAL_VIEW`, `GOVERNED`, … as the source has it; absent where it has none. */
  tableType?: string;
  viewOriginalText?: string;
  viewExpandedText?: string;
  /**
   * The StorageDescriptor as Glue returns it, without `Columns` (those are the asset's columns) and without its
   * `Parameters` (in `storageParameters`): Location, InputFormat, OutputFormat, SerdeInfo, buckets, sort columns,
   * SchemaReference, SkewedInfo and whatever Glue adds later, untouched.
   */
  storage?: { [key: string]: JsonValue };
  /** The StorageDescriptor's Parameters (crawlers keep classification and record counts here). */
  storageParameters?: Record<string, string>;
  partitionKeys: NativeGlueColumn[];
  /** Table Parameters, all of them, as the source holds them. */
  parameters: Record<string, string>;
  /** Column Parameters by column name, for the columns that have any. */
  columnParameters?: Record<string, Record<string, string>>;
  retention?: number;
  /** A resource link's target (`CatalogId`, `DatabaseName`, `Name`, `Region`). */
  targetTable?: { [key: string]: JsonValue };
}
