import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { CsnFilesSource } from '../../src/connectors/csn-files/csn-files-source.ts';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import { runCli, writeConfig } from '../connectors/datasphere/cli-run.ts';
import { FakeTenant, salesAssets } from '../connectors/datasphere/fake-tenant.ts';
import { makeSource } from '../connectors/datasphere/make-source.ts';
import { makeDirs, removeDirs, runEngine } from '../connectors/datasphere/run-engine.ts';
import type { EngineDirs } from '../connectors/datasphere/run-engine.ts';
import { corpusCsn, createFileScenario } from '../support/file-scenario.ts';
import type { FileScenario } from '../support/file-scenario.ts';

/*
 * Invalid bytes in a definition name used to be decoded to U+FFFD, which the Glue naming turned into `_`:
 * `\xff\xfeSalesOrders` became a new asset and a table `__salesorders`, with exit 0 and no warning.
 */
const DAMAGED_FILE = 'Damaged.json';
const INVALID = Buffer.from([0xff, 0xfe]);

/** A copy of SalesOrders.json whose main definition name starts with two bytes that are not UTF-8. */
async function damagedExport(): Promise<Buffer> {
  const text = await readFile(path.join(corpusCsn, 'SalesOrders.json'), 'utf8');
  const [before, after] = text.split('"SalesOrders":', 2) as [string, string];
  expect(after).toBeDefined();
  return Buffer.concat([Buffer.from(`${before}"`, 'utf8'), INVALID, Buffer.from(`SalesOrders":${after}`, 'utf8')]);
}

async function tablesIn(root: string, database: string): Promise<string[]> {
  return (await readdir(path.join(root, database)).catch(() => [] as string[])).filter((f) => f.endsWith('.json') && !f.startsWith('_')).sort();
}

describe('invalid UTF-8 in a CSN export file', () => {
  let scenario: FileScenario;

  beforeEach(async () => {
    scenario = await createFileScenario(corpusCsn, 'SALES');
    await writeFile(path.join(scenario.exportDir, DAMAGED_FILE), await damagedExport());
  });

  afterEach(async () => {
    await scenario.cleanup();
  });

  it('fails that file with the reason; the source reads every other file', async () => {
    const source = new CsnFilesSource({ path: scenario.exportDir, space: 'SALES' });
    const extract = await source.extractSpace('SALES', { known: new Map() });
    expect(extract.failures).toEqual([{ assetId: 'SALES/Damaged', error: expect.stringMatching(/not valid UTF-8 \(first invalid byte at offset \d+\)/) }]);
    // Its assets are unknown, so the listing is incomplete: nothing may be deleted on its account.
    expect(extract.complete).toBe(false);
    expect(extract.incompleteReason).toMatch(/Damaged\.json \(not valid UTF-8/);
    const ids = extract.items.map((item) => (item.state === 'extracted' ? item.asset.id : item.assetId));
    expect(ids).toContain('SALES/SalesOrders');
    expect(ids.some((id) => id.includes('\ufffd'))).toBe(false);
  });

  it('syncs the rest, writes no table for the damaged name and ends the run partial', async () => {
    const { summary } = await scenario.run();
    expect(summary.status).toBe('partial');
    expect(summary.failed).toEqual([{ assetId: 'SALES/Damaged', error: expect.stringMatching(/not valid UTF-8/) }]);
    const tables = await tablesIn(scenario.targetDir, 'ds_sales');
    expect(tables).toContain('salesorders.json');
    expect(tables.filter((t) => t.startsWith('_'))).toEqual([]);
    expect(tables).toHaveLength(summary.changes.created);
    expect(summary.changes.created).toBeGreaterThan(10);
  });

  it('makes the CLI exit 3 with the file named in the summary', async () => {
    const config = path.join(scenario.root, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        source: { type: 'csn-files', path: scenario.exportDir, space: 'SALES' },
        target: { type: 'file', path: scenario.targetDir },
        checkpoints: { dir: scenario.checkpointDir },
        history: { file: path.join(scenario.root, 'history.jsonl') },
      }),
    );
    const run = await runCli(['sync', '--config', config, '--json', '--log-level', 'silent']);
    expect(run.code).toBe(3);
    const summary = JSON.parse(run.stdout) as RunSummary;
    expect(summary.failed).toEqual([{ assetId: 'SALES/Damaged', error: expect.stringMatching(/not valid UTF-8/) }]);
    expect((await tablesIn(scenario.targetDir, 'ds_sales')).filter((t) => t.startsWith('_'))).toEqual([]);
  });
});

describe('damaged names arriving over HTTP', () => {
  let dirs: EngineDirs;

  beforeAll(() => {
    nock.disableNetConnect();
  });

  beforeEach(async () => {
    dirs = await makeDirs('reliability-utf8-');
  });

  afterEach(async () => {
    nock.cleanAll();
    await removeDirs(dirs);
  });

  /** SALES plus: a catalog name the server already damaged, a CSN body with invalid bytes, a column named with U+FFFD. */
  function damagedTenant(): FakeTenant {
    const assets = salesAssets();
    const copyOf = (name: string) => assets.find((a) => a.name === name)?.csn as string;
    assets.push({ name: 'Sales\ufffdOrders', designTimeType: 'localtables', csn: copyOf('SalesOrders').replaceAll('"SalesOrders"', '"Sales\\ufffdOrders"') });
    assets.push({ name: 'RawBytes', designTimeType: 'views', csn: 'placeholder' });
    assets.push({ name: 'BadColumn', designTimeType: 'views', csn: copyOf('Addresses_Location').replaceAll('"Addresses_Location"', '"BadColumn"').replace('"ADDRESSID"', '"ADDRESS\\ufffdID"') });
    const fake = new FakeTenant().addSpace('SALES', assets);
    const raw = Buffer.concat([Buffer.from('{"definitions":{"RawBytes":{"kind":"entity","elements":{"A'), INVALID, Buffer.from('":{"type":"cds.Integer"}}}}}')]);
    fake.fail({ path: /\/views\/RawBytes$/, status: 200, times: 100, body: raw, headers: { 'Content-Type': 'application/json' } });
    fake.install();
    return fake;
  }

  it('fails exactly those assets with the reason, syncs the rest and deletes nothing', async () => {
    damagedTenant();
    const { summary } = await runEngine(makeSource(), dirs);
    expect(summary.status).toBe('partial');
    expect(summary.failed.map((f) => f.assetId).sort()).toEqual(['SALES/BadColumn', 'SALES/RawBytes', 'SALES/Sales\ufffdOrders']);
    const reason = (id: string) => summary.failed.find((f) => f.assetId === id)?.error;
    expect(reason('SALES/Sales\ufffdOrders')).toMatch(/technical name in the catalog "Sales\ufffdOrders" holds a replacement character/);
    expect(reason('SALES/RawBytes')).toMatch(/not valid UTF-8/);
    expect(reason('SALES/BadColumn')).toMatch(/element name "ADDRESS\ufffdID" holds a replacement character/);
    expect(summary.changes.created).toBe(7);
    expect(summary.changes.deleted).toBe(0);
    const tables = await tablesIn(dirs.target, 'ds_sales');
    expect(tables).toHaveLength(7);
    expect(tables.some((t) => t.includes('__') || t.startsWith('_'))).toBe(false);
  });

  it('makes the CLI exit 3', async () => {
    damagedTenant();
    const run = await runCli(['sync', '--config', await writeConfig(dirs), '--json', '--log-level', 'silent']);
    expect(run.code).toBe(3);
    expect((JSON.parse(run.stdout) as RunSummary).failed).toHaveLength(3);
  });
});
