import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-glue';
import type { TableInput } from '@aws-sdk/client-glue';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import { createGlueScenario, JOB } from './glue-scenario.ts';
import type { GlueScenario } from './glue-scenario.ts';

/** The corpus holds 19 definitions of space SALES. */
const ASSETS = 19;

let s: GlueScenario | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

const ops = (summary: RunSummary): Record<string, number> =>
  Object.fromEntries(Object.entries(summary.traffic.target.byOperation).map(([op, f]) => [op, f.requests]));

describe('sync --refresh against moto', () => {
  it('finds a table edited, one deleted and one taken over behind our back, and a table of ours nobody knows; an incremental run sees none of it', async () => {
    s = await createGlueScenario('refresh');
    const sc = s;
    await sc.run();
    const db = sc.database;
    // Edited in the console: another description and a parameter of its own.
    await sc.tamper('products', (input) => ({ ...input, Description: 'edited in the console', Parameters: { ...input.Parameters, steward: 'ann' } }));
    // Deleted by someone.
    await sc.other.send(new DeleteTableCommand({ DatabaseName: db, Name: 'salesorders' }));
    // Taken over: the same name, now another team's table without our marker.
    const before = await sc.table('addresses');
    await sc.other.send(new DeleteTableCommand({ DatabaseName: db, Name: 'addresses' }));
    const theirs: TableInput = { Name: 'addresses', Description: 'the geo team owns this now', Parameters: { owner: 'geo-team' } };
    await sc.other.send(new CreateTableCommand({ DatabaseName: db, TableInput: theirs }));
    // A table carrying our marker that neither the source nor the checkpoint knows (a copy, a lost entry).
    await sc.other.send(
      new CreateTableCommand({ DatabaseName: db, TableInput: { Name: 'orphan', Parameters: { 'catalog_sync.owner': JOB } } }),
    );

    // An incremental run reads only what it writes: nothing changed in the source, so it reads and writes nothing.
    const quiet = (await sc.run()).summary;
    expect(quiet.status).toBe('ok');
    expect(quiet.traffic.target.requests).toBe(0);
    expect(quiet.drift).toEqual([]);
    expect(quiet.refresh).toBeUndefined();

    const refreshed = (await sc.run({ refresh: true })).summary;
    expect(refreshed.refresh).toEqual({
      tables: ASSETS, // one deleted, one orphan added, the taken-over one read as theirs
      drifted: [`${db}.products`],
      missing: [`${db}.salesorders`],
      takenOver: [`${db}.addresses`],
      untracked: [`${db}.orphan`],
    });
    expect(refreshed.drift).toEqual([{ assetId: 'SALES/Products', table: `${db}.products`, expectedVersion: '1', actualVersion: '2' }]);
    // Taken over is never touched, and counts as a failure of that asset: the run is partial (exit 3).
    expect(refreshed.status).toBe('partial');
    expect(refreshed.failed).toEqual([
      { assetId: 'SALES/Addresses', error: `table ${db}.addresses was taken over: it is now owned by no catalog-sync job; not touched` },
    ]);
    expect(refreshed.warnings.map((w) => w.message)).toContain(
      `refresh: ${db}.orphan carries this job's marker, but neither the source nor the checkpoint knows it; left as it is`,
    );
    // One listing for the refresh (its cost reported apart), the drifted table rewritten, the missing one recreated
    // and read back for its version.
    expect(refreshed.traffic.target.refresh).toEqual({ ...refreshed.traffic.target.byOperation['GetTables'], requests: 1 });
    expect(ops(refreshed)).toMatchObject({ UpdateTable: 1, CreateTable: 1 });

    const products = await sc.table('products');
    expect(products.Parameters?.['steward']).toBe('ann'); // their parameter survives the rewrite
    expect(products.Description).not.toBe('edited in the console');
    expect((await sc.table('salesorders')).Parameters?.['catalog_sync.owner']).toBe(JOB);
    expect((await sc.table('addresses')).Parameters).toEqual({ owner: 'geo-team' });
    expect(before.Parameters?.['catalog_sync.owner']).toBe(JOB);
    const checkpoint = await sc.checkpoints();
    expect(checkpoint.get('SALES/Products')?.target.version).toBe(products.VersionId);
    expect(checkpoint.get('SALES/SalesOrders')?.target.version).toBe((await sc.table('salesorders')).VersionId);

    // The next refresh finds only what is still wrong: the taken-over table, and the orphan.
    const again = (await sc.run({ refresh: true })).summary;
    expect(again.refresh).toMatchObject({ drifted: [], missing: [], takenOver: [`${db}.addresses`], untracked: [`${db}.orphan`] });
    expect(again.traffic.target.writes).toBe(0);
  });
});
