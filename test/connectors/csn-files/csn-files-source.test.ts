import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, mkdir, rm, stat, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Asset } from '../../../src/catalog/asset.ts';
import type { ExtractOptions, SpaceExtract } from '../../../src/catalog/source.ts';
import { CsnFilesSource } from '../../../src/connectors/csn-files/csn-files-source.ts';
import { CORPUS_DIR, rawDefinitions } from '../../formats/csn/corpus.ts';

const SPACE = 'SALES';
const OPTIONS: ExtractOptions = { known: new Map() };

function assets(extract: SpaceExtract): Asset[] {
  return extract.items.flatMap((item) => (item.state === 'extracted' ? [item.asset] : []));
}

function entity(columns: Record<string, string>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'entity',
    ...extra,
    elements: Object.fromEntries(Object.entries(columns).map(([name, type]) => [name, { type }])),
  };
}

function csn(definitions: Record<string, unknown>): string {
  return JSON.stringify({ definitions, version: { csn: '1.0' }, $version: '1.0' });
}

describe('CsnFilesSource over the corpus folder', () => {
  it('is a datasphere source of type csn-files', () => {
    const source = new CsnFilesSource({ path: CORPUS_DIR, space: SPACE });
    expect(source.type).toBe('csn-files');
    expect(source.system).toBe('datasphere');
  });

  it('extracts every distinct definition once, complete, with no column left untyped', async () => {
    const source = new CsnFilesSource({ path: CORPUS_DIR, space: SPACE });
    expect(await source.listSpaces()).toEqual([SPACE]);
    const extract = await source.extractSpace(SPACE, OPTIONS);
    expect(extract.complete).toBe(true);
    expect(extract.incompleteReason).toBeUndefined();
    expect(extract.failures).toEqual([]);

    const files = (await readdir(CORPUS_DIR)).filter((name) => name.endsWith('.json'));
    const entityNames = new Set(
      files.flatMap((file) =>
        Object.entries(rawDefinitions(file))
          .filter(([, definition]) => definition['kind'] === 'entity')
          .map(([name]) => name),
      ),
    );
    const extracted = assets(extract);
    expect(extracted).toHaveLength(19);
    expect(new Set(extracted.map((asset) => asset.technicalName))).toEqual(entityNames);
    expect(new Set(extracted.map((asset) => asset.id)).size).toBe(extracted.length);
    expect(extract.items.every((item) => item.state === 'extracted' && item.definitionFormat === 'csn')).toBe(true);
    for (const asset of extracted) {
      for (const column of asset.columns) expect(column.type.name, `${asset.id}.${column.name}`).not.toBe('');
    }
  });

  it('resolves the conflicts between the geo-map exports and the Bike Sales ER model', async () => {
    const extract = await new CsnFilesSource({ path: CORPUS_DIR, space: SPACE }).extractSpace(SPACE, OPTIONS);
    const byName = new Map(assets(extract).map((asset) => [asset.technicalName, asset]));
    // SalesOrders.json is SalesOrders' own export: its 17 Integer64/Decimal(38,19) columns win over the
    // ER model's String(10)/Decimal(15,2) table of the same name.
    const orders = byName.get('SalesOrders');
    expect(orders?.businessName).toBe('SalesOrders');
    expect(orders?.columns.find((column) => column.name === 'SALESORDERID')?.type).toEqual({ name: 'cds.Integer64' });
    expect(orders?.constraints.associations).toEqual([]);

    expect(extract.warnings.map((warning) => warning.assetId).sort()).toEqual([`${SPACE}/BusinessPartners`, `${SPACE}/SalesOrders`]);
    const ordersWarning = extract.warnings.find((warning) => warning.assetId === `${SPACE}/SalesOrders`)?.message;
    expect(ordersWarning).toContain('SalesOrders.json');
    expect(ordersWarning).toContain('Bike_Sales_Model.json');
    const partnersWarning = extract.warnings.find((warning) => warning.assetId === `${SPACE}/BusinessPartners`)?.message;
    expect(partnersWarning).toContain('Bike_Sales_Model.json');
  });

  it('counts one readFile per file and the bytes read; unchanged files are not read again', async () => {
    const source = new CsnFilesSource({ path: CORPUS_DIR, space: SPACE });
    await source.listSpaces();
    await source.extractSpace(SPACE, OPTIONS);
    const files = (await readdir(CORPUS_DIR)).filter((name) => name.endsWith('.json'));
    let bytes = 0;
    for (const file of files) bytes += (await stat(path.join(CORPUS_DIR, file))).size;
    const traffic = source.traffic();
    expect(traffic.requests).toBe(files.length);
    expect(traffic.bytesReceived).toBe(bytes);
    expect(traffic.writes).toBe(0);
    expect(traffic.byOperation).toEqual({ readFile: { requests: files.length, bytesSent: 0, bytesReceived: bytes } });
  });
});

describe('CsnFilesSource over a scratch folder', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'csn-files-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function extract(space = SPACE): Promise<SpaceExtract> {
    return new CsnFilesSource({ path: dir, space: SPACE }).extractSpace(space, OPTIONS);
  }

  it('lets the file whose main object a definition is win, even when another file sorts first', async () => {
    await writeFile(path.join(dir, 'Alpha.json'), csn({ Alpha: entity({ A: 'cds.Integer' }), Zeta: entity({ OLD: 'cds.String' }) }));
    await writeFile(path.join(dir, 'Zeta.json'), csn({ Zeta: entity({ NEW: 'cds.Integer64' }) }));
    const result = await extract();
    expect(result.complete).toBe(true);
    const zeta = assets(result).find((asset) => asset.technicalName === 'Zeta');
    expect(zeta?.columns.map((column) => column.name)).toEqual(['NEW']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]?.assetId).toBe(`${SPACE}/Zeta`);
    expect(result.warnings[0]?.message).toContain('Zeta.json');
    expect(result.warnings[0]?.message).toContain('Alpha.json');
  });

  it('says nothing about identical copies', async () => {
    const zeta = entity({ ID: 'cds.Integer' }, { '@EndUserText.label': 'Zeta' });
    await writeFile(path.join(dir, 'Alpha.json'), csn({ Alpha: entity({ A: 'cds.Integer' }), Zeta: zeta }));
    await writeFile(path.join(dir, 'Zeta.json'), csn({ Zeta: zeta }));
    const result = await extract();
    expect(assets(result).map((asset) => asset.technicalName)).toEqual(['Alpha', 'Zeta']);
    expect(result.warnings).toEqual([]);
  });

  it('reads sub-folders, ignores other files, and returns assets sorted by id', async () => {
    await mkdir(path.join(dir, 'nested', 'deeper'), { recursive: true });
    await writeFile(path.join(dir, 'nested', 'deeper', 'Beta.json'), csn({ Beta: entity({ B: 'cds.Integer' }) }));
    await writeFile(path.join(dir, 'Alpha.json'), csn({ Alpha: entity({ A: 'cds.Integer' }) }));
    await writeFile(path.join(dir, 'README.md'), '# not an export');
    const source = new CsnFilesSource({ path: dir, space: SPACE });
    const result = await source.extractSpace(SPACE, OPTIONS);
    expect(assets(result).map((asset) => asset.id)).toEqual([`${SPACE}/Alpha`, `${SPACE}/Beta`]);
    expect(source.traffic().requests).toBe(2);
  });

  it('marks every space incomplete and names the file when a file is not valid JSON', async () => {
    await writeFile(path.join(dir, 'Good.json'), csn({ Good: entity({ A: 'cds.Integer' }) }));
    await writeFile(path.join(dir, 'Broken.json'), '{"definitions": {');
    const result = await extract();
    expect(result.complete).toBe(false);
    expect(result.incompleteReason).toContain('Broken.json');
    expect(assets(result).map((asset) => asset.technicalName)).toEqual(['Good']);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.assetId).toBe(`${SPACE}/Broken`);
    expect(result.failures[0]?.error).toContain('Broken.json');
    expect(result.failures[0]?.error).toContain('not valid JSON');
  });

  it('marks the listing incomplete when a JSON file is not a CSN document', async () => {
    await writeFile(path.join(dir, 'Good.json'), csn({ Good: entity({ A: 'cds.Integer' }) }));
    await writeFile(path.join(dir, 'List.json'), '[1, 2, 3]');
    const result = await extract();
    expect(result.complete).toBe(false);
    expect(result.incompleteReason).toContain('List.json');
    expect(assets(result)).toHaveLength(1);
  });

  it('does not let a copy in another export stand in for a main object whose own file is broken', async () => {
    await writeFile(path.join(dir, 'Alpha.json'), csn({ Alpha: entity({ A: 'cds.Integer' }), Zeta: entity({ OLD: 'cds.String' }) }));
    await writeFile(path.join(dir, 'Zeta.json'), 'not json at all');
    const result = await extract();
    expect(result.complete).toBe(false);
    expect(assets(result).map((asset) => asset.technicalName)).toEqual(['Alpha']);
    expect(result.failures.map((failure) => failure.assetId)).toEqual([`${SPACE}/Zeta`]);
  });

  it('fails only the entity whose elements is not an object; the listing stays complete', async () => {
    await writeFile(
      path.join(dir, 'Mixed.json'),
      csn({ Mixed: entity({ A: 'cds.Integer' }), Odd: { kind: 'entity', elements: 'A,B' } }),
    );
    const result = await extract();
    expect(result.complete).toBe(true);
    expect(assets(result).map((asset) => asset.technicalName)).toEqual(['Mixed']);
    expect(result.failures.map((failure) => failure.assetId)).toEqual([`${SPACE}/Odd`]);
    expect(result.failures[0]?.error).toContain('Mixed.json');
  });

  it('lists the spaces definitions name themselves and extracts each space on its own', async () => {
    await writeFile(
      path.join(dir, 'Alpha.json'),
      csn({ Alpha: entity({ A: 'cds.Integer' }), Shared: entity({ S: 'cds.Integer' }, { '@DataWarehouse.space.name': 'CENTRAL' }) }),
    );
    const source = new CsnFilesSource({ path: dir, space: SPACE });
    expect(await source.listSpaces()).toEqual(['CENTRAL', SPACE]);
    const central = await source.extractSpace('CENTRAL', OPTIONS);
    expect(assets(central).map((asset) => asset.id)).toEqual(['CENTRAL/Shared']);
    const own = await source.extractSpace(SPACE, OPTIONS);
    expect(assets(own).map((asset) => asset.id)).toEqual([`${SPACE}/Alpha`]);
    // Listing and both extracts read the one file once.
    expect(source.traffic().requests).toBe(1);
  });

  it('reads a file again once it changed', async () => {
    const file = path.join(dir, 'Alpha.json');
    await writeFile(file, csn({ Alpha: entity({ A: 'cds.Integer' }) }));
    const source = new CsnFilesSource({ path: dir, space: SPACE });
    await source.extractSpace(SPACE, OPTIONS);
    await writeFile(file, csn({ Alpha: entity({ A: 'cds.Integer', B: 'cds.Date' }) }));
    const result = await source.extractSpace(SPACE, OPTIONS);
    expect(assets(result)[0]?.columns.map((column) => column.name)).toEqual(['A', 'B']);
    expect(source.traffic().requests).toBe(2);
  });

  it('reports a missing folder as an error when listing spaces, and as an incomplete listing, never as an empty one', async () => {
    const source = new CsnFilesSource({ path: path.join(dir, 'absent'), space: SPACE });
    await expect(source.listSpaces()).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND', message: expect.stringContaining('absent') });
    const result = await source.extractSpace(SPACE, OPTIONS);
    expect(result.complete).toBe(false);
    expect(result.items).toEqual([]);
    expect(result.incompleteReason).toContain('absent');
  });
});
