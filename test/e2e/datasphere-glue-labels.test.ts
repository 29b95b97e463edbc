import { CreateDatabaseCommand, GetDatabaseCommand, GetTableCommand, UpdateDatabaseCommand } from '@aws-sdk/client-glue';
import type { GlueClient } from '@aws-sdk/client-glue';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../src/mapping/load-mapping.ts';
import { demoAssets, FakeTenant, salesAssets } from '../connectors/datasphere/fake-tenant.ts';
import type { FakeAsset } from '../connectors/datasphere/fake-tenant.ts';
import { makeSource } from '../connectors/datasphere/make-source.ts';
import { JOB, makeDirs, removeDirs, runEngine } from '../connectors/datasphere/run-engine.ts';
import type { EngineDirs } from '../connectors/datasphere/run-engine.ts';
import { motoEndpoint, otherTool, testGlueTarget, uniquePrefix } from '../setup/glue-test-support.ts';

/**
 * Labels where people read them, on a real Glue-compatible server (moto) from a nock-served Datasphere tenant: the
 * table Description says business name and description, the database Description the space's label — kept in step
 * when the label changes, with one UpdateDatabase and none when nothing changed, and never on a database that is
 * not this job's.
 */

let dirs: EngineDirs | undefined;
let mapping: Mapping;
let glue: GlueClient;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  mapping = await loadMapping();
  glue = otherTool(motoEndpoint());
});
afterAll(() => {
  glue.destroy();
  nock.enableNetConnect();
});
beforeEach(async () => {
  dirs = await makeDirs('ds-glue-labels-');
});
afterEach(async () => {
  nock.cleanAll();
  await removeDirs(dirs);
});

/** SALES with SalesOrders given a business name and a description in its CSN (the corpus files carry neither). */
function sales(): FakeAsset[] {
  return salesAssets().map((asset) => {
    if (asset.name !== 'SalesOrders' || asset.csn === undefined) return asset;
    const csn = JSON.parse(asset.csn) as { definitions: Record<string, Record<string, unknown>> };
    const entity = csn.definitions['SalesOrders'] as Record<string, unknown>;
    entity['@EndUserText.label'] = 'Sales Orders';
    entity['@EndUserText.quickInfo'] = 'Every sales order, all channels';
    return { ...asset, csn: JSON.stringify(csn) };
  });
}

function tenant(salesLabel: string): FakeTenant {
  const fake = new FakeTenant().addSpace('SALES', sales()).addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
  fake.spaceLabels.set('SALES', salesLabel);
  fake.spaceLabels.set('DEMO_SPACE', 'Demo content');
  return fake;
}

const ops = (summary: RunSummary): Record<string, number> =>
  Object.fromEntries(Object.entries(summary.traffic.target.byOperation).map(([op, f]) => [op, f.requests]));

describe('labels where Athena and the Glue console show them (Datasphere → Glue on moto)', () => {
  it('says them on the first sync, follows a label change with one UpdateDatabase, and leaves a foreign database alone', async () => {
    const prefix = uniquePrefix('labels');
    const salesDb = `${prefix}sales`;
    const demoDb = `${prefix}demo_space`;
    const target = () => testGlueTarget({ endpoint: motoEndpoint(), mapping, databasePrefix: prefix, job: JOB });
    const run = async (fake: FakeTenant, options: { dryRun?: boolean; refresh?: boolean } = {}) => {
      nock.cleanAll();
      fake.install();
      const t = target();
      try {
        return (await runEngine(makeSource(), dirs as EngineDirs, { target: t, ...options })).summary;
      } finally {
        await t.close();
      }
    };
    const database = async (name: string) => (await glue.send(new GetDatabaseCommand({ Name: name }))).Database;
    // DEMO_SPACE's database belongs to the lake team: our tables may go in, its definition stays theirs.
    const foreign = { Name: demoDb, Description: 'Curated by the lake team', Parameters: { team: 'lake' } };
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: foreign }));

    const first = await run(tenant('Sales & Distribution'));
    expect(first.status).toBe('ok');
    expect(first.changes.created).toBe(8);
    // One GetDatabase per labelled space tells what each needs: SALES is created with its label, DEMO_SPACE is foreign.
    expect(ops(first)).toMatchObject({ GetDatabase: 2, CreateDatabase: 1 });
    expect(ops(first)).not.toHaveProperty('UpdateDatabase');
    const created = await database(salesDb);
    expect(created?.Description).toBe('SAP Datasphere space Sales & Distribution (SALES)');
    expect(created?.Parameters).toEqual({ 'catalog_sync.owner': JOB, 'datasphere.space': 'SALES' });
    const orders = (await glue.send(new GetTableCommand({ DatabaseName: salesDb, Name: 'salesorders' }))).Table;
    expect(orders?.Description).toBe('Sales Orders — Every sales order, all channels');
    expect(orders?.Parameters?.['datasphere.businessName']).toBe('Sales Orders');
    // A table with a business name only says that.
    const view = (await glue.send(new GetTableCommand({ DatabaseName: salesDb, Name: 'salesorders_view' }))).Table;
    expect(view?.Description).toBe('SalesOrders_View');

    // Someone adds a parameter and a location to our database: an update of its Description keeps them.
    await glue.send(new UpdateDatabaseCommand({ Name: salesDb, DatabaseInput: { Name: salesDb, Description: created?.Description, LocationUri: 's3://lake/sales/', Parameters: { ...created?.Parameters, steward: 'ann' } } }));

    // A dry run shows nothing of it and writes nothing.
    const dry = await run(tenant('Sales (EMEA)'), { dryRun: true });
    expect(dry.traffic.target.writes).toBe(0);
    expect((await database(salesDb))?.Description).toBe('SAP Datasphere space Sales & Distribution (SALES)');

    // An incremental run that writes nothing sends the target nothing, not even a read of its databases: the new
    // label waits for the next run that writes in the space, or the next refresh.
    const quiet = await run(tenant('Sales (EMEA)'));
    expect(quiet.changes.unchanged).toBe(8);
    expect(ops(quiet)).toEqual({});
    expect((await database(salesDb))?.Description).toBe('SAP Datasphere space Sales & Distribution (SALES)');

    const relabelled = await run(tenant('Sales (EMEA)'), { refresh: true });
    expect(relabelled.status).toBe('ok');
    expect(relabelled.changes.unchanged).toBe(8);
    expect(ops(relabelled)).toMatchObject({ GetDatabase: 2, UpdateDatabase: 1 });
    expect(relabelled.traffic.target.writes).toBe(1);
    const updated = await database(salesDb);
    expect(updated).toMatchObject({
      Description: 'SAP Datasphere space Sales (EMEA) (SALES)',
      LocationUri: 's3://lake/sales/',
      Parameters: { 'catalog_sync.owner': JOB, 'datasphere.space': 'SALES', steward: 'ann' },
    });

    const unchanged = await run(tenant('Sales (EMEA)'));
    expect(unchanged.changes.unchanged).toBe(8);
    expect(ops(unchanged)).toEqual({});
    expect(unchanged.traffic.target.writes).toBe(0);

    // The lake team's database never moved, whatever DEMO_SPACE's label said.
    expect(await database(demoDb)).toMatchObject(foreign);
    expect(Object.keys((await database(demoDb))?.Parameters ?? {})).toEqual(['team']);
  });
});
