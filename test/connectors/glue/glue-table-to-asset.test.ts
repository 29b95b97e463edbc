import { describe, expect, it } from 'vitest';
import { glueTableToAsset } from '../../../src/connectors/glue/glue-table-to-asset.ts';
import { icebergTable, parquetTable, viewTable } from '../../support/glue-tables.ts';

/** A table as GetTables returns it: the input plus the read-only fields Glue adds. */
function asRead(input: object, version = '3') {
  return { ...input, DatabaseName: 'sales', CreateTime: new Date('2024-05-01T00:00:00Z'), UpdateTime: new Date('2024-05-02T00:00:00Z'), VersionId: version, IsRegisteredWithLakeFormation: false };
}

describe('glueTableToAsset', () => {
  it('keeps what the model knows in the asset and everything else in its native part, types unchanged', () => {
    const out = glueTableToAsset('sales', asRead(parquetTable('events')));
    if (!out.ok) throw new Error(out.error);
    const { asset } = out;
    expect(asset.id).toBe('sales/events');
    expect(asset.kind).toBe('table');
    expect(asset.description).toBe('Events of events');
    expect(asset.owner).toBe('data-platform');
    expect(asset.columns.map((c) => [c.name, c.type.name, c.description])).toEqual([
      ['event_id', 'bigint', 'Event identifier'],
      ['payload', 'struct<kind:string,attrs:map<string,string>>', undefined],
      ['amount', 'decimal(18,4)', 'Amount in EUR'],
      ['tags', 'array<string>', undefined],
    ]);
    expect(asset.glue?.partitionKeys).toEqual([{ name: 'dt', type: 'string', comment: 'Event date' }, { name: 'region', type: 'string' }]);
    expect(asset.glue?.storage).toMatchObject({ Location: 's3://producer-lake/events/events/', NumberOfBuckets: -1, Compressed: false });
    expect(asset.glue?.storage).not.toHaveProperty('Columns');
    expect(asset.glue?.storageParameters).toEqual({ classification: 'parquet', recordCount: '1200', averageRecordSize: '85' });
    expect(asset.glue?.columnParameters).toEqual({ amount: { pii: 'false' } });
    expect(asset.glue?.parameters['UPDATED_BY_CRAWLER']).toBe('events-crawler');
    expect(out.validator).toBe('glue-version:3');
    // Plain JSON only: the asset hashes and serialises the same everywhere.
    expect(JSON.parse(JSON.stringify(asset))).toEqual(asset);
  });

  it('an Iceberg table keeps table_type and metadata_location; a view is a view with its text', () => {
    const iceberg = glueTableToAsset('sales', asRead(icebergTable('orders')));
    const view = glueTableToAsset('sales', asRead(viewTable('v_one')));
    if (!iceberg.ok || !view.ok) throw new Error('not converted');
    expect(iceberg.asset.glue?.parameters).toMatchObject({ table_type: 'ICEBERG', metadata_location: expect.stringContaining('00042') });
    expect(view.asset.kind).toBe('view');
    expect(view.asset.glue).toMatchObject({ tableType: 'VIRTUAL_VIEW', viewOriginalText: expect.stringContaining('Presto View'), viewExpandedText: '/* Presto View */' });
  });

  it('leaves out the times Glue keeps by itself: a table that was only read again converts identically', () => {
    const first = glueTableToAsset('sales', asRead(parquetTable('events'), '3'));
    const again = glueTableToAsset('sales', { ...asRead(parquetTable('events'), '3'), UpdateTime: new Date(), LastAccessTime: new Date() });
    expect(again).toEqual(first);
  });

  it('a table the schema refuses is a failure of that table, with the reason', () => {
    const broken = parquetTable('broken');
    broken.StorageDescriptor!.Columns!.push({ Type: 'string' } as never);
    const out = glueTableToAsset('sales', asRead(broken));
    expect(out).toMatchObject({ ok: false, name: 'broken' });
    if (!out.ok) expect(out.error).toMatch(/StorageDescriptor\.Columns\.4\.Name/);
    const badParameter = glueTableToAsset('sales', asRead({ ...parquetTable('p'), Parameters: { n: 5 } }));
    expect(badParameter).toMatchObject({ ok: false, name: 'p' });
    const control = glueTableToAsset('sales', asRead({ ...parquetTable('x'), Name: 'bad\nname' }));
    expect(control).toMatchObject({ ok: false, error: expect.stringMatching(/control character/) });
  });
});
