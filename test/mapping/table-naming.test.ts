import { describe, expect, it } from 'vitest';
import { databaseName, findCollisions, normalizeGlueName, resolveTableRef } from '../../src/mapping/table-naming.ts';

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('normalizeGlueName', () => {
  it('lowercases and replaces everything outside [a-z0-9_]', () => {
    expect(normalizeGlueName('SAP.TIME.VIEW_DIMENSION_DAY').name).toBe('sap_time_view_dimension_day');
    expect(normalizeGlueName('/BIC/Sales-Order 2').name).toBe('_bic_sales_order_2');
    // One replacement per code point, astral ones included.
    expect(normalizeGlueName('Straße😀').name).toBe('stra_e_');
  });

  it('leaves a valid name alone and warns only when it must', () => {
    expect(normalizeGlueName('orders_2024')).toEqual({ name: 'orders_2024', warnings: [] });
    expect(normalizeGlueName('')).toMatchObject({ name: '_', warnings: [expect.stringContaining('empty')] });
  });

  it('cuts at 255 bytes with a hash suffix that differs between long names', () => {
    const stem = 'A'.repeat(300);
    const a = normalizeGlueName(`${stem}_ONE`);
    const b = normalizeGlueName(`${stem}_TWO`);
    expect(utf8(a.name)).toBe(255);
    expect(utf8(b.name)).toBe(255);
    expect(a.name).not.toBe(b.name);
    expect(a.name.slice(0, 246)).toBe(b.name.slice(0, 246));
    expect(a.name).toMatch(/^a{246}_[0-9a-f]{8}$/);
    expect(a.warnings).toEqual([expect.stringContaining('cut to 255')]);
    // Stable: the same input always gives the same name.
    expect(normalizeGlueName(`${stem}_ONE`).name).toBe(a.name);
  });

  it('keeps a name of exactly 255 bytes', () => {
    expect(normalizeGlueName('x'.repeat(255))).toEqual({ name: 'x'.repeat(255), warnings: [] });
  });
});

describe('resolveTableRef / databaseName', () => {
  it('maps a space to <prefix><space> and the technical name to the table', () => {
    expect(resolveTableRef({ space: 'SALES-EU', technicalName: 'Orders.View' }, { databasePrefix: 'ds_' })).toEqual({
      database: 'ds_sales_eu',
      table: 'orders_view',
    });
    expect(databaseName('Finance', 'DWC.')).toBe('dwc_finance');
  });
});

describe('findCollisions', () => {
  it('groups distinct asset ids that land on the same table', () => {
    const ref = (table: string) => ({ database: 'ds_s', table });
    const collisions = findCollisions([
      { assetId: 'S/Orders', ref: ref('orders') },
      { assetId: 'S/ORDERS', ref: ref('orders') },
      { assetId: 'S/Items', ref: ref('items') },
      { assetId: 'S/A.B', ref: ref('a_b') },
      { assetId: 'S/A_B', ref: ref('a_b') },
      { assetId: 'S/A_B', ref: ref('a_b') },
    ]);
    expect(collisions).toEqual([
      { ref: ref('a_b'), assetIds: ['S/A.B', 'S/A_B'] },
      { ref: ref('orders'), assetIds: ['S/ORDERS', 'S/Orders'] },
    ]);
  });

  it('finds nothing when every ref is unique, or an asset is listed twice', () => {
    const ref = { database: 'd', table: 't' };
    expect(findCollisions([{ assetId: 'a', ref }, { assetId: 'a', ref }])).toEqual([]);
    expect(findCollisions([{ assetId: 'a', ref }, { assetId: 'b', ref: { database: 'e', table: 't' } }])).toEqual([]);
  });
});
