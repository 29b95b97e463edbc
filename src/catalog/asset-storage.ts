/**
 * Where and how an asset's data lies, resolved from the first `storage.rules` entry that matches it
 * (mapping/storage-rules.ts): a plain, fully spelled-out value, so that a changed rule or a changed format table
 * changes the asset's schema hash and the table is rewritten. Assets no rule matches carry none, and a target keeps
 * whatever storage someone else gave the table.
 */
export interface AssetStorage {
  /** The table's S3 Location, placeholders filled in. */
  location: string;
  /** The rule's format name (`parquet`, `csv`, …), kept for readers of the checkpoint and `plan`. */
  format: string;
  serializationLibrary: string;
  inputFormat: string;
  outputFormat: string;
  serdeParameters: Record<string, string>;
  /** Table Parameters the format implies (`classification`, `EXTERNAL`, `skip.header.line.count`). */
  tableParameters: Record<string, string>;
  /** Partition keys in order; a key named like a column takes that column's type and leaves the columns. */
  partitionKeys: Array<{ name: string; type?: string }>;
}
