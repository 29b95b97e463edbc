import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import type { SpaceExtract } from '../../../src/catalog/source.ts';
import { DAY, demoAssets, FakeTenant, salesAssets } from './fake-tenant.ts';
import { makeSource } from './make-source.ts';

const KNOWN = { known: new Map() };
/** The five asset records recorded from a real tenant's DEMO_SPACE. */
const RECORDED_NAMES = [
  'SAP.TIME.VIEW_DIMENSION_DAY',
  'SAP.TIME.VIEW_DIMENSION_MONTH',
  'SAP.TIME.VIEW_DIMENSION_QUARTER',
  'SAP.TIME.VIEW_DIMENSION_YEAR',
  'Test_Analytic_Model',
];

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

/** Every asset the extract accounts for, synced or failed: what the listing delivered. */
function listed(extract: SpaceExtract): string[] {
  const ids = [
    ...extract.items.map((item) => (item.state === 'extracted' ? item.asset.id : item.assetId)),
    ...extract.failures.map((failure) => failure.assetId),
  ];
  return ids.map((id) => id.slice(id.indexOf('/') + 1)).sort();
}

describe('listing spaces', () => {
  it.each(['value', 'array'] as const)('accepts the %s shape', async (shape) => {
    const fake = new FakeTenant().addSpace('SALES', []).addSpace('DEMO_SPACE', []);
    fake.spacesShape = shape;
    fake.install();
    expect(await makeSource().listSpaces()).toEqual(['DEMO_SPACE', 'SALES']);
  });

  it('returns configured literal spaces as configured, and filters the catalog by globs', async () => {
    const fake = new FakeTenant().addSpace('SALES', []).addSpace('SALES_EU', []).addSpace('HR', []);
    fake.install();
    expect(await makeSource({ spaces: ['SALES', 'HR'] }).listSpaces()).toEqual(['HR', 'SALES']);
    // The space list is read once, for the spaces' labels only (space-labels.test.ts); the names are the config's.
    expect(fake.count(/catalog\/spaces$|catalog\/spaces\?/)).toBe(1);
    expect(await makeSource({ spaces: ['SALES*'] }).listSpaces()).toEqual(['SALES', 'SALES_EU']);
  });

  it('throws when the space list cannot be read, rather than syncing fewer spaces', async () => {
    const fake = new FakeTenant().addSpace('SALES', []);
    fake.fail({ path: /catalog\/spaces\?/, status: 500, times: 10 });
    fake.install();
    await expect(makeSource({ maxRetries: 1 }).listSpaces()).rejects.toThrow(/could not list the spaces: .*HTTP 500/);
  });
});

describe('listing the assets of a space', () => {
  it('reads the recorded DEMO_SPACE records over three $top/$skip pages', async () => {
    const fake = new FakeTenant().addSpace('DEMO_SPACE', demoAssets());
    fake.install();
    const extract = await makeSource({ pageSize: 2 }).extractSpace('DEMO_SPACE', KNOWN);

    expect(extract.complete).toBe(true);
    expect(listed(extract)).toEqual(RECORDED_NAMES);
    const pages = fake.requests.filter((r) => r.path.includes('/assets?')).map((r) => r.path.slice(r.path.indexOf('?')));
    expect(pages).toEqual(['?$top=2&$skip=0&$count=true', '?$top=2&$skip=2&$count=true', '?$top=2&$skip=4&$count=true']);
  });

  it('follows @odata.nextLink over three pages, on the tenant host whatever host the link names', async () => {
    const fake = new FakeTenant().addSpace('DEMO_SPACE', demoAssets());
    fake.paging = 'next-link';
    fake.serverPageSize = 2;
    fake.install();
    const extract = await makeSource({ pageSize: 100 }).extractSpace('DEMO_SPACE', KNOWN);

    expect(extract.complete).toBe(true);
    expect(listed(extract)).toEqual(RECORDED_NAMES);
    const pages = fake.requests.filter((r) => r.path.includes('/assets?')).map((r) => r.path.slice(r.path.indexOf('?')));
    expect(pages).toEqual(['?$top=100&$skip=0&$count=true', '?$skiptoken=2', '?$skiptoken=4']);
  });

  it('serves the older /api/v1/dwc/catalog prefix when configured', async () => {
    const fake = new FakeTenant().addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
    fake.catalogPrefix = '/api/v1/dwc/catalog';
    fake.install();
    const extract = await makeSource({ catalogPrefix: '/api/v1/dwc/catalog' }).extractSpace('DEMO_SPACE', KNOWN);
    expect(extract.complete).toBe(true);
    expect(extract.items).toHaveLength(1);
    expect(fake.count(/^\/api\/v1\/dwc\/catalog\/spaces\('DEMO_SPACE'\)\/assets/)).toBe(1);
  });

  it('marks the space incomplete when page 2 fails, keeping what page 1 delivered', async () => {
    const fake = new FakeTenant().addSpace('DEMO_SPACE', demoAssets());
    fake.fail({ path: /assets\?.*\$skip=2/, status: 500, times: 10 });
    fake.install();
    const extract = await makeSource({ pageSize: 2, maxRetries: 2 }).extractSpace('DEMO_SPACE', KNOWN);

    expect(extract.complete).toBe(false);
    expect(extract.incompleteReason).toMatch(/page 2 .*HTTP 500 \(after 3 attempt/);
    expect(listed(extract)).toEqual(RECORDED_NAMES.slice(0, 2));
  });

  it('treats an HTML login page answered with 200 as a failed listing, not an empty space', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.fail({ path: /assets/, status: 200, body: '<html><body>Sign in</body></html>', headers: { 'Content-Type': 'text/html' } });
    fake.install();
    const extract = await makeSource().extractSpace('SALES', KNOWN);
    expect(extract.complete).toBe(false);
    expect(extract.incompleteReason).toMatch(/HTML page/);
    expect(extract.items).toEqual([]);
  });

  it('treats a record that names no asset as an incomplete listing', async () => {
    const fake = new FakeTenant();
    fake.fail({ path: /assets/, status: 200, body: JSON.stringify({ value: [{ label: 'no name' }] }) });
    fake.addSpace('SALES', []);
    fake.install();
    const extract = await makeSource().extractSpace('SALES', KNOWN);
    expect(extract.complete).toBe(false);
    expect(extract.incompleteReason).toMatch(/1 catalog record\(s\) name no asset/);
  });

  it('is complete and empty for a space that really lists nothing', async () => {
    const fake = new FakeTenant().addSpace('EMPTY', []);
    fake.install();
    const extract = await makeSource().extractSpace('EMPTY', KNOWN);
    expect(extract).toMatchObject({ space: 'EMPTY', complete: true, items: [], failures: [] });
  });

  it('applies include and exclude globs to asset names', async () => {
    const fake = new FakeTenant().addSpace('DEMO_SPACE', demoAssets());
    fake.install();
    const extract = await makeSource({ include: ['SAP.TIME.*'], exclude: ['*_YEAR', '*_QUARTER'] }).extractSpace('DEMO_SPACE', KNOWN);
    expect(listed(extract)).toEqual([DAY, 'SAP.TIME.VIEW_DIMENSION_MONTH']);
  });
});
