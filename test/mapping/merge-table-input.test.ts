import { beforeAll, describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import type { WriteStrategy } from '../../src/catalog/target.ts';
import { buildTableInput } from '../../src/mapping/build-table-input.ts';
import type { GlueTable, GlueTableInput } from '../../src/mapping/glue-table.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../src/mapping/load-mapping.ts';
import { mergeTableInput } from '../../src/mapping/merge-table-input.ts';
import { makeAsset } from '../support/make-asset.ts';

let mapping: Mapping;
beforeAll(async () => {
  mapping = await loadMapping();
});
const mergeCtx = { parameterPrefix: 'datasphere.' };
const OLD = { content: 'c1', schema: 's1', metadata: 'm1' };
const NEW = { content: 'c2', schema: 's2', metadata: 'm2' };

function build(asset: Asset, hashes = OLD): GlueTableInput {
  return buildTableInput(asset, { job: 'nightly', hashes, databasePrefix: 'ds_', mapping }).input;
}

/** A table we wrote earlier, since touched by a crawler, Lake Formation and a person. */
function currentTable(): GlueTable {
  const input = build(makeAsset());
  const columns = input.StorageDescriptor?.Columns ?? [];
  return {
    ...input,
    DatabaseName: 'ds_sales',
    VersionId: '7',
    CreateTime: '2024-01-01T00:00:00.000Z',
    UpdateTime: '2024-02-01T00:00:00.000Z',
    CatalogId: '123456789012',
    IsRegisteredWithLakeFormation: false,
    Owner: 'hadoop',
    Parameters: { ...input.Parameters, classification: 'parquet', 'team.contact': 'ops@example.com', 'catalog_sync.deprecated_at': '2024-03-01' },
    StorageDescriptor: {
      Columns: columns.map((c, i) => (i === 0 ? { ...c, Parameters: { ...c.Parameters, 'pii.level': 'none' } } : c)),
      Location: 's3://lake/sales/orders/',
      InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
      Compressed: false,
      Parameters: { 'crawler.version': '3' },
    },
    PartitionKeys: [{ Name: 'dt', Type: 'string' }],
  };
}

/** The same asset with changes in every facet. */
function changedAsset(): Asset {
  const base = makeAsset();
  return makeAsset({
    description: 'Sales orders, all channels',
    businessName: 'Orders (all)',
    columns: [
      { ...base.columns[0]!, label: 'Order number' },
      { ...base.columns[1]!, type: { name: 'cds.Decimal', precision: 20, scale: 4 } },
      base.columns[2]!,
      { name: 'REGION', type: { name: 'cds.String', length: 3 }, nullable: true, key: false, label: 'Region' },
    ],
    businessContext: { ...base.businessContext, tags: ['sales', 'finance'] },
  });
}

const strategies: WriteStrategy[] = ['full', 'delta', 'metadata-only'];

describe('mergeTableInput', () => {
  it.each(strategies)('%s keeps what others own', (strategy) => {
    const merged = mergeTableInput(currentTable(), build(changedAsset(), NEW), strategy, [], mergeCtx);
    expect(merged.Parameters).toMatchObject({ classification: 'parquet', 'team.contact': 'ops@example.com' });
    expect(merged.StorageDescriptor).toMatchObject({
      Location: 's3://lake/sales/orders/',
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
      InputFormat: expect.stringContaining('Parquet'),
      Compressed: false,
      Parameters: { 'crawler.version': '3' },
    });
    expect(merged.PartitionKeys).toEqual([{ Name: 'dt', Type: 'string' }]);
    expect(merged.Owner).toBe('hadoop');
    expect(merged.StorageDescriptor?.Columns?.find((c) => c.Name === 'id')?.Parameters?.['pii.level']).toBe('none');
    // Hashes always follow the write; a write makes a deprecated table live again.
    expect(merged.Parameters).toMatchObject({ 'catalog_sync.hash.content': 'c2', 'catalog_sync.hash.schema': 's2', 'catalog_sync.hash.metadata': 'm2' });
    expect(merged.Parameters).not.toHaveProperty('catalog_sync.deprecated_at');
  });

  it.each(strategies)('%s drops the read-only fields', (strategy) => {
    const merged = mergeTableInput(currentTable(), build(changedAsset(), NEW), strategy, [], mergeCtx);
    for (const field of ['DatabaseName', 'VersionId', 'CreateTime', 'UpdateTime', 'CatalogId', 'IsRegisteredWithLakeFormation']) {
      expect(merged).not.toHaveProperty(field);
    }
  });

  it('full replaces columns, description and our parameters', () => {
    const merged = mergeTableInput(currentTable(), build(changedAsset(), NEW), 'full', ['schema', 'content', 'metadata'], mergeCtx);
    expect(merged.Description).toBe('Orders (all) — Sales orders, all channels');
    expect(merged.StorageDescriptor?.Columns?.map((c) => [c.Name, c.Type, c.Comment])).toEqual([
      ['id', 'bigint', 'Order number'],
      ['amount', 'decimal(20,4)', 'Amount — Gross amount in document currency'],
      ['currency', 'varchar(5)', 'Currency'],
      ['region', 'varchar(3)', 'Region'],
    ]);
    expect(merged.Parameters?.['datasphere.tags']).toBe('["sales","finance"]');
    expect(merged.Parameters?.['datasphere.businessName']).toBe('Orders (all)');
  });

  it('full drops a column the source no longer has and our unknown keys', () => {
    const current = currentTable();
    current.Parameters = { ...current.Parameters, 'datasphere.retired': 'x' };
    const asset = makeAsset({ columns: makeAsset().columns.slice(0, 1) });
    const merged = mergeTableInput(current, build(asset, NEW), 'full', [], mergeCtx);
    expect(merged.StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual(['id']);
    expect(merged.Parameters).not.toHaveProperty('datasphere.retired');
  });

  it('delta changes the content fields and leaves columns untouched', () => {
    const current = currentTable();
    const merged = mergeTableInput(current, build(changedAsset(), NEW), 'delta', ['content'], mergeCtx);
    expect(merged.Description).toBe('Orders (all) — Sales orders, all channels');
    expect(merged.Parameters?.['datasphere.businessName']).toBe('Orders (all)');
    expect(merged.StorageDescriptor?.Columns).toEqual(current.StorageDescriptor?.Columns);
    // Metadata parameters are not the content facet's.
    expect(merged.Parameters?.['datasphere.tags']).toBe('["sales"]');
  });

  it('delta with a metadata facet also applies what metadata owns', () => {
    const current = currentTable();
    const merged = mergeTableInput(current, build(changedAsset(), NEW), 'delta', ['content', 'metadata'], mergeCtx);
    expect(merged.Parameters?.['datasphere.tags']).toBe('["sales","finance"]');
    const id = merged.StorageDescriptor?.Columns?.find((c) => c.Name === 'id');
    expect(id?.Comment).toBe('Order number');
    expect(merged.StorageDescriptor?.Columns?.map((c) => c.Type)).toEqual(current.StorageDescriptor?.Columns?.map((c) => c.Type));
  });

  it('metadata-only updates comments and metadata keys but keeps names, types and order', () => {
    const current = currentTable();
    const merged = mergeTableInput(current, build(changedAsset(), NEW), 'metadata-only', ['metadata'], mergeCtx);
    const columns = merged.StorageDescriptor?.Columns ?? [];
    expect(columns.map((c) => [c.Name, c.Type])).toEqual([
      ['id', 'bigint'],
      ['amount', 'decimal(15,2)'],
      ['currency', 'varchar(5)'],
    ]);
    expect(columns[0]?.Comment).toBe('Order number');
    expect(columns[0]?.Parameters).toMatchObject({ 'datasphere.label': 'Order number', 'pii.level': 'none' });
    // The new REGION column is not added, and the schema-owned key keeps the old type.
    expect(columns).toHaveLength(3);
    expect(columns[1]?.Parameters?.['datasphere.sourceType']).toBe('cds.Decimal(15,2)');
    expect(merged.Parameters?.['datasphere.tags']).toBe('["sales","finance"]');
    expect(merged.Description).toBe('Orders (all) — Sales orders, all channels');
  });

  it('metadata-only removes a comment and label the source dropped', () => {
    const base = makeAsset();
    const asset = makeAsset({ columns: base.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable, key: c.key })) });
    const merged = mergeTableInput(currentTable(), build(asset, NEW), 'metadata-only', ['metadata'], mergeCtx);
    const amount = merged.StorageDescriptor?.Columns?.find((c) => c.Name === 'amount');
    expect(amount).not.toHaveProperty('Comment');
    expect(amount?.Parameters).not.toHaveProperty('datasphere.label');
    expect(amount?.Parameters?.['datasphere.sourceType']).toBe('cds.Decimal(15,2)');
  });

  it('without a current table returns the desired input whatever the strategy', () => {
    const desired = build(changedAsset(), NEW);
    expect(mergeTableInput(undefined, desired, 'delta', ['content'], mergeCtx)).toEqual(desired);
  });

  it('is deterministic and idempotent', () => {
    const desired = build(changedAsset(), NEW);
    const once = mergeTableInput(currentTable(), desired, 'full', [], mergeCtx);
    const twice = mergeTableInput({ ...once, DatabaseName: 'ds_sales' }, desired, 'full', [], mergeCtx);
    expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
  });
});
