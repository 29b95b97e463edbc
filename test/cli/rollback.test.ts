import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toTableInput } from '../../src/mapping/to-table-input.ts';
import { exampleExport } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
let configFile: string;

const cli = (...args: string[]) => runCli([...args, '--config', configFile]);
const json = async (...args: string[]) => {
  const result = await cli(...args, '--json');
  return { ...result, value: JSON.parse(result.stdout) };
};

async function writeConfig(extra: Record<string, unknown> = {}): Promise<void> {
  await writeFile(
    configFile,
    JSON.stringify({
      source: { type: 'csn-files', path: 'export', space: 'SALES' },
      target: { type: 'file', path: 'target' },
      checkpoints: { dir: 'checkpoints' },
      history: { file: 'history.jsonl', changeLog: 'changes.jsonl' },
      deletion: { maxPercent: 100 },
      logging: { level: 'silent' },
      ...extra,
    }),
  );
}

async function editExport(file: string, edit: (doc: any) => void): Promise<void> {
  const p = path.join(dir, 'export', file);
  const doc = JSON.parse(await readFile(p, 'utf8'));
  edit(doc);
  await writeFile(p, JSON.stringify(doc, null, 2));
}

/** Every table of the file target as its writable definition (versions and times left out), by name. */
async function dump(): Promise<Record<string, unknown>> {
  const folder = path.join(dir, 'target', 'ds_sales');
  const out: Record<string, unknown> = {};
  for (const name of (await readdir(folder)).filter((n) => n.endsWith('.json') && n !== '_database.json').sort()) {
    out[name] = toTableInput(JSON.parse(await readFile(path.join(folder, name), 'utf8')));
  }
  return out;
}

const checkpointEntries = async () =>
  JSON.parse(await readFile(path.join(dir, 'checkpoints', 'catalog-sync@datasphere_checkpoints.json'), 'utf8')).entries as Record<string, any>;

/** A run that creates, updates and deletes: a new entity, a changed label, a removed one. */
async function changeEverything(): Promise<void> {
  const doc = JSON.parse(await readFile(path.join(dir, 'export', 'SalesOrders.json'), 'utf8'));
  doc.definitions = { NewOrders: { ...doc.definitions.SalesOrders, '@EndUserText.label': 'New orders' } };
  await writeFile(path.join(dir, 'export', 'NewOrders.json'), JSON.stringify(doc, null, 2));
  await editExport('SalesOrders_View.json', (d) => {
    d.definitions.SalesOrders_View['@EndUserText.label'] = 'Sales Orders (fact)';
  });
  await rm(path.join(dir, 'export', 'Addresses_View_GEO.json'));
  for (const file of await readdir(path.join(dir, 'export'))) {
    if (file.endsWith('.json')) await editExport(file, (d) => delete d.definitions.Addresses_View_GEO);
  }
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-rollback-'));
  await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
  configFile = path.join(dir, 'config.json');
  await writeConfig();
  expect((await cli('sync')).code).toBe(0);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('catalog-sync rollback (file target)', () => {
  it('undoes a run that created, updated and deleted tables: the catalog and the checkpoint are as before it', async () => {
    const catalogBefore = await dump();
    const entriesBefore = await checkpointEntries();
    await changeEverything();
    const run = await json('sync');
    expect(run.code).toBe(0);
    expect(run.value.applied).toMatchObject({ created: 1, updated: 1, deleted: 1 });
    expect(await dump()).not.toEqual(catalogBefore);

    const dry = await json('rollback', run.value.runId, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.value.results.map((r: any) => [r.table, r.undo, r.outcome]).sort()).toEqual([
      ['ds_sales.addresses_view_geo', 'recreate', 'planned'],
      ['ds_sales.neworders', 'delete', 'planned'],
      ['ds_sales.salesorders_view', 'restore', 'planned'],
    ]);
    expect(await dump()).not.toEqual(catalogBefore);

    const text = await cli('rollback', run.value.runId);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/restore\s+ds_sales\.salesorders_view\s+SALES\/SalesOrders_View\s+\(run did: update\)\s+v2 → v3\s+done/);
    expect(text.stdout).toMatch(/recreate\s+ds_sales\.addresses_view_geo .*\(run did: delete\)\s+v- → v1\s+done/);
    expect(text.stdout).toMatch(/delete\s+ds_sales\.neworders .*\(run did: create\)\s+done/);
    expect(await dump()).toEqual(catalogBefore);

    // The checkpoint: as before the run, with the versions the rollback's own writes produced.
    const entries = await checkpointEntries();
    expect(Object.keys(entries).sort()).toEqual(Object.keys(entriesBefore).sort());
    for (const [id, entry] of Object.entries(entries)) {
      expect(entry.hashes, id).toEqual(entriesBefore[id].hashes);
    }
    expect(entries['SALES/SalesOrders_View'].target.version).toBe('3');
    const table = JSON.parse(await readFile(path.join(dir, 'target', 'ds_sales', 'salesorders_view.json'), 'utf8'));
    expect(table.VersionId).toBe('3');

    // Recorded, and not twice.
    const history = await json('history');
    const rollback = history.value.runs.at(-1);
    expect(rollback).toMatchObject({ rollbackOf: run.value.runId, status: 'ok', applied: { created: 1, updated: 1, deleted: 1 } });
    expect(history.value.runs.find((r: any) => r.runId === run.value.runId).rollback.refusals).toEqual([`run ${run.value.runId} was rolled back already`]);
    const again = await json('rollback', run.value.runId);
    expect(again.code).toBe(1);
    expect(again.value.error.code).toBe('ROLLBACK_REFUSED');

    // The source still says what it said: the next sync makes the same changes again, and finds no drift.
    const redo = await json('sync');
    expect(redo.value.applied).toMatchObject({ created: 1, updated: 1, deleted: 1 });
    expect(redo.value.drift).toEqual([]);
  });

  it('refuses when the version to go back to is no longer kept, and when a later run changed the same table', async () => {
    await editExport('SalesOrders_View.json', (d) => {
      d.definitions.SalesOrders_View['@EndUserText.label'] = 'One';
    });
    const first = await json('sync');
    await editExport('SalesOrders_View.json', (d) => {
      d.definitions.SalesOrders_View['@EndUserText.label'] = 'Two';
    });
    const second = await json('sync');
    const blocked = await json('rollback', first.value.runId);
    expect(blocked.code).toBe(1);
    expect(blocked.value.error.message).toContain(`run ${second.value.runId} changed ds_sales.salesorders_view later; roll that run back first`);

    // The kept versions gone (as keepVersions pruning or skipArchive would leave it): what the second run replaced is lost.
    await rm(path.join(dir, 'target', 'ds_sales', '.versions'), { recursive: true });
    const gone = await json('rollback', second.value.runId);
    expect(gone.code).toBe(1);
    expect(gone.value.error.message).toMatch(/ds_sales\.salesorders_view: version 2 is not kept any more \(target\.skipArchive left no version, or target\.keepVersions pruned it\)/);
    // Nothing was changed by the refusal.
    expect(JSON.parse(await readFile(path.join(dir, 'target', 'ds_sales', 'salesorders_view.json'), 'utf8')).VersionId).toBe('3');
  });

  it('applies the max-delete guard to the tables it would delete (exit 4), and --force overrides it', async () => {
    await changeEverything();
    const run = await json('sync');
    await writeConfig({ deletion: { maxCount: 0 } });
    const stopped = await json('rollback', run.value.runId);
    expect(stopped.code).toBe(4);
    expect(stopped.value.guard).toMatchObject({ code: 'GUARD_STOPPED', wouldStop: false });
    expect(await readdir(path.join(dir, 'target', 'ds_sales'))).toContain('neworders.json');
    const forced = await json('rollback', run.value.runId, '--force');
    expect(forced.code).toBe(0);
    expect(await readdir(path.join(dir, 'target', 'ds_sales'))).not.toContain('neworders.json');
  });
});
