import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCheckpointFile } from '../../src/state/validate-checkpoint-file.ts';
import { repoRoot } from '../support/file-scenario.ts';
import { writeSyntheticExport } from '../support/synthetic-export.ts';

const ASSETS = 1500;
const KILL_AFTER = 100;
let root: string;

function config(dir: string) {
  return {
    source: { type: 'csn-files', path: path.join(root, 'export'), space: 'BIG' },
    target: { type: 'file', path: path.join(dir, 'target') },
    checkpoints: { dir: path.join(dir, 'checkpoints'), flushEvery: 20 },
    sync: { concurrency: 1 },
    deletion: { maxCount: 0 },
    history: { file: path.join(dir, 'history.jsonl') },
    logging: { level: 'warn' },
  };
}

async function prepare(name: string): Promise<string> {
  const dir = path.join(root, name);
  await rm(dir, { recursive: true, force: true });
  await writeFile(`${dir}.json`, JSON.stringify(config(dir)));
  return `${dir}.json`;
}

function cli(configFile: string) {
  return spawn(process.execPath, [path.join(repoRoot, 'bin/catalog-sync.js'), 'sync', '--json', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function runToEnd(configFile: string): Promise<{ code: number | null; summary: any }> {
  const child = cli(configFile);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.resume();
  // 'close', not 'exit': the summary is only whole once stdout has ended.
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, summary: out ? JSON.parse(out) : undefined };
}

async function countTables(dir: string): Promise<number> {
  const files = await readdir(path.join(dir, 'target', 'ds_big')).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.json') && !f.startsWith('_') && !f.startsWith('.')).length;
}

async function tablesWithoutTimes(dir: string): Promise<Record<string, unknown>> {
  const folder = path.join(dir, 'target', 'ds_big');
  const out: Record<string, unknown> = {};
  for (const f of (await readdir(folder)).sort()) {
    if (!f.endsWith('.json') || f === '_database.json') continue;
    const { CreateTime, UpdateTime, ...rest } = JSON.parse(await readFile(path.join(folder, f), 'utf8'));
    out[f] = rest;
  }
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'catalog-sync-crash-'));
  await writeSyntheticExport(path.join(root, 'export'), ASSETS);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a run killed with SIGKILL mid-write', () => {
  it('resumes to the same final state with no duplicate writes and a valid checkpoint', { timeout: 120_000 }, async () => {
    const crashed = await prepare('crashed');
    const dir = crashed.slice(0, -5);
    const child = cli(crashed);
    child.stdout.resume();
    child.stderr.resume();
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    let atKill = 0;
    while (child.exitCode === null) {
      atKill = await countTables(dir);
      if (atKill >= KILL_AFTER) {
        child.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await exited).toBe('SIGKILL');
    const written = await countTables(dir);
    // The kill must land mid-run, or this test proves nothing.
    expect(written).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(written).toBeLessThan(ASSETS);

    const checkpointFile = path.join(dir, 'checkpoints', 'catalog-sync@datasphere_checkpoints.json');
    const afterKill = await validateCheckpointFile(checkpointFile).catch(() => undefined);
    if (afterKill) expect(afterKill.ok).toBe(true);

    // The killed run left its lock behind; the next run takes it over (the pid is dead).
    const resumed = await runToEnd(crashed);
    expect(resumed.code).toBe(0);
    expect(resumed.summary.status).toBe('ok');
    // Only what the killed run did not write is written now; what it wrote but did not checkpoint is recorded.
    expect(resumed.summary.traffic.target.writes).toBe(ASSETS - written);
    expect(resumed.summary.verified.matched).toBe(resumed.summary.verified.checked);

    const report = await validateCheckpointFile(checkpointFile);
    expect(report.ok).toBe(true);
    expect(report.entryCount).toBe(ASSETS);

    const clean = await prepare('clean');
    expect((await runToEnd(clean)).code).toBe(0);
    const finalState = await tablesWithoutTimes(dir);
    expect(Object.keys(finalState)).toHaveLength(ASSETS);
    expect(finalState).toEqual(await tablesWithoutTimes(clean.slice(0, -5)));
    // Every table was written exactly once across the killed run and the resumed one.
    for (const table of Object.values(finalState)) expect((table as { VersionId: string }).VersionId).toBe('1');

    const again = await runToEnd(crashed);
    expect(again.summary.traffic.target.writes).toBe(0);
  });

  it('stops cleanly on SIGTERM: writes in flight finish, the checkpoint holds exactly what was written', { timeout: 120_000 }, async () => {
    const stopped = await prepare('stopped');
    const dir = stopped.slice(0, -5);
    const child = cli(stopped);
    // Drain the pipes: a child whose summary fills an unread pipe would block on write and never exit.
    child.stdout.resume();
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (child.exitCode === null) {
      if ((await countTables(dir)) >= KILL_AFTER) {
        child.kill('SIGTERM');
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await exited).toBe(143);
    const written = await countTables(dir);
    expect(written).toBeLessThan(ASSETS);
    const report = await validateCheckpointFile(path.join(dir, 'checkpoints', 'catalog-sync@datasphere_checkpoints.json'));
    expect(report.ok).toBe(true);
    // Graceful: every table that reached the target is in the checkpoint, so the next run writes only the rest.
    expect(report.entryCount).toBe(written);
    const resumed = await runToEnd(stopped);
    expect(resumed.code).toBe(0);
    expect(resumed.summary.traffic.target.writes).toBe(ASSETS - written);
    expect(resumed.summary.strategies.skipped).toBe(written);
  });
});
