import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { decodeValidator } from '../../src/connectors/datasphere/asset-validator.ts';
import { DAY, demoAssets, FakeTenant, salesAssets } from '../connectors/datasphere/fake-tenant.ts';
import { makeSource } from '../connectors/datasphere/make-source.ts';
import { makeDirs, removeDirs, runEngine } from '../connectors/datasphere/run-engine.ts';
import type { EngineDirs } from '../connectors/datasphere/run-engine.ts';

/** Definition downloads (CSN objects and $metadata), as opposed to listings and tokens. */
const DEFINITION = /dwaas-core\/api\/v1\/spaces\/[^/]+\/[a-z]+\/[^/?]+$|\$metadata$/;

let dirs: EngineDirs | undefined;

beforeAll(() => {
  nock.disableNetConnect();
});

beforeEach(async () => {
  dirs = await makeDirs('ds-sync-');
});

afterEach(async () => {
  nock.cleanAll();
  await removeDirs(dirs);
});

function tenant(): FakeTenant {
  const fake = new FakeTenant().addSpace('SALES', salesAssets()).addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
  fake.install();
  return fake;
}

describe('a nock-served Datasphere tenant synced end to end into the file target', () => {
  it('creates every asset, from CSN where it can and EDMX where it must, and records how', async () => {
    const fake = tenant();
    const { summary, checkpoints } = await runEngine(makeSource(), dirs as EngineDirs);

    expect(summary.status).toBe('ok');
    expect(summary.source).toEqual({ type: 'datasphere', spaces: ['DEMO_SPACE', 'SALES'], incompleteSpaces: [] });
    expect(summary.changes.created).toBe(8);
    expect(summary.failed).toEqual([]);
    expect(summary.verified).toEqual({ checked: 8, matched: 8, readBack: 0 }); // the file target reports each version
    expect(summary.traffic.source.requests).toBe(fake.requests.length);
    expect(summary.traffic.source.bytesReceived).toBeGreaterThan(300_000);

    const sales = (await readdir(path.join((dirs as EngineDirs).target, 'ds_sales'))).filter((f) => !f.startsWith('_'));
    expect(sales).toHaveLength(7);
    const day = JSON.parse(await readFile(path.join((dirs as EngineDirs).target, 'ds_demo_space', 'sap_time_view_dimension_day.json'), 'utf8')) as {
      StorageDescriptor: { Columns: Array<{ Name: string; Type: string }> };
      Parameters: Record<string, string>;
    };
    expect(day.StorageDescriptor.Columns.slice(0, 2)).toMatchObject([{ Name: 'date_sql', Type: 'date' }, { Name: 'date_sap', Type: 'varchar(8)' }]);
    // The format is a fact about this run's extraction, not about the asset: it stays out of the table and hashes.
    expect(day.Parameters['datasphere.custom.definitionFormat']).toBeUndefined();

    const entry = checkpoints.get(`DEMO_SPACE/${DAY}`);
    expect(entry?.definitionFormat).toBe('edmx');
    expect(decodeValidator(entry?.validator)).toMatchObject({ format: 'edmx', etag: expect.stringMatching(/^W\//) });
    const view = checkpoints.get('SALES/SalesOrders_View');
    expect(view?.definitionFormat).toBe('csn');
    expect(decodeValidator(view?.validator)).toMatchObject({ format: 'csn', type: 'views' });
  });

  it('reruns unchanged on 304s: nothing downloaded, nothing written, everything UNCHANGED', async () => {
    const fake = tenant();
    const first = await runEngine(makeSource(), dirs as EngineDirs);
    const before = fake.requests.length;

    const second = await runEngine(makeSource(), dirs as EngineDirs);
    const rerun = fake.requests.slice(before);

    expect(second.summary.status).toBe('ok');
    expect(second.summary.changes).toEqual({ created: 0, modified: 0, schemaChanged: 0, metadataChanged: 0, deleted: 0, unchanged: 8 });
    expect(second.summary.traffic.target.writes).toBe(0);
    const definitions = rerun.filter((r) => DEFINITION.test(r.path));
    expect(definitions).toHaveLength(8);
    expect(definitions.every((r) => r.conditional && r.status === 304)).toBe(true);
    expect(second.summary.traffic.source.bytesReceived).toBeLessThan(first.summary.traffic.source.bytesReceived / 20);
  });

  it('downloads and writes again only the asset that changed', async () => {
    const fake = tenant();
    await runEngine(makeSource(), dirs as EngineDirs);
    const orders = fake.asset('SALES', 'SalesOrders');
    orders.csn = orders.csn?.replace('"@EndUserText.label": "SalesOrders"', '"@EndUserText.label": "Sales Orders"');
    const before = fake.requests.length;

    const { summary } = await runEngine(makeSource(), dirs as EngineDirs);
    expect(summary.changes).toMatchObject({ modified: 1, unchanged: 7, created: 0, deleted: 0 });
    const downloaded = fake.requests.slice(before).filter((r) => DEFINITION.test(r.path) && r.status === 200);
    expect(downloaded.map((r) => r.path)).toEqual(['/dwaas-core/api/v1/spaces/SALES/localtables/SalesOrders']);
  });

  // A full run offers the source no validators, so every definition is downloaded and rewritten.
  it('writes every asset again with --full, downloading every definition', async () => {
    const fake = tenant();
    await runEngine(makeSource(), dirs as EngineDirs);
    const before = fake.requests.length;
    const { summary } = await runEngine(makeSource(), dirs as EngineDirs, { mode: 'full' });
    expect(summary.status).toBe('ok');
    expect(summary.strategies.full).toBe(8);
    expect(fake.requests.slice(before).filter((r) => DEFINITION.test(r.path) && r.status === 200)).toHaveLength(8);
  });
});
