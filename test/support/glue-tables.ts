import type { PartitionInput, TableInput } from '@aws-sdk/client-glue';

/**
 * Glue tables as producers' catalogs hold them, as CreateTable inputs: the shapes a Glue source must carry over
 * intact. Shared by the unit tests of the Glue-to-Glue mapping and the replication scenario on moto.
 */

const PARQUET = {
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe', Parameters: { 'serialization.format': '1' } },
};

/** A crawler-made Parquet table partitioned by date, with crawler parameters and column comments. */
export function parquetTable(name: string, bucket = 's3://producer-lake/'): TableInput {
  return {
    Name: name,
    Description: `Events of ${name}`,
    Owner: 'data-platform',
    TableType: 'EXTERNAL_TABLE',
    Retention: 0,
    Parameters: { classification: 'parquet', EXTERNAL: 'TRUE', UPDATED_BY_CRAWLER: 'events-crawler', 'projection.enabled': 'false' },
    StorageDescriptor: {
      Columns: [
        { Name: 'event_id', Type: 'bigint', Comment: 'Event identifier' },
        { Name: 'payload', Type: 'struct<kind:string,attrs:map<string,string>>' },
        { Name: 'amount', Type: 'decimal(18,4)', Comment: 'Amount in EUR', Parameters: { 'pii': 'false' } },
        { Name: 'tags', Type: 'array<string>' },
      ],
      Location: `${bucket}events/${name}/`,
      ...PARQUET,
      Compressed: false,
      NumberOfBuckets: -1,
      StoredAsSubDirectories: false,
      Parameters: { classification: 'parquet', recordCount: '1200', averageRecordSize: '85' },
    },
    PartitionKeys: [
      { Name: 'dt', Type: 'string', Comment: 'Event date' },
      { Name: 'region', Type: 'string' },
    ],
  };
}

/** An Iceberg table as Athena or Spark registers it: parameters carry the format and the metadata file. */
export function icebergTable(name: string, bucket = 's3://producer-lake/'): TableInput {
  return {
    Name: name,
    Description: 'Orders (Iceberg)',
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      table_type: 'ICEBERG',
      metadata_location: `${bucket}iceberg/${name}/metadata/00042-abc.metadata.json`,
      previous_metadata_location: `${bucket}iceberg/${name}/metadata/00041-def.metadata.json`,
      'write.parquet.compression-codec': 'zstd',
    },
    StorageDescriptor: {
      Columns: [
        { Name: 'order_id', Type: 'bigint', Parameters: { 'iceberg.field.id': '1', 'iceberg.field.optional': 'false' } },
        { Name: 'placed_at', Type: 'timestamp', Parameters: { 'iceberg.field.id': '2', 'iceberg.field.optional': 'true' } },
      ],
      Location: `${bucket}iceberg/${name}`,
    },
  };
}

/** An Athena view: Presto view text, no storage of its own. */
export function viewTable(name: string): TableInput {
  return {
    Name: name,
    TableType: 'VIRTUAL_VIEW',
    Parameters: { presto_view: 'true', comment: 'Presto View' },
    ViewOriginalText: '/* Presto View: eyJvcmlnaW5hbFNxbCI6IlNFTEVDVCAxIn0= */',
    ViewExpandedText: '/* Presto View */',
    StorageDescriptor: { Columns: [{ Name: 'one', Type: 'integer' }], SerdeInfo: {} },
  };
}

/** A Spark data-source CSV table: its location sits in the SerDe's `path` parameter too. */
export function sparkCsvTable(name: string, bucket = 's3://producer-lake/'): TableInput {
  return {
    Name: name,
    TableType: 'EXTERNAL_TABLE',
    Parameters: { 'spark.sql.sources.provider': 'csv', 'catalog_sync.owner': 'producer-job', 'catalog_sync.hash.schema': 'abc' },
    StorageDescriptor: {
      Columns: [{ Name: 'k', Type: 'string' }, { Name: 'v', Type: 'double' }],
      Location: `${bucket}csv/${name}`,
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', Parameters: { path: `${bucket}csv/${name}`, 'field.delim': ',' } },
    },
  };
}

/** The partitions of a parquetTable, one per date from `first` on, in one region. */
export function datePartitions(table: string, dates: readonly string[], bucket = 's3://producer-lake/'): PartitionInput[] {
  return dates.map((dt) => ({
    Values: [dt, 'eu'],
    StorageDescriptor: {
      Columns: [
        { Name: 'event_id', Type: 'bigint' },
        { Name: 'amount', Type: 'decimal(18,4)' },
      ],
      Location: `${bucket}events/${table}/dt=${dt}/region=eu/`,
      ...PARQUET,
    },
    Parameters: { 'partition.rows': '100' },
  }));
}

/** `count` consecutive ISO dates from 2024-01-01. */
export function dates(count: number, from = Date.UTC(2024, 0, 1)): string[] {
  return Array.from({ length: count }, (_, i) => new Date(from + i * 86_400_000).toISOString().slice(0, 10));
}
