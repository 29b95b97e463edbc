import type { Asset, Column } from '../../src/catalog/asset.ts';

/** A small but complete asset for tests; override any field. */
export function makeAsset(overrides: Partial<Asset> & { technicalName?: string; space?: string } = {}): Asset {
  const space = overrides.space ?? 'SALES';
  const technicalName = overrides.technicalName ?? 'Orders';
  const columns: Column[] = overrides.columns ?? [
    { name: 'ID', type: { name: 'cds.Integer64' }, nullable: false, key: true, label: 'Order ID' },
    { name: 'AMOUNT', type: { name: 'cds.Decimal', precision: 15, scale: 2 }, nullable: true, key: false, label: 'Amount', description: 'Gross amount in document currency' },
    { name: 'CURRENCY', type: { name: 'cds.String', length: 5 }, nullable: true, key: false, label: 'Currency', semantics: { 'Semantics.currencyCode': true } },
  ];
  return {
    id: `${space}/${technicalName}`,
    space,
    technicalName,
    kind: 'table',
    businessName: 'Orders',
    description: 'Sales orders',
    owner: 'sales-team',
    columns,
    constraints: { primaryKey: ['ID'], associations: [] },
    businessContext: { tags: ['sales'], dimensions: [], measures: [{ name: 'AMOUNT', aggregation: 'SUM' }], hierarchies: [] },
    customProperties: {},
    ...overrides,
  };
}
