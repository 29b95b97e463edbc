import { describe, expect, it } from 'vitest';
import { deprecateTableInput } from '../../src/mapping/deprecate-table-input.ts';
import type { GlueTable } from '../../src/mapping/glue-table.ts';
import { isOwnedBy, readTargetTable } from '../../src/mapping/read-target-table.ts';

const table = (parameters: Record<string, string> | undefined, extra: Partial<GlueTable> = {}): GlueTable => ({
  Name: 'orders',
  DatabaseName: 'ds_sales',
  ...(parameters ? { Parameters: parameters } : {}),
  ...extra,
});

describe('readTargetTable', () => {
  it('reads owner, asset id, hashes, deprecation and version back', () => {
    const read = readTargetTable(
      table(
        {
          'catalog_sync.owner': 'nightly',
          'catalog_sync.asset_id': 'SALES/Orders',
          'catalog_sync.hash.content': 'c',
          'catalog_sync.hash.schema': 's',
          'catalog_sync.hash.metadata': 'm',
          'catalog_sync.deprecated_at': '2025-01-01T00:00:00Z',
          classification: 'parquet',
        },
        { VersionId: '4' },
      ),
    );
    expect(read).toEqual({
      ref: { database: 'ds_sales', table: 'orders' },
      version: '4',
      owner: 'nightly',
      assetId: 'SALES/Orders',
      hashes: { content: 'c', schema: 's', metadata: 'm' },
      deprecatedAt: '2025-01-01T00:00:00Z',
    });
  });

  it('reads a foreign table as unowned, with no undefined fields', () => {
    const read = readTargetTable(table(undefined));
    expect(read).toEqual({ ref: { database: 'ds_sales', table: 'orders' } });
    expect(Object.keys(read)).toEqual(['ref']);
  });

  it('ignores an incomplete set of hashes', () => {
    const read = readTargetTable(table({ 'catalog_sync.owner': 'j', 'catalog_sync.hash.content': 'c' }));
    expect(read.hashes).toBeUndefined();
    expect(read.owner).toBe('j');
  });

  it('isOwnedBy compares the marker with the job', () => {
    expect(isOwnedBy(table({ 'catalog_sync.owner': 'nightly' }), 'nightly')).toBe(true);
    expect(isOwnedBy(table({ 'catalog_sync.owner': 'other' }), 'nightly')).toBe(false);
    expect(isOwnedBy(table(undefined), 'nightly')).toBe(false);
  });
});

describe('deprecateTableInput', () => {
  it('adds the marker, keeps everything else, drops read-only fields', () => {
    const current = table(
      { 'catalog_sync.owner': 'nightly', zeta: '1' },
      { VersionId: '3', Description: 'd', StorageDescriptor: { Location: 's3://x/', Columns: [{ Name: 'a', Type: 'int' }] } },
    );
    const input = deprecateTableInput(current, '2025-06-01T00:00:00.000Z');
    expect(input).toEqual({
      Name: 'orders',
      Description: 'd',
      Parameters: { 'catalog_sync.deprecated_at': '2025-06-01T00:00:00.000Z', 'catalog_sync.owner': 'nightly', zeta: '1' },
      StorageDescriptor: { Location: 's3://x/', Columns: [{ Name: 'a', Type: 'int' }] },
    });
    expect(current.Parameters).not.toHaveProperty('catalog_sync.deprecated_at');
  });
});
