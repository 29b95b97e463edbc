import { beforeAll, describe, expect, it } from 'vitest';
import type { Column } from '../../src/catalog/asset.ts';
import { buildTableInput, createTableRequestBytes } from '../../src/mapping/build-table-input.ts';
import type { GlueColumn } from '../../src/mapping/glue-table.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../src/mapping/load-mapping.ts';
import { makeAsset } from '../support/make-asset.ts';

const hashes = { content: 'c1', schema: 's1', metadata: 'm1' };
let mapping: Mapping;
beforeAll(async () => {
  mapping = await loadMapping();
});
const ctx = () => ({ job: 'nightly', hashes, databasePrefix: 'ds_', mapping });
const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');
const column = (overrides: Partial<Column> & { name: string }): Column => ({
  type: { name: 'cds.String', length: 10 },
  nullable: true,
  key: false,
  ...overrides,
});
const columnNamed = (columns: GlueColumn[] | undefined, name: string): GlueColumn | undefined =>
  columns?.find((c) => c.Name === name);

describe('buildTableInput', () => {
  it('builds the table this tool owns', () => {
    const { input, warnings } = buildTableInput(makeAsset(), ctx());
    expect(warnings).toEqual([]);
    expect(input.Name).toBe('orders');
    expect(input.Description).toBe('Orders — Sales orders');
    expect(input.TableType).toBe('EXTERNAL_TABLE');
    expect(input.Parameters).toMatchObject({
      'catalog_sync.owner': 'nightly',
      'catalog_sync.asset_id': 'SALES/Orders',
      'catalog_sync.asset_kind': 'table',
      'catalog_sync.mapping_version': '1',
      'catalog_sync.hash.content': 'c1',
      'catalog_sync.hash.schema': 's1',
      'catalog_sync.hash.metadata': 'm1',
      'datasphere.technicalName': 'Orders',
      'datasphere.businessName': 'Orders',
      'datasphere.owner': 'sales-team',
      'datasphere.primaryKey': 'id',
      'datasphere.tags': '["sales"]',
      'datasphere.measures': '[{"aggregation":"SUM","name":"AMOUNT"}]',
    });
    expect(input.Parameters).not.toHaveProperty('datasphere.dimensions');
    expect(Object.keys(input.Parameters ?? {})).toEqual(Object.keys(input.Parameters ?? {}).sort());
    expect(input.StorageDescriptor?.Columns?.map((c) => [c.Name, c.Type])).toEqual([
      ['id', 'bigint'],
      ['amount', 'decimal(15,2)'],
      ['currency', 'varchar(5)'],
    ]);
    expect(input.StorageDescriptor).toEqual({ Columns: expect.any(Array) });
  });

  it('writes column comment and column parameters', () => {
    const columns = buildTableInput(makeAsset(), ctx()).input.StorageDescriptor?.Columns;
    expect(columnNamed(columns, 'amount')).toEqual({
      Name: 'amount',
      Type: 'decimal(15,2)',
      Comment: 'Amount — Gross amount in document currency',
      Parameters: {
        'datasphere.description': 'Gross amount in document currency',
        'datasphere.key': 'false',
        'datasphere.label': 'Amount',
        'datasphere.nullable': 'true',
        'datasphere.sourceName': 'AMOUNT',
        'datasphere.sourceType': 'cds.Decimal(15,2)',
      },
    });
    expect(columnNamed(columns, 'currency')?.Parameters?.['datasphere.semantics']).toBe(
      '{"Semantics.currencyCode":true}',
    );
    expect(columnNamed(columns, 'id')?.Parameters?.['datasphere.key']).toBe('true');
  });

  it('is deterministic: same asset, byte-identical JSON', () => {
    const a = JSON.stringify(buildTableInput(makeAsset({ customProperties: { b: '2', a: '1' } }), ctx()));
    const b = JSON.stringify(buildTableInput(makeAsset({ customProperties: { a: '1', b: '2' } }), ctx()));
    expect(a).toBe(b);
    expect(a).toContain('"datasphere.custom.a":"1","datasphere.custom.b":"2"');
  });

  it('cuts a long comment to 255 bytes on one line and keeps the full text in Parameters', () => {
    const description = `First line\nsecond line ${'ü'.repeat(300)}`;
    const asset = makeAsset({ columns: [column({ name: 'note', label: 'Note', description })] });
    const { input, warnings } = buildTableInput(asset, ctx());
    const col = input.StorageDescriptor?.Columns?.[0];
    expect(utf8(col?.Comment ?? '')).toBeLessThanOrEqual(255);
    expect(col?.Comment).not.toMatch(/[\r\n]/);
    expect(col?.Comment?.startsWith('Note — First line second line')).toBe(true);
    expect(col?.Parameters?.['datasphere.comment']).toBe(`Note — ${description}`);
    expect(col?.Parameters?.['datasphere.description']).toBe(description);
    expect(warnings).toEqual([expect.stringMatching(/column note: comment cut/)]);
  });

  it('flattens a short multi-line comment without a warning, keeping the original text', () => {
    const asset = makeAsset({ columns: [column({ name: 'n', description: 'a\nb' })] });
    const { input, warnings } = buildTableInput(asset, ctx());
    expect(input.StorageDescriptor?.Columns?.[0]?.Comment).toBe('a b');
    expect(input.StorageDescriptor?.Columns?.[0]?.Parameters?.['datasphere.comment']).toBe('a\nb');
    expect(warnings).toEqual([]);
  });

  it('cuts a description over 2048 bytes and keeps the full text in Parameters', () => {
    const long = `${'d'.repeat(3000)}\nend`;
    const { input, warnings } = buildTableInput(makeAsset({ description: long }), ctx());
    expect(utf8(input.Description ?? '')).toBeLessThanOrEqual(2048);
    expect(input.Description?.startsWith('Orders — ddd')).toBe(true);
    expect(input.Description?.endsWith('…')).toBe(true);
    // The full text of the Description field: business name and description, as they would have read uncut.
    expect(input.Parameters?.['datasphere.description']).toBe(`Orders — ${long}`);
    expect(warnings).toEqual([expect.stringContaining('description cut from 3015 to 2048')]);
  });

  it('says the business name and the description, like a column comment says label and description', () => {
    const both = buildTableInput(makeAsset({ businessName: 'Sales Orders', description: 'Every order, all channels' }), ctx()).input;
    expect(both.Description).toBe('Sales Orders — Every order, all channels');
    expect(both.Parameters).not.toHaveProperty('datasphere.description');
    expect(both.Parameters?.['datasphere.businessName']).toBe('Sales Orders');
  });

  it('says a business name equal to the description once', () => {
    const { input } = buildTableInput(makeAsset({ businessName: 'Sales orders', description: 'Sales orders' }), ctx());
    expect(input.Description).toBe('Sales orders');
  });

  it('falls back to the business name when there is no description, and to the description when there is no name', () => {
    const named = buildTableInput(makeAsset({ description: undefined, businessName: 'Sales Orders' }), ctx()).input;
    expect(named.Description).toBe('Sales Orders');
    expect(named.Parameters).not.toHaveProperty('datasphere.description');
    const blankDescription = buildTableInput(makeAsset({ description: '  ', businessName: 'Sales Orders' }), ctx()).input;
    expect(blankDescription.Description).toBe('Sales Orders');
    const described = buildTableInput(makeAsset({ businessName: undefined, description: 'Every order' }), ctx()).input;
    expect(described.Description).toBe('Every order');
    const neither = buildTableInput(makeAsset({ businessName: ' ', description: undefined }), ctx()).input;
    expect(neither).not.toHaveProperty('Description');
  });

  it('keeps line breaks in the Description (Glue allows them there) and the original text beside it', () => {
    const { input, warnings } = buildTableInput(makeAsset({ businessName: 'Orders', description: 'line one\nline two\u0007' }), ctx());
    expect(input.Description).toBe('Orders — line one\nline two ');
    expect(input.Parameters?.['datasphere.description']).toBe('Orders — line one\nline two\u0007');
    expect(warnings).toEqual([]);
  });

  it('reports unknown types and counts fallbacks', () => {
    const asset = makeAsset({ columns: [column({ name: 'v', type: { name: 'cds.Vector' } })] });
    const built = buildTableInput(asset, { ...ctx(), mapping: { ...mapping, options: { ...mapping.options, fallbackType: 'binary' } } });
    expect(built.input.StorageDescriptor?.Columns?.[0]?.Type).toBe('binary');
    expect(built.fallbackTypes).toBe(1);
    expect(built.warnings).toEqual([expect.stringContaining('unknown source type cds.Vector')]);
  });

  it('keeps column names unique when two normalise alike', () => {
    const asset = makeAsset({ columns: [column({ name: 'A.B' }), column({ name: 'a_b' })], constraints: { primaryKey: ['a_b'], associations: [] } });
    const { input, warnings } = buildTableInput(asset, ctx());
    const names = input.StorageDescriptor?.Columns?.map((c) => c.Name) ?? [];
    expect(names[0]).toBe('a_b');
    expect(names[1]).toMatch(/^a_b_[0-9a-f]{8}$/);
    expect(input.Parameters?.['datasphere.primaryKey']).toBe(names[1]);
    expect(warnings).toEqual([expect.stringContaining('already taken')]);
  });

  it('uses the given ref for the name, the naming rules otherwise', () => {
    expect(buildTableInput(makeAsset(), { ...ctx(), ref: { database: 'x', table: 'other' } }).input.Name).toBe('other');
    const long = buildTableInput(makeAsset({ technicalName: 'T'.repeat(300) }), ctx());
    expect(long.input.Name).toHaveLength(255);
    expect(long.warnings).toEqual([expect.stringContaining('cut to 255')]);
  });

  it('createTableRequestBytes counts the CreateTable body', () => {
    const { input } = buildTableInput(makeAsset(), ctx());
    const ref = { database: 'ds_sales', table: 'orders' };
    expect(createTableRequestBytes(ref, input)).toBe(utf8(JSON.stringify({ DatabaseName: 'ds_sales', TableInput: input })));
  });
});
