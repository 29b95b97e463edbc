import { mkdtemp, rm, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import type { Asset } from '../../../src/catalog/asset.ts';
import type { ExtractedItem, KnownAsset, SpaceExtract } from '../../../src/catalog/source.ts';
import { decodeValidator } from '../../../src/connectors/datasphere/asset-validator.ts';
import { CsnFilesSource } from '../../../src/connectors/csn-files/csn-files-source.ts';
import { parseEdmx } from '../../../src/formats/edmx/parse-edmx.ts';
import { CORPUS, DAY, dayEdmx, demoAssets, FakeTenant, salesAssets } from './fake-tenant.ts';
import { makeSource } from './make-source.ts';

const NO_KNOWLEDGE = { known: new Map<string, KnownAsset>() };

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

function extracted(extract: SpaceExtract): Map<string, Extract<ExtractedItem, { state: 'extracted' }>> {
  return new Map(extract.items.flatMap((item) => (item.state === 'extracted' ? [[item.asset.technicalName, item] as const] : [])));
}

/** What the engine hands back next run: the validators this run returned. */
function knownFrom(extract: SpaceExtract): { known: Map<string, KnownAsset> } {
  return {
    known: new Map(extract.items.map((item) => [item.state === 'extracted' ? item.asset.id : item.assetId, item.validator === undefined ? {} : { validator: item.validator }])),
  };
}


describe('design-time CSN definitions', () => {
  it('parse to exactly the assets the CSN export source makes of the same corpus file', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.install();
    const extract = await makeSource().extractSpace('SALES', NO_KNOWLEDGE);
    expect(extract.failures).toEqual([]);
    const byName = extracted(extract);
    expect(byName.size).toBe(7);

    for (const [name, item] of byName) {
      const folder = await mkdtemp(path.join(tmpdir(), 'ds-csn-'));
      try {
        await copyFile(path.join(CORPUS, 'csn', `${name}.json`), path.join(folder, `${name}.json`));
        const exported = await new CsnFilesSource({ path: folder, space: 'SALES' }).extractSpace('SALES', NO_KNOWLEDGE);
        const twin = exported.items.find((i) => i.state === 'extracted' && i.asset.technicalName === name);
        expect(twin?.state, name).toBe('extracted');
        expect(item.asset, name).toEqual(twin?.state === 'extracted' ? twin.asset : undefined);
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
      expect(item.definitionFormat).toBe('csn');
      expect(item.asset.customProperties['definitionFormat']).toBeUndefined();
    }
  });

  it('look each design-time type up once, and only as far as needed', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.install();
    await makeSource().extractSpace('SALES', NO_KNOWLEDGE);
    // Each list is read once: its short page, then the empty page that confirms the end (no $count there).
    for (const type of ['views', 'analyticmodels', 'localtables']) {
      expect(fake.requests.filter((r) => r.path.includes(`/SALES/${type}?`)).map((r) => r.path.slice(r.path.indexOf('$top')))).toEqual([
        '$top=100&$skip=0',
        expect.stringMatching(/^\$top=\d+&\$skip=[1-9]\d*$/),
      ]);
    }
    // Every asset was found before remote tables had to be listed.
    expect(fake.count(/\/SALES\/remotetables\?/)).toBe(0);
  });
});

describe('EDMX fallback', () => {
  it('reads the recorded $metadata, as XML, when the asset has no design-time definition', async () => {
    const fake = new FakeTenant().addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
    fake.install();
    const extract = await makeSource().extractSpace('DEMO_SPACE', NO_KNOWLEDGE);

    const item = extracted(extract).get(DAY);
    expect(item?.definitionFormat).toBe('edmx');
    const expected = parseEdmx(dayEdmx(), { space: 'DEMO_SPACE', mainName: DAY }).assets[0] as Asset;
    expect(item?.asset).toEqual(expected);
    expect(item?.asset.kind).toBe('dimension');
    expect(item?.asset.businessContext.dimensions).toHaveLength(9);
    expect(decodeValidator(item?.validator)).toMatchObject({ format: 'edmx', edmxReason: 'absent' });
    // Asked for as XML (the fake answers 406 to JSON), at the recorded link moved onto the tenant host.
    expect(fake.count(/^\/api\/v1\/dwc\/consumption\/relational\/DEMO_SPACE\/SAP\.TIME\.VIEW_DIMENSION_DAY\/\$metadata$/, 200)).toBe(1);
  });

  it('is used for every asset when the technical user may not read design-time objects (403)', async () => {
    const fake = new FakeTenant().addSpace('SALES', [{ name: DAY, designTimeType: 'views', csn: '{}', edmx: dayEdmx() }]);
    fake.designTimeDenied = true;
    fake.install();
    const extract = await makeSource().extractSpace('SALES', NO_KNOWLEDGE);
    expect(extracted(extract).get(DAY)?.definitionFormat).toBe('edmx');
    expect(decodeValidator(extracted(extract).get(DAY)?.validator)?.edmxReason).toBe('denied');
    expect(fake.count(/dwaas-core/)).toBe(1); // the first list said no; nothing else was tried
  });

  it('is used, with a warning, when the CSN parses but its main object cannot be typed', async () => {
    // An analytic model whose CSN lacks the dependencies its untyped elements resolve through.
    const model = { definitions: { [DAY]: { kind: 'entity', elements: { A: { '@EndUserText.label': 'A' } } } } };
    const fake = new FakeTenant().addSpace('SALES', [{ name: DAY, designTimeType: 'analyticmodels', csn: JSON.stringify(model), edmx: dayEdmx() }]);
    fake.install();
    const extract = await makeSource().extractSpace('SALES', NO_KNOWLEDGE);
    expect(extracted(extract).get(DAY)?.definitionFormat).toBe('edmx');
    expect(decodeValidator(extracted(extract).get(DAY)?.validator)?.edmxReason).toBe('unusable');
    expect(extract.warnings).toEqual([{ assetId: `SALES/${DAY}`, message: expect.stringMatching(/design-time CSN not usable .*EDMX/) }]);
  });

  it('tries unusable CSN again only once the asset changed', async () => {
    const model = { definitions: { [DAY]: { kind: 'entity', elements: { A: { '@EndUserText.label': 'A' } } } } };
    const asset = { name: DAY, designTimeType: 'views', csn: JSON.stringify(model), edmx: dayEdmx() };
    const fake = new FakeTenant().addSpace('SALES', [asset]);
    fake.install();
    const source = makeSource();
    const first = await source.extractSpace('SALES', NO_KNOWLEDGE);

    const unchanged = await source.extractSpace('SALES', knownFrom(first));
    expect(unchanged.items[0]?.state).toBe('not-modified');
    expect(fake.count(/\/views\/SAP/)).toBe(1); // the CSN was not asked for again

    asset.csn = JSON.stringify({ definitions: { [DAY]: { kind: 'entity', elements: { A: { type: 'cds.String', length: 3 } } } } });
    asset.edmx = dayEdmx().replace('Time Dimension - Day', 'Time Dimension (Day)');
    const changed = await source.extractSpace('SALES', knownFrom(unchanged));
    expect(extracted(changed).get(DAY)?.definitionFormat).toBe('csn');
  });

  it('gives way to CSN on the run after design-time read was granted', async () => {
    const fake = new FakeTenant().addSpace('SALES', [{ name: 'SalesOrders', ...salesAssets()[0], edmx: dayEdmx().replaceAll(DAY, 'SalesOrders') }]);
    fake.designTimeDenied = true;
    fake.install();
    const source = makeSource();
    const denied = await source.extractSpace('SALES', NO_KNOWLEDGE);
    expect(extracted(denied).get('SalesOrders')?.definitionFormat).toBe('edmx');

    fake.designTimeDenied = false;
    const granted = await source.extractSpace('SALES', knownFrom(denied));
    expect(extracted(granted).get('SalesOrders')?.definitionFormat).toBe('csn');
  });

  it('can be the only format (designTime: false)', async () => {
    const fake = new FakeTenant().addSpace('SALES', [{ name: DAY, designTimeType: 'views', csn: '{}', edmx: dayEdmx() }]);
    fake.install();
    const extract = await makeSource({ designTime: false }).extractSpace('SALES', NO_KNOWLEDGE);
    expect(extracted(extract).get(DAY)?.definitionFormat).toBe('edmx');
    expect(fake.count(/dwaas-core/)).toBe(0);
  });
});

describe('malformed definitions', () => {
  it('fail that asset only', async () => {
    const assets = salesAssets();
    const broken = assets.find((a) => a.name === 'SalesOrders_View');
    if (broken) broken.csn = '{"definitions": {"SalesOrders_View": {"kind": "entity", "elements": {';
    const fake = new FakeTenant().addSpace('SALES', assets);
    fake.install();
    const extract = await makeSource().extractSpace('SALES', NO_KNOWLEDGE);

    expect(extract.complete).toBe(true);
    expect(extract.failures).toEqual([{ assetId: 'SALES/SalesOrders_View', error: expect.stringMatching(/malformed CSN response for SalesOrders_View \(views\): not JSON/) }]);
    expect(extract.items).toHaveLength(6);
  });

  it('in EDMX fail that asset only, with the XML error', async () => {
    const fake = new FakeTenant().addSpace('DEMO_SPACE', [{ ...demoAssets({ onlyDay: true })[0]!, edmx: '<edmx:Edmx><broken></edmx:Edmx>' }]);
    fake.install();
    const extract = await makeSource().extractSpace('DEMO_SPACE', NO_KNOWLEDGE);
    expect(extract.failures).toEqual([{ assetId: `DEMO_SPACE/${DAY}`, error: expect.stringMatching(/malformed \$metadata .*not well-formed XML/) }]);
  });
});

describe('change validators', () => {
  it('send If-None-Match; a 304 yields not-modified and downloads no definition', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets()).addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
    fake.install();
    const source = makeSource();
    const first = await source.extractSpace('SALES', NO_KNOWLEDGE);
    const firstDemo = await source.extractSpace('DEMO_SPACE', NO_KNOWLEDGE);
    const before = fake.requests.length;

    const second = await source.extractSpace('SALES', knownFrom(first));
    const secondDemo = await source.extractSpace('DEMO_SPACE', knownFrom(firstDemo));
    const rerun = fake.requests.slice(before);

    expect([...second.items, ...secondDemo.items].every((item) => item.state === 'not-modified')).toBe(true);
    expect(second.items.map((i) => (i.state === 'not-modified' ? i.validator : undefined))).toEqual(first.items.map((i) => i.validator));
    const definitionRequests = rerun.filter((r) => /dwaas-core\/api\/v1\/spaces\/[^/]+\/[a-z]+\/|\$metadata/.test(r.path));
    expect(definitionRequests).toHaveLength(8);
    expect(definitionRequests.every((r) => r.conditional && r.status === 304)).toBe(true);
    // The remembered design-time type spares the design-time lists for CSN assets.
    expect(rerun.filter((r) => /\/SALES\/[a-z]+\?/.test(r.path))).toEqual([]);
  });

  it('download again only what changed', async () => {
    const assets = salesAssets();
    const fake = new FakeTenant().addSpace('SALES', assets);
    fake.install();
    const source = makeSource();
    const first = await source.extractSpace('SALES', NO_KNOWLEDGE);
    const model = assets.find((a) => a.name === 'SalesOrders');
    if (model?.csn) model.csn = model.csn.replace('"@EndUserText.label": "SalesOrders"', '"@EndUserText.label": "Sales Orders (renamed)"');

    const second = await source.extractSpace('SALES', knownFrom(first));
    const changed = second.items.filter((item) => item.state === 'extracted');
    expect(changed.map((item) => (item.state === 'extracted' ? item.asset.businessName : ''))).toEqual(['Sales Orders (renamed)']);
    expect(second.items.filter((item) => item.state === 'not-modified')).toHaveLength(6);
  });

  it('use a matching @odata.metadataEtag from the listing without asking for the definition at all', async () => {
    const assets = salesAssets().map((a) => ({ ...a, metadataEtag: `W/"meta-${a.name}"` }));
    const fake = new FakeTenant().addSpace('SALES', assets);
    fake.install();
    const source = makeSource();
    const first = await source.extractSpace('SALES', NO_KNOWLEDGE);
    expect(decodeValidator(first.items[0]?.validator)?.metadataEtag).toMatch(/^W\/"meta-/);
    const before = fake.requests.length;

    const second = await source.extractSpace('SALES', knownFrom(first));
    expect(second.items.every((item) => item.state === 'not-modified')).toBe(true);
    expect(fake.requests.slice(before).map((r) => r.path)).toEqual([expect.stringMatching(/\/assets\?/)]);
  });

  it('ignore validators they cannot read (another source, older format)', async () => {
    const fake = new FakeTenant().addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
    fake.install();
    const known = new Map<string, KnownAsset>([[`DEMO_SPACE/${DAY}`, { validator: 'W/"opaque"' }]]);
    const extract = await makeSource().extractSpace('DEMO_SPACE', { known });
    expect(extract.items[0]?.state).toBe('extracted');
    expect(fake.requests.some((r) => r.conditional)).toBe(false);
  });
});
