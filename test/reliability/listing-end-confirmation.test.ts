import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import { runCli, writeConfig } from '../connectors/datasphere/cli-run.ts';
import { FakeTenant, salesAssets } from '../connectors/datasphere/fake-tenant.ts';
import type { FakeAsset } from '../connectors/datasphere/fake-tenant.ts';
import { makeSource } from '../connectors/datasphere/make-source.ts';
import { makeDirs, removeDirs, runEngine } from '../connectors/datasphere/run-engine.ts';
import type { EngineDirs } from '../connectors/datasphere/run-engine.ts';

/*
 * SAP documents that the catalog silently caps `$top` (default and maximum page 500). A server that caps
 * below the `$top` we send answers a short page with no nextLink, which used to read as "the end": the
 * listing looked complete, and every asset past the first page looked deleted.
 */
const ASSETS = 230;
const CAP = 50;
const PAGE = 100;

let dirs: EngineDirs;

beforeAll(() => {
  nock.disableNetConnect();
});

beforeEach(async () => {
  dirs = await makeDirs('reliability-listing-');
});

afterEach(async () => {
  nock.cleanAll();
  await removeDirs(dirs);
});

function views(count: number): FakeAsset[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `V_${String(i).padStart(4, '0')}`;
    return { name, designTimeType: 'views', csn: JSON.stringify({ definitions: { [name]: { kind: 'entity', elements: { ID: { type: 'cds.Integer', key: true } } } } }) };
  });
}

function assetPages(fake: FakeTenant): string[] {
  return fake.requests.filter((r) => r.path.includes('/assets?')).map((r) => r.path.slice(r.path.indexOf('?') + 1));
}

describe('a catalog that caps its page size below our $top', () => {
  it.each([
    ['with $count', true],
    ['without $count (an empty page confirms the end)', false],
  ])('lists every asset, %s, paging on at the size it served', async (_how, supportsCount) => {
    const fake = new FakeTenant().addSpace('BIG', views(ASSETS));
    fake.pageCap = CAP;
    fake.supportsCount = supportsCount;
    fake.install();
    const extract = await makeSource({ pageSize: PAGE }).extractSpace('BIG', { known: new Map() });

    expect(extract.complete).toBe(true);
    expect(extract.failures).toEqual([]);
    expect(extract.items).toHaveLength(ASSETS);
    const pages = assetPages(fake);
    expect(pages[0]).toMatch(/^\$top=100&\$skip=0/);
    // After the first short page, the listing asks for what the server actually serves.
    expect(pages.slice(2).every((p) => p.startsWith(`$top=${CAP}&`))).toBe(true);
    expect(pages.map((p) => Number(/\$skip=(\d+)/.exec(p)?.[1]))).toEqual(supportsCount ? [0, 50, 100, 150, 200] : [0, 50, 100, 150, 200, 230]);
  });

  it('syncs all of them and deletes none on the next run', async () => {
    const fake = new FakeTenant().addSpace('BIG', views(ASSETS));
    fake.pageCap = CAP;
    fake.install();
    const first = await runEngine(makeSource({ pageSize: PAGE }), dirs);
    expect(first.summary.changes.created).toBe(ASSETS);
    const second = await runEngine(makeSource({ pageSize: PAGE }), dirs);
    expect(second.summary.status).toBe('ok');
    expect(second.summary.changes).toMatchObject({ unchanged: ASSETS, deleted: 0 });
  });
});

describe('a $count that disagrees with what was listed', () => {
  /** A first sync of SALES; then the listing returns two fewer assets while the server still counts them. */
  async function syncThenShortListing(): Promise<FakeTenant> {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.install();
    const first = await runEngine(makeSource(), dirs);
    expect(first.summary.changes.created).toBe(7);
    fake.spaces.set('SALES', salesAssets().slice(0, 5));
    fake.assetCountSkew = 2;
    return fake;
  }

  async function salesTables(): Promise<number> {
    return (await readdir(path.join(dirs.target, 'ds_sales'))).filter((f) => f.endsWith('.json') && !f.startsWith('_')).length;
  }

  it('marks the space incomplete with the reason, and nothing is deleted', async () => {
    await syncThenShortListing();
    const { summary } = await runEngine(makeSource(), dirs);
    expect(summary.status).toBe('partial');
    expect(summary.changes.deleted).toBe(0);
    expect(summary.source.incompleteSpaces).toEqual([{ space: 'SALES', reason: expect.stringMatching(/counts 7 item\(s\) \(\$count\) but the listing returned 5/) }]);
    expect(await salesTables()).toBe(7);
  });

  it('makes the CLI exit 3', async () => {
    await syncThenShortListing();
    const run = await runCli(['sync', '--config', await writeConfig(dirs), '--json', '--log-level', 'silent']);
    expect(run.code).toBe(3);
    const summary = JSON.parse(run.stdout) as RunSummary;
    expect(summary.changes.deleted).toBe(0);
    expect(summary.source.incompleteSpaces.map((s) => s.space)).toEqual(['SALES']);
    expect(await salesTables()).toBe(7);
  });
});
