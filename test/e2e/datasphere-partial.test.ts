import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import { runCli, writeConfig } from '../connectors/datasphere/cli-run.ts';
import { demoAssets, FakeTenant, salesAssets } from '../connectors/datasphere/fake-tenant.ts';
import { makeSource } from '../connectors/datasphere/make-source.ts';
import { makeDirs, removeDirs, runEngine } from '../connectors/datasphere/run-engine.ts';
import type { EngineDirs } from '../connectors/datasphere/run-engine.ts';

const BROKEN = '{"definitions": {"SalesOrders_View": {"kind": "entity", "elements": {';

let dirs: EngineDirs;

beforeAll(() => {
  nock.disableNetConnect();
});

beforeEach(async () => {
  dirs = await makeDirs('ds-partial-');
});

afterEach(async () => {
  nock.cleanAll();
  await removeDirs(dirs);
});

function brokenTenant(): FakeTenant {
  const assets = salesAssets();
  const view = assets.find((a) => a.name === 'SalesOrders_View');
  if (view) view.csn = BROKEN;
  const fake = new FakeTenant().addSpace('SALES', assets).addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
  fake.install();
  return fake;
}

async function tableCount(database: string): Promise<number> {
  return (await readdir(path.join(dirs.target, database))).filter((f) => f.endsWith('.json') && !f.startsWith('_')).length;
}

describe('a malformed definition', () => {
  it('fails that asset, syncs the rest, and ends the run partial', async () => {
    brokenTenant();
    const { summary, checkpoints } = await runEngine(makeSource(), dirs);

    expect(summary.status).toBe('partial');
    expect(summary.failed).toEqual([{ assetId: 'SALES/SalesOrders_View', error: expect.stringMatching(/malformed CSN response .*not JSON/) }]);
    expect(summary.changes.created).toBe(7);
    expect(summary.source.incompleteSpaces).toEqual([]);
    expect(checkpoints.get('SALES/SalesOrders_View')).toBeUndefined();
    expect(await tableCount('ds_sales')).toBe(6);
  });

  it('makes the CLI exit 3', async () => {
    brokenTenant();
    const result = await runCli(['sync', '--config', await writeConfig(dirs), '--json', '--log-level', 'silent']);

    expect(result.code).toBe(3);
    const summary = JSON.parse(result.stdout) as RunSummary;
    expect(summary.status).toBe('partial');
    expect(summary.failed.map((f) => f.assetId)).toEqual(['SALES/SalesOrders_View']);
    expect(summary.changes.created).toBe(7);
    expect(summary.traffic.source.requests).toBeGreaterThan(0);
  });
});

describe('a space whose listing did not complete', () => {
  it('loses no table when page 2 of its listing fails', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.install();
    const first = await runEngine(makeSource({ pageSize: 3 }), dirs);
    expect(first.summary.changes.created).toBe(7);

    fake.fail({ path: /assets\?.*\$skip=3/, status: 502, times: 100 });
    const { summary, checkpoints } = await runEngine(makeSource({ pageSize: 3, maxRetries: 1 }), dirs);

    expect(summary.status).toBe('partial');
    expect(summary.changes.deleted).toBe(0);
    expect(summary.strategies.deletion).toBe(0);
    expect(summary.source.incompleteSpaces).toEqual([{ space: 'SALES', reason: expect.stringMatching(/page 2 .*HTTP 502/) }]);
    // The three assets page 1 delivered were compared as usual; the four it could not see are untouched.
    expect(summary.changes.unchanged).toBe(3);
    expect(checkpoints.all()).toHaveLength(7);
    expect(await tableCount('ds_sales')).toBe(7);
  });

  it('loses no table when the technical user is no longer a member of the space (403)', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets()).addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
    fake.install();
    await runEngine(makeSource(), dirs);
    fake.fail({ path: /spaces\('SALES'\)\/assets/, status: 403, times: 100 });

    const { summary } = await runEngine(makeSource(), dirs);
    expect(summary.status).toBe('partial');
    expect(summary.changes.deleted).toBe(0);
    expect(summary.source.incompleteSpaces.map((s) => s.space)).toEqual(['SALES']);
    expect(summary.changes.unchanged).toBe(1); // DEMO_SPACE went on as usual
    expect(await tableCount('ds_sales')).toBe(7);
  });

  it('still deletes what a complete listing no longer shows', async () => {
    const fake = new FakeTenant().addSpace('DEMO_SPACE', demoAssets({ onlyDay: true })).addSpace('SALES', salesAssets());
    fake.install();
    await runEngine(makeSource(), dirs);
    fake.spaces.set('SALES', salesAssets().filter((a) => a.name !== 'DQMSampleData_SQL'));

    const { summary } = await runEngine(makeSource(), dirs);
    expect(summary.status).toBe('ok');
    expect(summary.changes).toMatchObject({ deleted: 1, unchanged: 7 });
    expect(await tableCount('ds_sales')).toBe(6);
    expect(summary.failed).toEqual([]);
    expect(summary.source.spaces).toEqual(['DEMO_SPACE', 'SALES']);
  });
});
