import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_SECRET, FakeTenant, TENANT_URL } from './fake-tenant.ts';
import { makeSource } from './make-source.ts';

const KNOWN = { known: new Map() };
const SPACE_LIST = /catalog\/spaces$|catalog\/spaces\?/;

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});

function tenant(): FakeTenant {
  const fake = new FakeTenant().addSpace('SALES', []).addSpace('HR', []);
  fake.spaceLabels.set('SALES', 'Sales & Distribution');
  return fake;
}

describe("the spaces' labels", () => {
  it('come with each space from the catalog listing the run reads anyway', async () => {
    const fake = tenant();
    fake.install();
    const source = makeSource();
    expect(await source.listSpaces()).toEqual(['HR', 'SALES']);
    expect((await source.extractSpace('SALES', KNOWN)).label).toBe('Sales & Distribution');
    // The catalog labels HR with its own name: passed on as it is, the target knows what to make of it.
    expect((await source.extractSpace('HR', KNOWN)).label).toBe('HR');
    expect(fake.count(SPACE_LIST)).toBe(1);
  });

  it('follow the catalog from one listing to the next', async () => {
    const fake = tenant();
    fake.install();
    const source = makeSource();
    await source.listSpaces();
    fake.spaceLabels.set('SALES', 'Sales (EMEA)');
    await source.listSpaces();
    expect((await source.extractSpace('SALES', KNOWN)).label).toBe('Sales (EMEA)');
  });

  it('are read once for spaces configured by name, and a configured space the catalog does not list has none', async () => {
    const fake = tenant();
    fake.install();
    const source = makeSource({ spaces: ['SALES', 'FINANCE'] });
    expect(await source.listSpaces()).toEqual(['FINANCE', 'SALES']);
    expect(await source.listSpaces()).toEqual(['FINANCE', 'SALES']);
    expect(fake.count(SPACE_LIST)).toBe(1);
    expect((await source.extractSpace('SALES', KNOWN)).label).toBe('Sales & Distribution');
    const finance = await source.extractSpace('FINANCE', KNOWN);
    expect(finance).not.toHaveProperty('label');
    expect(finance.complete).toBe(false); // the catalog does not know it: its failure shows, as before
  });

  it('cost nothing but themselves when the space list fails for configured spaces: a warning, no label', async () => {
    const fake = tenant();
    fake.fail({ path: SPACE_LIST, status: 500, times: 10, body: `{"error":"boom ${CLIENT_SECRET}"}` });
    fake.install();
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (obj: object, msg?: string) => warnings.push(`${msg ?? ''} ${JSON.stringify(obj)}`), error() {} };
    const source = makeSource({ spaces: ['SALES'], maxRetries: 1, logger });
    expect(await source.listSpaces()).toEqual(['SALES']);
    const extract = await source.extractSpace('SALES', KNOWN);
    expect(extract).not.toHaveProperty('label');
    expect(extract.complete).toBe(true);
    expect(warnings.some((w) => w.includes("could not read the spaces' labels") && w.includes('HTTP 500'))).toBe(true);
    expect(warnings.join('\n')).not.toContain(CLIENT_SECRET);
  });

  it('are absent where the catalog gives none', async () => {
    const fake = tenant();
    // A catalog whose entries are bare names, answered ahead of the fake tenant: nothing to label with.
    nock(TENANT_URL).persist().get(/catalog\/spaces(\?.*)?$/).reply(200, ['SALES', 'HR']);
    fake.install();
    const source = makeSource();
    expect(await source.listSpaces()).toEqual(['HR', 'SALES']);
    expect(await source.extractSpace('SALES', KNOWN)).not.toHaveProperty('label');
  });
});
