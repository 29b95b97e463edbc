import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import { exampleExport } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
let configFile: string;
let checkpointFile: string;
let backupDir: string;

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
      logging: { level: 'silent' },
      ...extra,
    }),
  );
}

const backups = async () => (await readdir(backupDir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();

/** The checkpoint file as text, re-written through `edit` (a crafted file: nothing recomputes its checksum). */
async function craft(edit: (text: string) => string): Promise<void> {
  await writeFile(checkpointFile, edit(await readFile(checkpointFile, 'utf8')));
}

async function syncWrites(): Promise<number> {
  const { code, value } = await json('sync');
  expect(code).toBe(0);
  return value.traffic.target.writes;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-repair-'));
  await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
  configFile = path.join(dir, 'config.json');
  checkpointFile = path.join(dir, 'checkpoints', 'catalog-sync@datasphere_checkpoints.json');
  backupDir = path.join(dir, 'checkpoints', 'backup');
  await writeConfig();
  expect((await cli('sync')).code).toBe(0);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoints rebuild', () => {
  it('brings back a deleted checkpoint from the owned tables, so that the next sync writes nothing', async () => {
    const original = JSON.parse(await readFile(checkpointFile, 'utf8'));
    await rm(checkpointFile);
    await rm(backupDir, { recursive: true });
    const { code, value } = await json('checkpoints', 'rebuild');
    expect(code).toBe(0);
    expect(value).toMatchObject({ command: 'rebuild', dryRun: false, databases: ['ds_sales'], ownedTables: 6, entries: 6, comparedWith: 'nothing' });
    const rebuilt = JSON.parse(await readFile(checkpointFile, 'utf8'));
    expect(rebuilt.job).toBe('catalog-sync');
    expect(rebuilt.target).toMatchObject({ type: 'file', databasePrefix: 'ds_' });
    expect(Object.keys(rebuilt.entries)).toEqual(Object.keys(original.entries));
    for (const [id, entry] of Object.entries<any>(rebuilt.entries)) {
      expect(entry.hashes).toEqual(original.entries[id].hashes);
      expect(entry.target).toEqual(original.entries[id].target);
    }
    expect((await cli('checkpoints', 'validate')).code).toBe(0);
    expect(await syncWrites()).toBe(0);
  });

  it.each([
    ['truncated', (t: string) => t.slice(0, Math.floor(t.length / 2)), /not valid JSON/],
    ['bad checksum', (t: string) => t.replace(/"schema":"[0-9a-f]{8}/, '"schema":"00000000'), /checksum mismatch/],
    ['duplicate', (t: string) => t.replace('"SALES/SalesOrders":', '"SALES/SalesOrders_Copy":'), /keyed by "SALES\/SalesOrders_Copy" but its assetId is "SALES\/SalesOrders"/],
  ])('replaces a %s checkpoint (no backup left), keeping the damaged file aside', async (_name, edit, problem) => {
    await rm(backupDir, { recursive: true });
    await craft(edit);
    const validate = await cli('checkpoints', 'validate');
    expect(validate.code).toBe(1);
    expect(validate.stdout).toMatch(problem);
    // Forget refuses a file it cannot read; diff names the problem.
    const forget = await json('checkpoints', 'forget', 'SALES/SalesOrders');
    expect(forget.code).toBe(1);
    expect(forget.value).toMatchObject({ status: 'failed', error: { code: 'CHECKPOINT_CORRUPT' } });
    const damaged = await readFile(checkpointFile, 'utf8');

    const dry = await json('checkpoints', 'rebuild', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.value).toMatchObject({ dryRun: true, entries: 6, comparedWith: 'nothing' });
    expect(await readFile(checkpointFile, 'utf8')).toBe(damaged);

    const { code, value } = await json('checkpoints', 'rebuild');
    expect(code).toBe(0);
    expect(value.written.corruptAside).toMatch(/\.corrupt-\d{8}T\d{9}Z\.json$/);
    expect(await readFile(value.written.corruptAside, 'utf8')).toBe(damaged);
    expect((await cli('checkpoints', 'validate')).code).toBe(0);
    expect(await syncWrites()).toBe(0);
  });

  it('drops an orphaned entry (its table is gone) and says so; a valid file is backed up first', async () => {
    const store = await openCheckpointStore({
      dir: path.join(dir, 'checkpoints'),
      sourceSystem: 'datasphere',
      flushEvery: 1,
      backups: { keep: 20, maxAgeDays: 0 },
      owner: { job: 'catalog-sync', target: { type: 'file', path: path.join(dir, 'target'), databasePrefix: 'ds_' } },
    });
    const model = store.get('SALES/SalesOrders')!;
    await store.put({ ...model, assetId: 'SALES/Orphan', target: { database: 'ds_sales', table: 'orphan', version: '1' } });
    await store.flush();
    const before = await backups();
    const { code, value } = await json('checkpoints', 'rebuild');
    expect(code).toBe(0);
    expect(value.diff).toMatchObject({ added: [], removed: ['SALES/Orphan'], changed: [], unchanged: 6 });
    expect(value.written.backup).toBeDefined();
    expect((await backups()).length).toBe(before.length + 1);
    expect(JSON.parse(await readFile(value.written.backup, 'utf8')).entries).toHaveProperty(['SALES/Orphan']);
    expect(JSON.parse(await readFile(checkpointFile, 'utf8')).entries).not.toHaveProperty(['SALES/Orphan']);
  });

  it('refuses a checkpoint of a newer format, and one held by a running sync (exit 5)', async () => {
    const valid = await readFile(checkpointFile, 'utf8');
    await craft((t) => t.replace('"formatVersion": 1', '"formatVersion": 2'));
    for (const args of [['checkpoints', 'rebuild'], ['checkpoints', 'forget', 'SALES/SalesOrders'], ['checkpoints', 'diff', 'current', 'current']]) {
      const result = await json(...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.value.error.code).toBe('CHECKPOINT_VERSION_UNSUPPORTED');
    }
    expect(await readFile(checkpointFile, 'utf8')).toContain('"formatVersion": 2');

    await writeFile(checkpointFile, valid);
    await writeFile(checkpointFile.replace(/\.json$/, '.lock'), JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() }));
    for (const args of [['checkpoints', 'rebuild'], ['checkpoints', 'forget', 'SALES/SalesOrders'], ['checkpoints', 'prune']]) {
      expect((await cli(...args)).code, args.join(' ')).toBe(5);
    }
    // A dry run takes no lock.
    expect((await cli('checkpoints', 'forget', 'SALES/SalesOrders', '--dry-run')).code).toBe(0);
  });
});

describe('checkpoints forget, diff, prune', () => {
  it('forget drops one entry after a backup; the next sync records the table it finds instead of writing it', async () => {
    const dry = await cli('checkpoints', 'forget', 'SALES/SalesOrders', '--dry-run');
    expect(dry.stdout).toMatch(/^would forget SALES\/SalesOrders \(table ds_sales\.salesorders, version 1, synced .*\); the next run treats it as new/);
    const { code, value } = await json('checkpoints', 'forget', 'SALES/SalesOrders');
    expect(code).toBe(0);
    expect(value.forgotten.assetId).toBe('SALES/SalesOrders');
    expect(JSON.parse(await readFile(checkpointFile, 'utf8')).entries).not.toHaveProperty(['SALES/SalesOrders']);

    const diff = await json('checkpoints', 'diff', path.basename(value.written.backup));
    expect(diff.value.diff).toEqual({ added: [], removed: ['SALES/SalesOrders'], changed: [], unchanged: 5 });
    const missing = await json('checkpoints', 'forget', 'SALES/Nope');
    expect(missing.code).toBe(1);
    expect(missing.value.error.message).toMatch(/no checkpoint entry for SALES\/Nope/);

    const sync = await json('sync');
    expect(sync.value.traffic.target.writes).toBe(0);
    expect(sync.value.actions).toEqual([expect.objectContaining({ assetId: 'SALES/SalesOrders', action: 'record', outcome: 'done' })]);
  });

  it('diff names the hash that moved and the fields that changed, in text and JSON', async () => {
    const p = path.join(dir, 'export', 'SalesOrders_Model.json');
    const doc = JSON.parse(await readFile(p, 'utf8'));
    doc.definitions.SalesOrders_Model.elements.GROSSAMOUNT['@EndUserText.label'] = 'Gross Amount (EUR)';
    await writeFile(p, JSON.stringify(doc));
    expect((await cli('sync')).code).toBe(0);
    const [newest] = (await backups()).reverse();
    const text = await cli('checkpoints', 'diff', newest!);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/~ SALES\/SalesOrders_Model {2}hashes moved: metadata; fields: .*lastSyncAt, .*syncVersion, .*target\.version/);
    expect(text.stdout).toMatch(/0 added, 0 removed, 1 changed, 5 unchanged/);
    const reverse = await json('checkpoints', 'diff', checkpointFile, path.join(backupDir, newest!));
    expect(reverse.value.diff.changed).toEqual([{ assetId: 'SALES/SalesOrders_Model', hashes: ['metadata'], fields: expect.arrayContaining(['syncVersion']) }]);
  });

  it('prune applies backup retention now, after a fresh backup; --dry-run only lists', async () => {
    await writeConfig({ checkpoints: { dir: 'checkpoints', backups: { keep: 2, maxAgeDays: 0 } } });
    // Backups made under a laxer retention: four of them.
    for (let i = 0; i < 4; i += 1) expect((await cli('checkpoints', 'forget', 'SALES/SalesOrders', '--dry-run')).code).toBe(0);
    await writeConfig({ checkpoints: { dir: 'checkpoints', backups: { keep: 20, maxAgeDays: 0 } } });
    for (const id of ['SALES/SalesOrders', 'SALES/SalesOrders_View', 'SALES/Addresses_Location']) expect((await cli('checkpoints', 'forget', id)).code).toBe(0);
    await writeConfig({ checkpoints: { dir: 'checkpoints', backups: { keep: 2, maxAgeDays: 0 } } });
    const before = await backups();
    expect(before.length).toBeGreaterThanOrEqual(3);
    const dry = await json('checkpoints', 'prune', '--dry-run');
    expect(dry.value.deleted).toHaveLength(before.length - 2);
    expect(await backups()).toEqual(before);
    const { value } = await json('checkpoints', 'prune');
    expect(value.backup).toBeDefined();
    // The fresh backup counts: keep 2 of before + 1.
    expect(value.deleted).toHaveLength(before.length + 1 - 2);
    expect(await backups()).toHaveLength(2);
    expect(await backups()).toContain(path.basename(value.backup));
  });
});

describe('the other operations on crafted checkpoint files', () => {
  it.each([
    ['truncated', (t: string) => t.slice(0, Math.floor(t.length / 2)), 'CHECKPOINT_CORRUPT'],
    ['bad checksum', (t: string) => t.replace(/"schema":"[0-9a-f]{8}/, '"schema":"00000000'), 'CHECKPOINT_CORRUPT'],
    ['duplicate', (t: string) => t.replace('"SALES/SalesOrders":', '"SALES/SalesOrders_Copy":'), 'CHECKPOINT_CORRUPT'],
    ['from a future format', (t: string) => t.replace('"formatVersion": 1', '"formatVersion": 2'), 'CHECKPOINT_VERSION_UNSUPPORTED'],
  ])('%s, no backup: verify and rollback stop with the reason and change nothing; history, report and prune still work', async (_name, edit, code) => {
    const run = JSON.parse((await readFile(path.join(dir, 'history.jsonl'), 'utf8')).trim()).runId as string;
    await rm(backupDir, { recursive: true });
    await craft(edit);
    const damaged = await readFile(checkpointFile, 'utf8');
    for (const args of [['verify'], ['rollback', run], ['rollback', run, '--dry-run']]) {
      const result = await json(...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.value.error.code, args.join(' ')).toBe(code);
    }
    expect(await readFile(checkpointFile, 'utf8')).toBe(damaged);
    expect((await json('history')).value.runs[0].runId).toBe(run);
    expect(JSON.parse((await cli('report', '--format', 'json')).stdout).totals.runs).toBeGreaterThanOrEqual(1);
    const prune = await json('checkpoints', 'prune');
    expect(prune.code).toBe(0);
    // A damaged file is not backed up as if it were a state to go back to.
    expect(prune.value.backup).toBeUndefined();
    expect(await readFile(checkpointFile, 'utf8')).toBe(damaged);
  });
});
