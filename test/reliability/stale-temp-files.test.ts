import { randomUUID } from 'node:crypto';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileTarget } from '../../src/connectors/file/file-target.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { createFileScenario } from '../support/file-scenario.ts';
import type { FileScenario } from '../support/file-scenario.ts';

/*
 * A run killed (SIGKILL) between writing a table's temp file and renaming it leaves `.<uuid>.tmp` behind in
 * the database folder. Later runs must clean those up — and nothing else.
 */
const HOUR_MS = 3_600_000;

let scenario: FileScenario;

beforeEach(async () => {
  scenario = await createFileScenario();
});

afterEach(async () => {
  await scenario.cleanup();
});

interface Planted {
  stale: string[];
  kept: string[];
}

/** Temp files as a killed run leaves them (old), plus look-alikes and a fresh one that must survive. */
async function plant(folder: string, now: number): Promise<Planted> {
  const at = async (name: string, ageMs: number, content = '{"Name":"half written') => {
    const file = path.join(folder, name);
    await writeFile(file, content);
    const time = new Date(now - ageMs);
    await utimes(file, time, time);
  };
  const stale = [`.${randomUUID()}.tmp`, `.${randomUUID()}.tmp`, `.${randomUUID()}.tmp`];
  for (const name of stale) await at(name, HOUR_MS);
  const kept = [
    `.${randomUUID()}.tmp`, // fresh: a write in flight, maybe another job's
    '.notes.tmp',
    'scratch.tmp',
    `.${randomUUID()}.tmp.bak`,
    `.${randomUUID().toUpperCase()}.tmp`,
    `${randomUUID()}.tmp`,
  ];
  await at(kept[0] as string, 0);
  for (const name of kept.slice(1)) await at(name, HOUR_MS);
  // A folder of the temp pattern is not ours to remove either.
  const folderLookAlike = `.${randomUUID()}.tmp`;
  await mkdir(path.join(folder, folderLookAlike));
  kept.push(folderLookAlike);
  return { stale, kept };
}

describe('temp files left by a killed write', () => {
  it('are removed, counted and logged when the target reads the database folder; nothing else is touched', async () => {
    const first = await scenario.run();
    expect(first.summary.status).toBe('ok');
    const folder = path.join(scenario.targetDir, 'ds_sales');
    const before = (await readdir(folder)).sort();
    const planted = await plant(folder, Date.now());

    const logged: Array<{ obj: object; msg?: string }> = [];
    const logger = { info: (obj: object, msg?: string) => void logged.push({ obj, msg }), warn: () => {} };
    const target = new FileTarget({ path: scenario.targetDir, databasePrefix: 'ds_', job: 'catalog-sync', mapping: await loadMapping(), logger });
    const tables = await target.readState(['ds_sales']);

    expect(tables.length).toBe(first.summary.changes.created);
    expect(target.removedTempFiles()).toBe(planted.stale.length);
    expect((await readdir(folder)).sort()).toEqual([...before, ...planted.kept].sort());
    expect(logged).toEqual([{ obj: expect.objectContaining({ removed: planted.stale.length, files: expect.arrayContaining(planted.stale) }), msg: expect.stringMatching(/temp files/) }]);
  });

  it('are removed by the next run that reads the folder, which then syncs as if nothing had happened', async () => {
    await scenario.run();
    const folder = path.join(scenario.targetDir, 'ds_sales');
    const planted = await plant(folder, Date.now());
    // The write that was killed is redone by the next run: it reads (and sweeps) the folder its table is in.
    await scenario.editExport('SalesOrders_Model.json', (doc) => {
      doc.definitions.SalesOrders_Model['@EndUserText.label'] = 'written again after the kill';
    });

    const rerun = await scenario.run();
    expect(rerun.summary.status).toBe('ok');
    expect(rerun.summary.changes.unchanged).toBeGreaterThan(0);
    const names = await readdir(folder);
    for (const stale of planted.stale) expect(names).not.toContain(stale);
    for (const kept of planted.kept) expect(names).toContain(kept);
  });
});
