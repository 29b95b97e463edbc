import { describe, expect, it } from 'vitest';
import { diffTableInput } from '../../src/mapping/diff-table-input.ts';
import type { GlueTableInput } from '../../src/mapping/glue-table.ts';

function table(overrides: Partial<GlueTableInput> = {}): GlueTableInput {
  return {
    Name: 'salesorders',
    Description: 'Sales orders',
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      'catalog_sync.owner': 'nightly',
      'catalog_sync.hash.metadata': 'm1',
      'datasphere.businessName': 'Sales orders',
      classification: 'parquet',
    },
    StorageDescriptor: {
      Columns: [
        { Name: 'salesorderid', Type: 'bigint', Comment: 'SALESORDERID', Parameters: { 'datasphere.label': 'SALESORDERID' } },
        { Name: 'netamount', Type: 'int', Comment: 'Net amount' },
        { Name: 'currency', Type: 'string' },
      ],
      Location: 's3://lake/sales/orders/',
    },
    ...overrides,
  };
}

function withColumns(columns: NonNullable<GlueTableInput['StorageDescriptor']>['Columns']): GlueTableInput {
  return table({ StorageDescriptor: { ...table().StorageDescriptor, Columns: columns } });
}

const columnsOf = (t: GlueTableInput) => structuredClone(t.StorageDescriptor?.Columns ?? []);

describe('diffTableInput', () => {
  it('finds nothing between equal tables', () => {
    expect(diffTableInput(table(), table())).toEqual([]);
  });

  it('shows a label change as the column comment and label parameter, quoted', () => {
    const columns = columnsOf(table());
    columns[0] = { ...columns[0]!, Comment: 'Sales order', Parameters: { 'datasphere.label': 'Sales order' } };
    expect(diffTableInput(table(), withColumns(columns))).toEqual([
      { path: 'column salesorderid comment', kind: 'changed', before: '"SALESORDERID"', after: '"Sales order"' },
      { path: 'column salesorderid parameter datasphere.label', kind: 'changed', before: '"SALESORDERID"', after: '"Sales order"' },
    ]);
  });

  it('shows a type change unquoted', () => {
    const columns = columnsOf(table());
    columns[1] = { ...columns[1]!, Type: 'bigint' };
    expect(diffTableInput(table(), withColumns(columns))).toEqual([
      { path: 'column netamount type', kind: 'changed', before: 'int', after: 'bigint' },
    ]);
  });

  it('shows an added column with its type and comment, at its place', () => {
    const columns = columnsOf(table());
    columns.splice(2, 0, { Name: 'taxamount', Type: 'decimal(15,2)', Comment: 'Tax' });
    expect(diffTableInput(table(), withColumns(columns))).toEqual([
      { path: 'column taxamount', kind: 'added', after: 'decimal(15,2) "Tax"' },
    ]);
  });

  it('shows a removed column with the type it had', () => {
    const columns = columnsOf(table()).filter((c) => c.Name !== 'netamount');
    expect(diffTableInput(table(), withColumns(columns))).toEqual([{ path: 'column netamount', kind: 'removed', before: 'int' }]);
  });

  it('matches columns by name whatever their case, and reports a reorder once', () => {
    const columns = columnsOf(table()).reverse().map((c) => ({ ...c, Name: c.Name.toUpperCase() }));
    expect(diffTableInput(table(), withColumns(columns))).toEqual([
      { path: 'column order', kind: 'changed', before: 'salesorderid, netamount, currency', after: 'currency, netamount, salesorderid' },
    ]);
  });

  it('shows changed, added and removed table parameters but not our bookkeeping', () => {
    const after = table({
      Parameters: {
        'catalog_sync.owner': 'nightly',
        'catalog_sync.hash.metadata': 'm2',
        'catalog_sync.asset_id': 'SALES/SalesOrders',
        'datasphere.businessName': 'Orders',
        'datasphere.tags': '["sales"]',
      },
    });
    expect(diffTableInput(table(), after)).toEqual([
      { path: 'parameter classification', kind: 'removed', before: '"parquet"' },
      { path: 'parameter datasphere.businessName', kind: 'changed', before: '"Sales orders"', after: '"Orders"' },
      { path: 'parameter datasphere.tags', kind: 'added', after: '"[\\"sales\\"]"' },
    ]);
  });

  it('shows the removal of a deprecation marker', () => {
    const before = table({ Parameters: { ...table().Parameters, 'catalog_sync.deprecated_at': '2024-03-01T00:00:00.000Z' } });
    expect(diffTableInput(before, table())).toEqual([
      { path: 'parameter catalog_sync.deprecated_at', kind: 'removed', before: '"2024-03-01T00:00:00.000Z"' },
    ]);
  });

  it('shows description, owner, partition keys and storage', () => {
    const after = table({
      Description: 'All sales orders',
      Owner: 'sales-team',
      PartitionKeys: [{ Name: 'year', Type: 'int' }],
      StorageDescriptor: {
        ...table().StorageDescriptor,
        Location: 's3://lake/sales/orders_v2/',
        SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
      },
    });
    expect(diffTableInput(table(), after)).toEqual([
      { path: 'description', kind: 'changed', before: '"Sales orders"', after: '"All sales orders"' },
      { path: 'owner', kind: 'added', after: '"sales-team"' },
      { path: 'partition key year', kind: 'added', after: 'int' },
      { path: 'storage location', kind: 'changed', before: '"s3://lake/sales/orders/"', after: '"s3://lake/sales/orders_v2/"' },
      { path: 'storage serde', kind: 'added', after: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
    ]);
  });

  it('cuts two long values around where they first differ', () => {
    const long = (tail: string) => `${'x'.repeat(200)}${tail}${'y'.repeat(200)}`;
    const before = table({ Parameters: { 'datasphere.dimensions': long('A') } });
    const after = table({ Parameters: { 'datasphere.dimensions': long('B') } });
    const [change] = diffTableInput(before, after);
    expect(change?.before).toMatch(/^"…x{12}Ay+…"$/);
    expect(change?.after).toMatch(/^"…x{12}By+…"$/);
    expect(change!.after!.length).toBeLessThanOrEqual(82);
  });

  it('lists a new table by its main fields', () => {
    expect(diffTableInput(undefined, table())).toEqual([
      { path: 'description', kind: 'added', after: '"Sales orders"' },
      { path: 'column salesorderid', kind: 'added', after: 'bigint "SALESORDERID"' },
      { path: 'column netamount', kind: 'added', after: 'int "Net amount"' },
      { path: 'column currency', kind: 'added', after: 'string' },
      { path: 'storage location', kind: 'added', after: '"s3://lake/sales/orders/"' },
    ]);
  });
});
