import { GetDatabaseCommand, GetTablesCommand } from '@aws-sdk/client-glue';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import type { GlueTable } from '../../src/mapping/glue-table.ts';
import { createGlueScenario, JOB } from './glue-scenario.ts';
import type { GlueScenario } from './glue-scenario.ts';

/** The corpus holds 19 definitions of space SALES (main objects and the dependencies exported with them). */
const ASSETS = 19;

let s: GlueScenario | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

async function scenario(label: string, options: { writeUnread?: boolean } = {}): Promise<GlueScenario> {
  s = await createGlueScenario(label, options);
  return s;
}

const ops = (summary: RunSummary): Record<string, number> =>
  Object.fromEntries(Object.entries(summary.traffic.target.byOperation).map(([op, f]) => [op, f.requests]));

function expectVerified(summary: RunSummary, count: number, readBack: number): void {
  expect(summary.verified).toEqual({ checked: count, matched: count, readBack });
}

async function allTables(sc: GlueScenario): Promise<Map<string, GlueTable>> {
  const out = await sc.other.send(new GetTablesCommand({ DatabaseName: sc.database }));
  return new Map((out.TableList ?? []).map((t) => [t.Name as string, t as unknown as GlueTable]));
}

/** A table without what every write changes (version, update time, our hashes). */
function stable(table: GlueTable | undefined): unknown {
  if (!table) return undefined;
  const { VersionId, UpdateTime, ...rest } = table;
  const params = Object.fromEntries(Object.entries(rest.Parameters ?? {}).filter(([k]) => !k.startsWith('catalog_sync.hash.')));
  return { ...rest, Parameters: params };
}

describe('Glue target against moto, driven by the engine over the CSN corpus', () => {
  it('creates every asset, verifies it, and an unchanged rerun makes no request at all', async () => {
    const sc = await scenario('create');
    const first = (await sc.run()).summary;
    expect(first.status).toBe('ok');
    expect(first.failed).toEqual([]);
    expect(first.changes.created).toBe(ASSETS);
    expect(first.strategies.full).toBe(ASSETS);
    // Creates come back without a version: all read back, by one listing (cheaper than 19 single reads).
    expectVerified(first, ASSETS, ASSETS);
    // One listing of the (still missing) database to plan on, the creates, one listing to verify.
    expect(ops(first)).toEqual({ GetTables: 2, CreateDatabase: 1, CreateTable: ASSETS });
    expect(first.traffic.target.writes).toBe(ASSETS + 1);
    // A first run is what a full run would be: it saves next to nothing.
    expect(Math.abs(first.savingsPercent)).toBeLessThan(10);

    const tables = await allTables(sc);
    expect(tables.size).toBe(ASSETS);
    for (const table of tables.values()) {
      expect(table.Parameters?.['catalog_sync.owner']).toBe(JOB);
      expect(table.Parameters?.['catalog_sync.hash.schema']).toMatch(/^[0-9a-f]{64}$/);
    }
    const database = await sc.other.send(new GetDatabaseCommand({ Name: sc.database }));
    expect(database.Database?.Parameters).toEqual({ 'catalog_sync.owner': JOB, 'datasphere.space': 'SALES' });
    const checkpoint = await sc.checkpoints();
    expect(checkpoint.all().map((e) => e.target.version)).toEqual(Array(ASSETS).fill('1'));

    const second = (await sc.run()).summary;
    expect(second.status).toBe('ok');
    expect(second.changes.unchanged).toBe(ASSETS);
    expect(second.traffic.target.requests).toBe(0);
    expect(second.drift).toEqual([]);
    // What it moved is the export files the source reads every run; a full run reads them too, and every table.
    expect(second.totalBytes).toBe(second.traffic.source.bytesReceived);
    expect(second.fullSyncBytes).toBeGreaterThan((second.totalBytes ?? 0) + ASSETS * 2_000);
  });

  it('a label change is one metadata-only UpdateTable that keeps everything else', async () => {
    const sc = await scenario('label');
    await sc.run();
    const before = await allTables(sc);
    await sc.edit('SalesOrders.json', 'SalesOrders', (e) => {
      (e.elements['SALESORDERID'] ?? {})['@EndUserText.label'] = 'Sales order number';
    });

    const summary = (await sc.run()).summary;
    expect(summary.status).toBe('ok');
    expect(summary.changes).toMatchObject({ metadataChanged: 1, unchanged: ASSETS - 1 });
    expect(summary.strategies.metadataOnly).toBe(1);
    // Our own table, as our last write left it: written without a read, conditional on the version recorded then;
    // and (SkipArchive) the run's one check that VersionId moves on.
    expect(ops(summary)).toEqual({ UpdateTable: 1, GetTable: 1 });
    expectVerified(summary, 1, 0);
    expect((await sc.checkpoints()).get('SALES/SalesOrders')?.target.version).toBe('2');

    const after = await allTables(sc);
    const changed = after.get('salesorders') as GlueTable;
    const old = before.get('salesorders') as GlueTable;
    expect(changed.VersionId).toBe('2');
    expect(changed.StorageDescriptor?.Columns?.[0]).toMatchObject({ Name: 'salesorderid', Type: 'bigint', Comment: 'Sales order number' });
    // Everything but that column's comment and label, and our metadata hash, is as it was.
    const strip = (t: GlueTable) => {
      const copy = structuredClone(stable(t)) as GlueTable;
      const column = copy.StorageDescriptor?.Columns?.[0];
      if (column) {
        delete column.Comment;
        delete column.Parameters?.['datasphere.label'];
      }
      return copy;
    };
    expect(strip(changed)).toEqual(strip(old));
    expect(changed.Parameters?.['catalog_sync.hash.schema']).toBe(old.Parameters?.['catalog_sync.hash.schema']);
    expect(changed.Parameters?.['catalog_sync.hash.metadata']).not.toBe(old.Parameters?.['catalog_sync.hash.metadata']);
    for (const [name, table] of after) if (name !== 'salesorders') expect(table).toEqual(before.get(name));
  });

  it('a type change is a full update; what another tool set survives and its change shows as drift', async () => {
    // moto ignores VersionId, so it would not refuse an unread write onto the other tool's change as Glue does
    // (that path is tested on the Glue protocol with nock): here the table is read before it is written.
    const sc = await scenario('type', { writeUnread: false });
    await sc.run();
    await sc.tamper('salesorders', (input) => ({
      ...input,
      Parameters: { ...input.Parameters, classification: 'parquet' },
      StorageDescriptor: { ...input.StorageDescriptor, Location: 's3://lake/sales/salesorders/' },
    }));
    await sc.edit('SalesOrders.json', 'SalesOrders', (e) => {
      e.elements['CREATEDBY'] = { type: 'cds.String', length: 12, '@EndUserText.label': 'CREATEDBY' };
    });

    const summary = (await sc.run()).summary;
    expect(summary.status).toBe('ok');
    expect(summary.changes.schemaChanged).toBe(1);
    expect(summary.strategies.full).toBe(1);
    expect(ops(summary)).toEqual({ GetTable: 2, UpdateTable: 1 });
    // The table about to be written was read: the other tool's change shows, and its version is recorded after ours.
    expect(summary.drift).toEqual([
      { assetId: 'SALES/SalesOrders', table: `${sc.database}.salesorders`, expectedVersion: '1', actualVersion: '2' },
    ]);
    expectVerified(summary, 1, 0);
    expect((await sc.checkpoints()).get('SALES/SalesOrders')?.target.version).toBe('3');
    const table = await sc.table('salesorders');
    expect(table.StorageDescriptor?.Columns?.find((c) => c.Name === 'createdby')?.Type).toBe('varchar(12)');
    expect(table.StorageDescriptor?.Location).toBe('s3://lake/sales/salesorders/');
    expect(table.Parameters?.['classification']).toBe('parquet');
  });

  it('a table changed by another tool between runs goes unseen by an incremental run; the refresh reports it as drift and rewrites it (source wins), then all is quiet', async () => {
    const sc = await scenario('drift');
    await sc.run();
    await sc.tamper('products', (input) => ({ ...input, Description: 'edited in the console', Parameters: { ...input.Parameters, steward: 'ann' } }));

    const incremental = (await sc.run()).summary;
    expect(incremental.drift).toEqual([]);
    expect(incremental.traffic.target.requests).toBe(0);

    const second = (await sc.run({ refresh: true })).summary;
    expect(second.drift).toEqual([{ assetId: 'SALES/Products', table: `${sc.database}.products`, expectedVersion: '1', actualVersion: '2' }]);
    expect(second.refresh).toEqual({ tables: ASSETS, drifted: [`${sc.database}.products`], missing: [], takenOver: [], untracked: [] });
    expect(ops(second)).toEqual({ GetTables: 1, UpdateTable: 1, GetTable: 1 });
    expect(second.traffic.target.refresh).toEqual(second.traffic.target.byOperation['GetTables']);
    expectVerified(second, 1, 0);
    const table = await sc.table('products');
    expect(table.Parameters?.['steward']).toBe('ann');
    expect(table.Description).not.toBe('edited in the console');

    const third = (await sc.run({ refresh: true })).summary;
    expect(third.drift).toEqual([]);
    expect(third.traffic.target.writes).toBe(0);
  });

  it('under conflicts.policy target-wins, drift is reported and the table left alone', async () => {
    const sc = await scenario('targetwins');
    await sc.run();
    await sc.tamper('products', (input) => ({ ...input, Description: 'edited in the console' }));
    const summary = (await sc.run({ conflictPolicy: 'target-wins', refresh: true })).summary;
    expect(summary.drift.map((d) => d.table)).toEqual([`${sc.database}.products`]);
    expect(summary.traffic.target.writes).toBe(0);
    expect((await sc.table('products')).Description).toBe('edited in the console');
  });

  it('an asset removed from the source is deleted (policy delete) with one BatchDeleteTable', async () => {
    const sc = await scenario('delete');
    await sc.run();
    await sc.removeFile('SalesOrders_Model.json');
    const summary = (await sc.run()).summary;
    expect(summary.status).toBe('ok');
    expect(summary.changes.deleted).toBe(1);
    expect(summary.traffic.target.byOperation['BatchDeleteTable']?.requests).toBe(1);
    const tables = await allTables(sc);
    expect(tables.has('salesorders_model')).toBe(false);
    expect(tables.size).toBe(ASSETS - 1);
    expect((await sc.checkpoints()).get('SALES/SalesOrders_Model')).toBeUndefined();
  });

  it('an asset removed from the source is marked deprecated (policy deprecate) and otherwise kept', async () => {
    const sc = await scenario('deprecate');
    await sc.run();
    const before = await sc.table('salesorders_model');
    await sc.removeFile('SalesOrders_Model.json');
    const deletion = { policy: 'deprecate' as const, maxCount: 50, maxPercent: 25 };
    const summary = (await sc.run({ deletion })).summary;
    expect(summary.status).toBe('ok');
    expect(summary.changes.deleted).toBe(1);
    expect(summary.traffic.target.byOperation['UpdateTable']?.requests).toBe(1);
    expect(summary.traffic.target.byOperation['BatchDeleteTable']).toBeUndefined();
    const after = await sc.table('salesorders_model');
    const at = after.Parameters?.['catalog_sync.deprecated_at'];
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(after.Parameters).toEqual({ ...before.Parameters, 'catalog_sync.deprecated_at': at });
    expect(after.StorageDescriptor).toEqual(before.StorageDescriptor);
    expect((await sc.checkpoints()).get('SALES/SalesOrders_Model')?.deprecatedAt).toBe(at);

    // Deprecated stays deprecated, and quiet, on the next run.
    const again = (await sc.run({ deletion })).summary;
    expect(again.traffic.target.writes).toBe(0);
  });
});
