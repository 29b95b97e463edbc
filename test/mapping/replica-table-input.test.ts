import { beforeAll, describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import type { AssetHashes } from '../../src/catalog/hashes.ts';
import { glueTableToAsset } from '../../src/connectors/glue/glue-table-to-asset.ts';
import { buildTableInput } from '../../src/mapping/build-table-input.ts';
import { renameDatabase } from '../../src/mapping/database-rename.ts';
import type { GlueTableInput } from '../../src/mapping/glue-table.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../src/mapping/load-mapping.ts';
import { rewriteLocation } from '../../src/mapping/location-rewrites.ts';
import { mergeTableInput } from '../../src/mapping/merge-table-input.ts';
import { readTargetTable } from '../../src/mapping/read-target-table.ts';
import { REPLICATED_KEYS_KEY } from '../../src/mapping/replica-parameters.ts';
import { icebergTable, parquetTable, sparkCsvTable, viewTable } from '../support/glue-tables.ts';

const H: AssetHashes = { content: 'c1', schema: 's1', metadata: 'm1' };
const REWRITES = [
  { from: 's3://producer-lake/', to: 's3://consumer-lake/' },
  { from: 's3://producer-lake/iceberg/', to: 's3://consumer-iceberg/' },
];

let mapping: Mapping;
beforeAll(async () => {
  mapping = { ...(await loadMapping()), locationRewrites: REWRITES };
});

function asset(input: object): Asset {
  const out = glueTableToAsset('sales', { ...input, DatabaseName: 'sales', VersionId: '1' });
  if (!out.ok) throw new Error(out.error);
  return out.asset;
}

const build = (a: Asset, hashes = H): GlueTableInput =>
  buildTableInput(a, { job: 'replica', hashes, databasePrefix: '', mapping, ref: { database: 'sales', table: a.technicalName } }).input;

describe('the replica of a Glue table', () => {
  it('is the source table with its types, storage and parameters, our marker added and locations rewritten', () => {
    const input = build(asset(parquetTable('events')));
    const source = parquetTable('events');
    expect(input.StorageDescriptor?.Columns?.map((c) => c.Type)).toEqual(source.StorageDescriptor?.Columns?.map((c) => c.Type));
    expect(input.StorageDescriptor?.Columns?.[2]).toEqual({ Name: 'amount', Type: 'decimal(18,4)', Comment: 'Amount in EUR', Parameters: { pii: 'false' } });
    expect(input.StorageDescriptor).toMatchObject({
      Location: 's3://consumer-lake/events/events/',
      InputFormat: source.StorageDescriptor?.InputFormat,
      SerdeInfo: source.StorageDescriptor?.SerdeInfo,
      NumberOfBuckets: -1,
      Parameters: source.StorageDescriptor?.Parameters,
    });
    expect(input.PartitionKeys).toEqual([{ Name: 'dt', Type: 'string', Comment: 'Event date' }, { Name: 'region', Type: 'string' }]);
    expect(input).toMatchObject({ TableType: 'EXTERNAL_TABLE', Owner: 'data-platform', Description: 'Events of events', Retention: 0 });
    expect(input.Parameters).toMatchObject({ ...source.Parameters, 'catalog_sync.owner': 'replica', 'catalog_sync.asset_id': 'sales/events' });
    expect(JSON.parse(input.Parameters?.[REPLICATED_KEYS_KEY] ?? '')).toEqual(Object.keys(source.Parameters ?? {}).sort());
    const read = readTargetTable({ ...input, DatabaseName: 'sales' });
    expect(read).toMatchObject({ owner: 'replica', assetId: 'sales/events', hashes: H });
  });

  it('keeps an Iceberg table an Iceberg table, its metadata file moved with its location (longest rule first)', () => {
    const input = build(asset(icebergTable('orders')));
    expect(input.Parameters).toMatchObject({
      table_type: 'ICEBERG',
      metadata_location: 's3://consumer-iceberg/orders/metadata/00042-abc.metadata.json',
      previous_metadata_location: 's3://consumer-iceberg/orders/metadata/00041-def.metadata.json',
      'write.parquet.compression-codec': 'zstd',
    });
    expect(input.StorageDescriptor?.Location).toBe('s3://consumer-iceberg/orders');
    expect(input.StorageDescriptor?.Columns?.[0]?.Parameters).toEqual({ 'iceberg.field.id': '1', 'iceberg.field.optional': 'false' });
  });

  it('keeps a view a view with its text, and rewrites the path a Spark table keeps in its SerDe', () => {
    const view = build(asset(viewTable('v_one')));
    expect(view).toMatchObject({ TableType: 'VIRTUAL_VIEW', ViewOriginalText: viewTable('v').ViewOriginalText, ViewExpandedText: '/* Presto View */' });
    const csv = build(asset(sparkCsvTable('raw')));
    expect(csv.StorageDescriptor?.SerdeInfo?.Parameters).toEqual({ path: 's3://consumer-lake/csv/raw', 'field.delim': ',' });
  });

  it("copies the source's own catalog_sync parameters as data, never as our marker or hashes", () => {
    const input = build(asset(sparkCsvTable('raw')));
    expect(input.Parameters).toMatchObject({
      'catalog_sync.owner': 'replica',
      'catalog_sync.hash.schema': 's1',
      'catalog_sync.source.owner': 'producer-job',
      'catalog_sync.source.hash.schema': 'abc',
    });
  });
});

describe('writing a replica over the one in place', () => {
  const current = (a: Asset): GlueTableInput => {
    const input = build(a);
    // Another tool's additions on the replica side.
    return {
      ...input,
      Parameters: { ...input.Parameters, 'lf.replica.note': 'kept' },
      StorageDescriptor: { ...input.StorageDescriptor, Columns: input.StorageDescriptor?.Columns ?? [] },
    };
  };

  it('metadata-only replaces the copied parameters as a set, keeps columns, storage and foreign keys', () => {
    const before = asset(parquetTable('events'));
    const source = parquetTable('events');
    delete source.Parameters?.['projection.enabled'];
    source.Parameters = { ...source.Parameters, owner_team: 'payments' };
    source.StorageDescriptor!.Columns![0]!.Comment = 'Event id (unique)';
    const after = asset(source);
    const merged = mergeTableInput({ ...current(before), DatabaseName: 'sales' }, build(after, { ...H, metadata: 'm2' }), 'metadata-only', ['metadata'], {
      parameterPrefix: 'datasphere.',
    });
    expect(merged.Parameters).toMatchObject({ owner_team: 'payments', 'lf.replica.note': 'kept', 'catalog_sync.hash.metadata': 'm2' });
    expect(merged.Parameters).not.toHaveProperty('projection.enabled');
    expect(merged.StorageDescriptor?.Columns?.[0]).toEqual({ Name: 'event_id', Type: 'bigint', Comment: 'Event id (unique)' });
    expect(merged.StorageDescriptor?.Location).toBe('s3://consumer-lake/events/events/');
  });

  it('a full write takes columns, storage and partition keys from the source; foreign parameters survive', () => {
    const before = asset(parquetTable('events'));
    const source = parquetTable('events');
    source.StorageDescriptor!.Columns!.push({ Name: 'channel', Type: 'string' });
    source.StorageDescriptor!.Location = 's3://producer-lake/events/v2/';
    const merged = mergeTableInput({ ...current(before), DatabaseName: 'sales' }, build(asset(source), { ...H, schema: 's2' }), 'full', ['schema'], {
      parameterPrefix: 'datasphere.',
    });
    expect(merged.StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual(['event_id', 'payload', 'amount', 'tags', 'channel']);
    expect(merged.StorageDescriptor?.Location).toBe('s3://consumer-lake/events/v2/');
    expect(merged.Parameters).toMatchObject({ 'lf.replica.note': 'kept', 'catalog_sync.hash.schema': 's2', classification: 'parquet' });
  });

  it('a delta changes description and owner only', () => {
    const before = asset(parquetTable('events'));
    const merged = mergeTableInput({ ...current(before), DatabaseName: 'sales' }, build(asset({ ...parquetTable('events'), Description: 'New text', Owner: 'x', Parameters: {} }), { ...H, content: 'c2' }), 'delta', ['content'], {
      parameterPrefix: 'datasphere.',
    });
    expect(merged).toMatchObject({ Description: 'New text', Owner: 'x' });
    // The copied parameters are the metadata facet's: a delta leaves them as they are.
    expect(merged.Parameters).toMatchObject({ classification: 'parquet', 'catalog_sync.hash.content': 'c2' });
  });
});

describe('naming and locations for the target account', () => {
  it('renames databases by the map, else by prefix, normalised', () => {
    const rules = { rename: { sales: 'sales_dr', Finance: 'FIN_DR' }, prefix: 'dr_' };
    expect(renameDatabase('sales', rules)).toBe('sales_dr');
    expect(renameDatabase('Finance', rules)).toBe('fin_dr');
    expect(renameDatabase('hr', rules)).toBe('dr_hr');
    expect(renameDatabase('hr', { rename: {}, prefix: '' })).toBe('hr');
  });

  it('rewrites by the longest matching prefix and leaves other locations alone', () => {
    expect(rewriteLocation('s3://producer-lake/iceberg/t', REWRITES)).toBe('s3://consumer-iceberg/t');
    expect(rewriteLocation('s3://producer-lake/x/y', REWRITES)).toBe('s3://consumer-lake/x/y');
    expect(rewriteLocation('s3://elsewhere/x', REWRITES)).toBe('s3://elsewhere/x');
  });
});
