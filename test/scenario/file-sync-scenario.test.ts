import { readFile, writeFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DriftError, GuardError } from '../../src/engine/engine-errors.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import type { FileScenario } from '../support/file-scenario.ts';
import { createFileScenario } from '../support/file-scenario.ts';

const DB = 'ds_sales';
let s: FileScenario;

beforeEach(async () => {
  s = await createFileScenario();
});
afterEach(async () => {
  await s.cleanup();
});

describe('file target scenario over the example export', () => {
  it('creates every asset on the first run and writes nothing on the second', async () => {
    const first = (await s.run()).summary;
    const tables = await s.tableNames(DB);
    expect(tables.length).toBeGreaterThan(3);
    expect(first.changes.created).toBe(tables.length);
    expect(first.strategies.full).toBe(tables.length);
    expect(first.status).toBe('ok');
    // The file target reports the version of each write it stores: nothing needs reading back.
    expect(first.verified).toEqual({ checked: tables.length, matched: tables.length, readBack: 0 });

    const second = (await s.run()).summary;
    expect(second.changes.unchanged).toBe(tables.length);
    expect(second.traffic.target.writes).toBe(0);
    expect(second.strategies.skipped).toBe(tables.length);
    // Nothing written, nothing read from the target: the rerun's bytes are the export files the source reads every
    // run, which a full run reads as well, besides reading and writing every table.
    expect(second.traffic.target.requests).toBe(0);
    expect(second.totalBytes).toBe(second.traffic.source.bytesReceived);
    expect(second.savingsPercent).toBeGreaterThan(0);
    expect(second.savingsPercent).toBeCloseTo((1 - (second.totalBytes ?? 0) / second.fullSyncBytes) * 100, 0);
    for (const t of tables) expect((await s.readTable(DB, t)).VersionId).toBe('1');
  });

  it('turns a changed label into exactly one metadata-only update that keeps everything else', async () => {
    await s.run();
    const before = await s.readTable(DB, 'salesorders_model');
    await s.editExport('SalesOrders_Model.json', (doc) => {
      doc.definitions.SalesOrders_Model.elements.GROSSAMOUNT['@EndUserText.label'] = 'Gross Amount (EUR)';
    });
    const { summary } = await s.run();
    expect(summary.changes.metadataChanged).toBe(1);
    expect(summary.strategies).toMatchObject({ full: 0, delta: 0, metadataOnly: 1 });
    expect(summary.traffic.target.writes).toBe(1);
    const after = await s.readTable(DB, 'salesorders_model');
    expect(after.VersionId).toBe('2');
    const col = after.StorageDescriptor.Columns.find((c: any) => c.Name === 'grossamount');
    expect(col.Comment).toContain('Gross Amount (EUR)');
    expect(after.StorageDescriptor.Columns.map((c: any) => [c.Name, c.Type])).toEqual(
      before.StorageDescriptor.Columns.map((c: any) => [c.Name, c.Type]),
    );
  });

  it('rewrites a table in full when a column type changes', async () => {
    await s.run();
    await s.editExport('SalesOrders.json', (doc) => {
      doc.definitions.SalesOrders.elements.NOTEID = { ...doc.definitions.SalesOrders.elements.NOTEID, type: 'cds.Integer64' };
      delete doc.definitions.SalesOrders.elements.NOTEID.length;
    });
    const { summary } = await s.run();
    expect(summary.changes.schemaChanged).toBe(1);
    expect(summary.strategies.full).toBe(1);
    const table = await s.readTable(DB, 'salesorders');
    expect(table.StorageDescriptor.Columns.find((c: any) => c.Name === 'noteid').Type).toBe('bigint');
  });

  it('applies a changed description as a delta', async () => {
    await s.run();
    await s.editExport('SalesOrders_View.json', (doc) => {
      doc.definitions.SalesOrders_View['@EndUserText.label'] = 'Sales Orders (fact)';
    });
    const { summary } = await s.run();
    expect(summary.changes.modified).toBe(1);
    expect(summary.strategies.delta).toBe(1);
    expect((await s.readTable(DB, 'salesorders_view')).Parameters['datasphere.businessName']).toBe('Sales Orders (fact)');
  });

  it('keeps a parameter and a Location written by someone else through every kind of update', async () => {
    await s.run();
    const table = await s.readTable(DB, 'salesorders_model');
    table.Parameters['crawler.classification'] = 'parquet';
    table.StorageDescriptor.Location = 's3://lake/sales/orders_model/';
    await s.writeTable(DB, 'salesorders_model', table);

    await s.editExport('SalesOrders_Model.json', (doc) => {
      doc.definitions.SalesOrders_Model.elements.GROSSAMOUNT['@EndUserText.label'] = 'Gross (metadata)';
    });
    await s.run();
    await s.editExport('SalesOrders_Model.json', (doc) => {
      doc.definitions.SalesOrders_Model['@EndUserText.label'] = 'Model (content)';
    });
    await s.run();
    await s.run({ mode: 'full' });
    const after = await s.readTable(DB, 'salesorders_model');
    expect(after.Parameters['crawler.classification']).toBe('parquet');
    expect(after.StorageDescriptor.Location).toBe('s3://lake/sales/orders_model/');
    expect(after.Parameters['datasphere.businessName']).toBe('Model (content)');
  });

  it('deletes the table of a removed object by default, deprecates or only logs by policy', async () => {
    await s.run();
    const remove = async () => {
      const { rm } = await import('node:fs/promises');
      await rm(path.join(s.exportDir, 'Addresses_View_GEO.json'));
      // The object is also a dependency in other export files: drop it there too so it really is gone.
      for (const f of await readdir(s.exportDir)) {
        if (!f.endsWith('.json')) continue;
        await s.editExport(f, (doc) => {
          delete doc.definitions.Addresses_View_GEO;
        });
      }
    };
    await remove();
    const logged = (await s.run({ deletion: { policy: 'log', maxCount: 50, maxPercent: 100 } })).summary;
    expect(logged.changes.deleted).toBe(1);
    expect(await s.tableNames(DB)).toContain('addresses_view_geo');

    const deprecated = (await s.run({ deletion: { policy: 'deprecate', maxCount: 50, maxPercent: 100 } })).summary;
    expect(deprecated.strategies.deletion).toBe(1);
    expect((await s.readTable(DB, 'addresses_view_geo')).Parameters['catalog_sync.deprecated_at']).toMatch(/^\d{4}-/);
    // Already deprecated: not reported as a deletion again.
    expect((await s.run({ deletion: { policy: 'deprecate', maxCount: 50, maxPercent: 100 } })).summary.changes.deleted).toBe(0);

    const s2 = await createFileScenario();
    try {
      await s2.run();
      const { rm } = await import('node:fs/promises');
      await rm(path.join(s2.exportDir, 'Addresses_View_GEO.json'));
      for (const f of await readdir(s2.exportDir)) {
        if (f.endsWith('.json')) await s2.editExport(f, (doc) => delete doc.definitions.Addresses_View_GEO);
      }
      const deleted = (await s2.run()).summary;
      expect(deleted.strategies.deletion).toBe(1);
      expect(await s2.tableNames(DB)).not.toContain('addresses_view_geo');
      const store = await openCheckpointStore({ dir: s2.checkpointDir, sourceSystem: 'datasphere', flushEvery: 1, backups: { keep: 5, maxAgeDays: 0 } });
      expect(store.get('SALES/Addresses_View_GEO')).toBeUndefined();
    } finally {
      await s2.cleanup();
    }
  });

  it('stops before deleting anything when the max-delete guard trips, and --force overrides', async () => {
    await s.run();
    const tablesBefore = await s.tableNames(DB);
    await s.editExport('SalesOrders_Model.json', (doc) => {
      delete doc.definitions.SalesOrders_Model;
    });
    const { rm } = await import('node:fs/promises');
    await rm(path.join(s.exportDir, 'SalesOrders_Model.json'));
    const byCount = await s.run({ deletion: { policy: 'delete', maxCount: 0, maxPercent: 100 } });
    expect(byCount.stoppedBy).toBeInstanceOf(GuardError);
    expect(byCount.summary).toMatchObject({ status: 'guard-stopped', guard: { code: 'GUARD_STOPPED', wouldStop: false } });
    expect(byCount.summary.actions.find((a) => a.action === 'delete')?.outcome).toBe('not-started');
    expect((await s.run({ deletion: { policy: 'delete', maxCount: 50, maxPercent: 10 } })).stoppedBy?.message).toMatch(/maxPercent/);
    // A dry-run goes all the way through, counts the deletion and says the guard would stop the real run.
    const dry = await s.run({ deletion: { policy: 'delete', maxCount: 0, maxPercent: 100 }, dryRun: true });
    expect(dry.stoppedBy).toBeUndefined();
    expect(dry.summary).toMatchObject({ status: 'ok', strategies: { deletion: 1 }, guard: { code: 'GUARD_STOPPED', wouldStop: true } });
    expect(dry.summary.actions.find((a) => a.action === 'delete')?.outcome).toBe('planned');
    expect(await s.tableNames(DB)).toEqual(tablesBefore);
    const forced = (await s.run({ deletion: { policy: 'delete', maxCount: 0, maxPercent: 10 }, force: true })).summary;
    expect(forced.strategies.deletion).toBe(1);
    expect(await s.tableNames(DB)).toHaveLength(tablesBefore.length - 1);
  });

  it('refuses to delete a whole space that suddenly lists nothing, unless forced', async () => {
    await s.run();
    for (const f of await readdir(s.exportDir)) if (f.endsWith('.json')) await writeFile(path.join(s.exportDir, f), JSON.stringify({ definitions: {} }));
    expect((await s.run()).stoppedBy?.message).toMatch(/listed no assets/);
    expect((await s.tableNames(DB)).length).toBeGreaterThan(0);
  });

  it('writes nothing in a dry-run but still counts what it would do, deletions included', async () => {
    const dry = (await s.run({ dryRun: true })).summary;
    expect(dry.dryRun).toBe(true);
    expect(dry.strategies.full).toBeGreaterThan(0);
    expect(dry.traffic.target.writes).toBe(0);
    expect(await s.tableNames(DB)).toEqual([]);
    expect(await readdir(s.checkpointDir).catch(() => [])).not.toContain('datasphere_checkpoints.json');

    await s.run();
    const { rm } = await import('node:fs/promises');
    await rm(path.join(s.exportDir, 'SalesOrders_Model.json'));
    const dryDelete = (await s.run({ dryRun: true })).summary;
    expect(dryDelete.strategies.deletion).toBe(1);
    expect(await s.tableNames(DB)).toContain('salesorders_model');
  });

  it('never touches a table that lacks our ownership marker', async () => {
    await s.run();
    const table = await s.readTable(DB, 'salesorders');
    delete table.Parameters['catalog_sync.owner'];
    await s.writeTable(DB, 'salesorders', table);
    await s.editExport('SalesOrders.json', (doc) => {
      doc.definitions.SalesOrders['@EndUserText.label'] = 'Changed';
    });
    const { summary } = await s.run();
    expect(summary.status).toBe('partial');
    expect(summary.failed.map((f) => f.assetId)).toEqual(['SALES/SalesOrders']);
    expect((await s.readTable(DB, 'salesorders')).Parameters['datasphere.businessName']).not.toBe('Changed');
  });

  it('recovers a corrupted checkpoint from its latest backup', async () => {
    await s.run();
    await s.editExport('SalesOrders_Model.json', (doc) => {
      doc.definitions.SalesOrders_Model['@EndUserText.label'] = 'v2';
    });
    await s.run(); // second write of the checkpoint: the first version is now a backup
    const file = path.join(s.checkpointDir, 'datasphere_checkpoints.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
    const { summary } = await s.run();
    // The backup predates the v2 write, so that asset is seen as modified again; the table already holds
    // those hashes, so it is only recorded — no write, no duplicate.
    expect(summary.traffic.target.writes).toBe(0);
    expect(summary.status).toBe('ok');
    expect((await readdir(s.checkpointDir)).some((f) => f.includes('corrupt'))).toBe(true);
  });

  it('rebuilds a lost checkpoint from the target without rewriting anything', async () => {
    await s.run();
    const { rm } = await import('node:fs/promises');
    await rm(s.checkpointDir, { recursive: true });
    const { summary } = await s.run();
    expect(summary.changes.created).toBeGreaterThan(0);
    expect(summary.traffic.target.writes).toBe(0);
    expect((await s.run()).summary.changes.created).toBe(0);
  });

  it('a refresh stops before writing anything when a table drifted and conflicts.policy is fail', async () => {
    await s.run();
    const table = await s.readTable(DB, 'salesorders');
    await s.writeTable(DB, 'salesorders', { ...table, VersionId: '7', Parameters: { ...table.Parameters, 'steward.note': 'edited by hand' } });
    await s.editExport('SalesOrders_Model.json', (doc) => {
      doc.definitions.SalesOrders_Model['@EndUserText.label'] = 'changed meanwhile';
    });
    const before = await s.readTable(DB, 'salesorders_model');
    // An incremental run reads only the table it writes: the hand edit of an unchanged table goes unseen.
    const quiet = await s.run({ conflictPolicy: 'fail', dryRun: true });
    expect(quiet.summary.drift).toEqual([]);
    const stopped = await s.run({ conflictPolicy: 'fail', refresh: true });
    expect(stopped.stoppedBy).toBeInstanceOf(DriftError);
    expect(stopped.summary.guard?.code).toBe('TARGET_DRIFT');
    expect(await s.readTable(DB, 'salesorders_model')).toEqual(before);
    const { summary } = await s.run({ refresh: true });
    expect(summary.drift.map((d) => d.table)).toEqual(['ds_sales.salesorders']);
    expect((await s.readTable(DB, 'salesorders')).Parameters['steward.note']).toBe('edited by hand');
  });
});
