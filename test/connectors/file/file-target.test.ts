import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Asset } from '../../../src/catalog/asset.ts';
import type { AssetHashes } from '../../../src/catalog/hashes.ts';
import type { WriteRequest } from '../../../src/catalog/target.ts';
import {
  ConcurrentModificationError,
  CorruptTableFileError,
  InvalidTableRefError,
  NotOwnedError,
} from '../../../src/connectors/file/file-target-errors.ts';
import { FileTarget } from '../../../src/connectors/file/file-target.ts';
import { jsonBytes } from '../../../src/connectors/file/json-bytes.ts';
import type { GlueTable } from '../../../src/mapping/glue-table.ts';
import { loadMapping } from '../../../src/mapping/load-mapping.ts';
import { toTableInput } from '../../../src/mapping/to-table-input.ts';
import type { Mapping } from '../../../src/mapping/load-mapping.ts';
import { makeAsset } from '../../support/make-asset.ts';

const H1: AssetHashes = { content: 'c1', schema: 's1', metadata: 'm1' };
const H2: AssetHashes = { content: 'c2', schema: 's1', metadata: 'm1' };

let mapping: Mapping;
let root: string;
let clock: Date;
beforeAll(async () => {
  mapping = await loadMapping();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'file-target-'));
  clock = new Date('2025-05-01T10:00:00.000Z');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function target(job = 'nightly'): FileTarget {
  return new FileTarget({ path: root, databasePrefix: 'ds_', job, mapping, now: () => clock });
}

function request(t: FileTarget, asset: Asset, overrides: Partial<WriteRequest> = {}): WriteRequest {
  return {
    asset,
    ref: t.resolve(asset),
    strategy: 'full',
    facets: ['content', 'schema', 'metadata'],
    hashes: H1,
    create: true,
    ...overrides,
  };
}

async function readTable(database: string, table: string): Promise<GlueTable> {
  return JSON.parse(await readFile(join(root, database, `${table}.json`), 'utf8')) as GlueTable;
}

async function writeForeignTable(database: string, table: GlueTable): Promise<void> {
  await mkdir(join(root, database), { recursive: true });
  await writeFile(join(root, database, `${table.Name}.json`), JSON.stringify(table));
}

describe('FileTarget', () => {
  it('resolves refs with the naming rules', () => {
    const t = target();
    expect(t.type).toBe('file');
    expect(t.resolve(makeAsset({ space: 'SALES', technicalName: 'Orders.V' }))).toEqual({
      database: 'ds_sales',
      table: 'orders_v',
    });
    expect(t.databaseFor('Finance-EU')).toBe('ds_finance_eu');
  });

  it('creates the database, then the table as Glue would hold it', async () => {
    const t = target();
    const asset = makeAsset();
    const result = await t.write(request(t, asset));
    const ref = { database: 'ds_sales', table: 'orders' };
    expect(result).toEqual({ ref, version: '1', storedBytes: expect.any(Number), fullWriteBytes: t.fullWriteBytes(asset, ref, H1), warnings: [] });

    const stored = await readTable('ds_sales', 'orders');
    expect(stored).toMatchObject({
      DatabaseName: 'ds_sales',
      Name: 'orders',
      TableType: 'EXTERNAL_TABLE',
      VersionId: '1',
      CreateTime: '2025-05-01T10:00:00.000Z',
      UpdateTime: '2025-05-01T10:00:00.000Z',
      Parameters: { 'catalog_sync.owner': 'nightly', 'catalog_sync.asset_id': 'SALES/Orders' },
    });
    expect(stored.StorageDescriptor?.Columns?.map((c) => c.Name)).toEqual(['id', 'amount', 'currency']);
    const database = JSON.parse(await readFile(join(root, 'ds_sales', '_database.json'), 'utf8')) as unknown;
    expect(database).toMatchObject({ Name: 'ds_sales', Parameters: { 'catalog_sync.owner': 'nightly' } });

    const traffic = t.traffic();
    expect(Object.keys(traffic.byOperation).sort()).toEqual(['CreateDatabase', 'CreateTable', 'GetTable']);
    expect(traffic.writes).toBe(2);
    // A create sends exactly the full-write baseline.
    expect(traffic.byOperation['CreateTable']?.bytesSent).toBe(t.fullWriteBytes(asset, result.ref, H1));
    // What Glue would hold: the table as stored, compact.
    expect(result.storedBytes).toBe(jsonBytes(stored));
    expect(await readdir(join(root, 'ds_sales'))).toEqual(['_database.json', 'orders.json']);
  });

  it('increments VersionId on every update and keeps CreateTime', async () => {
    const t = target();
    const asset = makeAsset();
    await t.write(request(t, asset));
    clock = new Date('2025-05-02T10:00:00.000Z');
    const second = await t.write(request(t, makeAsset({ description: 'Changed' }), { create: false, strategy: 'delta', facets: ['content'], hashes: H2 }));
    const secondStored = await readTable('ds_sales', 'orders');
    const third = await t.write(request(t, asset, { create: false, hashes: H1 }));
    expect([second.version, third.version]).toEqual(['2', '3']);
    const stored = await readTable('ds_sales', 'orders');
    expect(third.storedBytes).toBe(jsonBytes(stored));
    // The two UpdateTable bodies: the table input and the version it replaced.
    const body = (table: GlueTable, replaced: string) => ({ DatabaseName: 'ds_sales', TableInput: toTableInput(table), VersionId: replaced });
    expect(t.traffic().byOperation['UpdateTable']?.bytesSent).toBe(jsonBytes(body(secondStored, '1')) + jsonBytes(body(stored, '2')));
    expect(stored).toMatchObject({ VersionId: '3', CreateTime: '2025-05-01T10:00:00.000Z', UpdateTime: '2025-05-02T10:00:00.000Z' });
    expect(t.traffic().byOperation['UpdateTable']?.requests).toBe(2);
    expect(t.traffic().byOperation['CreateDatabase']?.requests).toBe(1);
  });

  it('readState returns owner, asset id, hashes and version; a missing database reads as empty', async () => {
    const writer = target();
    await writer.write(request(writer, makeAsset()));
    await writer.write(request(writer, makeAsset({ technicalName: 'Items' }), { hashes: H2 }));

    const reader = target();
    const state = await reader.readState(['ds_sales', 'ds_missing']);
    expect(state).toEqual([
      {
        ref: { database: 'ds_sales', table: 'items' },
        version: '1',
        owner: 'nightly',
        assetId: 'SALES/Items',
        hashes: H2,
        bytes: expect.any(Number),
      },
      {
        ref: { database: 'ds_sales', table: 'orders' },
        version: '1',
        owner: 'nightly',
        assetId: 'SALES/Orders',
        hashes: H1,
        bytes: expect.any(Number),
      },
    ]);
    const traffic = reader.traffic();
    expect(traffic.byOperation['GetTables']?.requests).toBe(2);
    expect(traffic.bytesReceived).toBeGreaterThan(0);
    expect(traffic.writes).toBe(0);
  });

  it('merges onto the current table: what others wrote survives an update', async () => {
    const t = target();
    await t.write(request(t, makeAsset()));
    const stored = await readTable('ds_sales', 'orders');
    stored.Parameters = { ...stored.Parameters, classification: 'parquet' };
    stored.StorageDescriptor = { ...stored.StorageDescriptor, Location: 's3://lake/orders/', SerdeInfo: { SerializationLibrary: 'parquet' } };
    await writeFile(join(root, 'ds_sales', 'orders.json'), JSON.stringify(stored));

    const next = target();
    await next.readState(['ds_sales']);
    const asset = makeAsset({ description: 'New text' });
    await next.write(request(next, asset, { create: false, strategy: 'delta', facets: ['content'], hashes: H2 }));
    const updated = await readTable('ds_sales', 'orders');
    expect(updated.Description).toBe('Orders — New text');
    expect(updated.Parameters).toMatchObject({ classification: 'parquet', 'catalog_sync.hash.content': 'c2' });
    expect(updated.StorageDescriptor).toMatchObject({ Location: 's3://lake/orders/', SerdeInfo: { SerializationLibrary: 'parquet' } });
    expect(updated.VersionId).toBe('2');
    expect(next.traffic().byOperation['GetTable']).toBeUndefined();
  });

  it('refuses to update or delete a table without our marker', async () => {
    const foreign: GlueTable = { Name: 'orders', DatabaseName: 'ds_sales', Parameters: { classification: 'csv' }, VersionId: '1' };
    await writeForeignTable('ds_sales', foreign);
    const before = await readFile(join(root, 'ds_sales', 'orders.json'), 'utf8');
    const t = target();
    await t.readState(['ds_sales']);

    await expect(t.write(request(t, makeAsset(), { create: false }))).rejects.toThrow(NotOwnedError);
    await expect(t.write(request(t, makeAsset(), { create: true }))).rejects.toThrow(/refusing to update ds_sales\.orders/);
    await expect(t.deprecate({ database: 'ds_sales', table: 'orders' }, '2025-01-01')).rejects.toThrow(NotOwnedError);
    const [outcome] = await t.delete([{ database: 'ds_sales', table: 'orders' }]);
    expect(outcome).toMatchObject({ ok: false, error: expect.stringContaining('no ownership marker') });
    expect(await readFile(join(root, 'ds_sales', 'orders.json'), 'utf8')).toBe(before);
    expect(t.traffic().writes).toBe(0);
  });

  it('refuses a table another job owns', async () => {
    const other = target('other-job');
    await other.write(request(other, makeAsset()));
    const t = target('nightly');
    await expect(t.write(request(t, makeAsset(), { create: false }))).rejects.toThrow(/owned by job "other-job"/);
    const [outcome] = await t.delete([{ database: 'ds_sales', table: 'orders' }]);
    expect(outcome?.ok).toBe(false);
  });

  it('deletes owned tables and reports missing ones as already gone', async () => {
    const t = target();
    await t.write(request(t, makeAsset()));
    await t.readState(['ds_sales']);
    const outcomes = await t.delete([
      { database: 'ds_sales', table: 'orders' },
      { database: 'ds_sales', table: 'nothing_here' },
      { database: 'ds_nowhere', table: 'orders' },
    ]);
    expect(outcomes).toEqual([
      { ref: { database: 'ds_sales', table: 'orders' }, ok: true },
      { ref: { database: 'ds_sales', table: 'nothing_here' }, ok: true, alreadyGone: true },
      { ref: { database: 'ds_nowhere', table: 'orders' }, ok: true, alreadyGone: true },
    ]);
    // The table file is gone; its last version is kept (as rollback's copy), in a folder listings skip.
    expect(await readdir(join(root, 'ds_sales'))).toEqual(['.versions', '_database.json']);
    expect(await readdir(join(root, 'ds_sales', '.versions', 'orders'))).toEqual(['1.json']);
    expect(t.traffic().byOperation['DeleteTable']?.requests).toBe(1);
    expect(await t.readState(['ds_sales'])).toEqual([]);
  });

  it('deprecate sets the marker and keeps everything else', async () => {
    const t = target();
    await t.write(request(t, makeAsset()));
    const before = await readTable('ds_sales', 'orders');
    const result = await t.deprecate({ database: 'ds_sales', table: 'orders' }, '2025-06-01T00:00:00.000Z');
    expect(result.version).toBe('2');
    const after = await readTable('ds_sales', 'orders');
    const { Parameters: p1, VersionId: v1, UpdateTime: u1, ...rest1 } = before;
    const { Parameters: p2, VersionId: v2, UpdateTime: u2, ...rest2 } = after;
    expect(rest2).toEqual(rest1);
    expect(p2).toEqual({ ...p1, 'catalog_sync.deprecated_at': '2025-06-01T00:00:00.000Z' });
    expect([v1, v2]).toEqual(['1', '2']);
    expect((await target().readState(['ds_sales']))[0]?.deprecatedAt).toBe('2025-06-01T00:00:00.000Z');
  });

  it('a later write of the asset clears the deprecation', async () => {
    const t = target();
    await t.write(request(t, makeAsset()));
    await t.deprecate({ database: 'ds_sales', table: 'orders' }, '2025-06-01T00:00:00.000Z');
    await t.write(request(t, makeAsset(), { create: false }));
    expect((await readTable('ds_sales', 'orders')).Parameters).not.toHaveProperty('catalog_sync.deprecated_at');
  });

  it('detects a change on disk since readState (optimistic concurrency)', async () => {
    const t = target();
    await t.write(request(t, makeAsset()));
    await t.readState(['ds_sales']);
    const stored = await readTable('ds_sales', 'orders');
    await writeFile(join(root, 'ds_sales', 'orders.json'), JSON.stringify({ ...stored, VersionId: '9' }));
    await expect(t.write(request(t, makeAsset(), { create: false }))).rejects.toThrow(ConcurrentModificationError);
  });

  it('treats a create of a table we already own as an update, with a warning', async () => {
    const t = target();
    await t.write(request(t, makeAsset()));
    const again = await target().write(request(t, makeAsset(), { create: true }));
    expect(again.version).toBe('2');
    expect(again.warnings).toEqual([expect.stringContaining('already existed')]);
  });

  it('rejects refs that are not normalised names', async () => {
    const t = target();
    await expect(t.write(request(t, makeAsset(), { ref: { database: '../etc', table: 'x' } }))).rejects.toThrow(InvalidTableRefError);
    await expect(t.write(request(t, makeAsset(), { ref: { database: 'ds_sales', table: '_database' } }))).rejects.toThrow(/reserves/);
    const [outcome] = await t.delete([{ database: 'ds_sales', table: 'A/B' }]);
    expect(outcome?.ok).toBe(false);
    await expect(t.readState(['../etc'])).rejects.toThrow(InvalidTableRefError);
  });

  it('reports a corrupt table file instead of reading past it', async () => {
    await mkdir(join(root, 'ds_sales'), { recursive: true });
    await writeFile(join(root, 'ds_sales', 'orders.json'), '{"Name": ');
    await expect(target().readState(['ds_sales'])).rejects.toThrow(CorruptTableFileError);
  });

  it('ignores temp files and counts GetTables in pages of 100', async () => {
    const t = target();
    for (let i = 0; i < 101; i += 1) {
      await t.write(request(t, makeAsset({ technicalName: `T${i}` })));
    }
    await writeFile(join(root, 'ds_sales', '.leftover.tmp'), 'x');
    const reader = target();
    expect(await reader.readState(['ds_sales'])).toHaveLength(101);
    expect(reader.traffic().byOperation['GetTables']?.requests).toBe(2);
    expect((await readdir(join(root, 'ds_sales'))).filter((f) => f.endsWith('.tmp'))).toEqual(['.leftover.tmp']);
  });
});
