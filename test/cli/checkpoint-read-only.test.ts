import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { snapshotFolder } from '../state/helpers.ts';
import { exampleExport } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
let configFile: string;
let checkpointDir: string;
let checkpointFile: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-read-only-'));
  await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
  configFile = path.join(dir, 'config.json');
  checkpointDir = path.join(dir, 'checkpoints');
  checkpointFile = path.join(checkpointDir, 'catalog-sync@datasphere_checkpoints.json');
  await writeFile(
    configFile,
    JSON.stringify({
      source: { type: 'csn-files', path: 'export', space: 'SALES' },
      target: { type: 'file', path: 'target' },
      checkpoints: { dir: 'checkpoints' },
      history: { file: 'history.jsonl' },
      logging: { level: 'silent' },
    }),
  );
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function relabel(label: string): Promise<void> {
  const file = path.join(dir, 'export', 'SalesOrders.json');
  const doc = JSON.parse(await readFile(file, 'utf8'));
  doc.definitions.SalesOrders['@EndUserText.label'] = label;
  await writeFile(file, JSON.stringify(doc));
}

async function truncate(file: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.slice(0, Math.floor(text.length / 2)));
}

/** The read-only commands, each with what it must print about the corrupt file. */
const READ_ONLY: { args: string[]; code: number; check: (out: { stdout: string; stderr: string }) => void }[] = [
  {
    args: ['checkpoints', 'list'],
    code: 0,
    check: ({ stdout, stderr }) => {
      expect(stderr).toMatch(/warning: checkpoint file .* is corrupt: not valid JSON/);
      expect(stderr).toContain('in memory only; nothing was changed');
      expect(stdout).toMatch(/SALES\/SalesOrders\s/);
    },
  },
  {
    args: ['checkpoints', 'list', '--json'],
    code: 0,
    check: ({ stdout }) => expect(JSON.parse(stdout).length).toBeGreaterThan(0),
  },
  {
    args: ['checkpoints', 'show', 'SALES/SalesOrders'],
    code: 0,
    check: ({ stdout }) => expect(JSON.parse(stdout)).toMatchObject({ assetId: 'SALES/SalesOrders', syncVersion: 1 }),
  },
  {
    args: ['checkpoints', 'validate'],
    code: 1,
    check: ({ stdout }) => {
      expect(stdout).toContain(`${checkpointFile}: INVALID`);
      expect(stdout).toMatch(/replaces it with backup catalog-sync@datasphere_checkpoints_\S+ \(6 entries/);
    },
  },
  {
    args: ['checkpoints', 'backups'],
    code: 0,
    check: ({ stdout }) => expect(stdout).toMatch(/catalog-sync@datasphere_checkpoints_\S+\s+valid\s+6 entries/),
  },
  // plan and dry-run write nothing either, and so repair nothing.
  { args: ['plan'], code: 2, check: ({ stdout }) => expect(stdout).toMatch(/MODIFIED\s+SALES\/SalesOrders/) },
  { args: ['sync', '--dry-run'], code: 0, check: () => {} },
];

describe('read-only commands on a corrupt checkpoint change no file', () => {
  it('list, show, validate, backups, plan and sync --dry-run leave every file of the checkpoint folder as it was', async () => {
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    await relabel('Sales orders, relabelled');
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0); // a second write: the first is a backup
    await truncate(checkpointFile);
    const before = await snapshotFolder(checkpointDir);
    expect(Object.keys(before).filter((k) => k.startsWith('backup/') && k.endsWith('.json'))).toHaveLength(1);

    for (const command of READ_ONLY) {
      const result = await runCli([...command.args, '--config', configFile]);
      expect({ args: command.args, code: result.code }).toEqual({ args: command.args, code: command.code });
      command.check(result);
      expect(await snapshotFolder(checkpointDir)).toEqual(before);
    }

    // Recovery is sync's job: it restores the backup, keeps the damaged file aside and goes on.
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    expect((await readdir(checkpointDir)).some((name) => name.includes('.corrupt-'))).toBe(true);
    expect((await runCli(['checkpoints', 'validate', '--config', configFile])).stdout).toContain(`${checkpointFile}: valid, 6 entries`);
  });

  it('a corrupt checkpoint without a backup: every command says what to do, and nothing changes', async () => {
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0); // the first write makes no backup
    await truncate(checkpointFile);
    const before = await snapshotFolder(checkpointDir);

    for (const args of [['checkpoints', 'list'], ['checkpoints', 'show', 'SALES/SalesOrders'], ['plan'], ['sync']]) {
      const { code, stderr } = await runCli([...args, '--config', configFile]);
      expect({ args, code }).toEqual({ args, code: 1 });
      expect(stderr).toContain(`checkpoint file ${checkpointFile} is corrupt`);
      expect(stderr).toContain('no backup exists');
      expect(stderr).toContain('run `catalog-sync checkpoints rebuild` to rebuild it from the tables this job owns in the target');
      expect(stderr).toContain(`or delete ${checkpointFile} to start over (the next run then treats every asset as new`);
      expect(await snapshotFolder(checkpointDir)).toEqual(before);
    }
    const validate = await runCli(['checkpoints', 'validate', '--config', configFile]);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain('to go on: run `catalog-sync checkpoints rebuild`');
    expect(await snapshotFolder(checkpointDir)).toEqual(before);

    // Deleting the file is a clean start: every asset is new, but the tables already hold it, so nothing is rewritten.
    await rm(checkpointFile);
    const { code, stdout } = await runCli(['sync', '--json', '--config', configFile]);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.changes.created).toBe(6);
    expect(summary.traffic.target.writes).toBe(0);
  });
});
