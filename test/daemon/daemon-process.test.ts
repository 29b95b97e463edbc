import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointPaths } from '../../src/state/checkpoint-paths.ts';
import { validateCheckpointFile } from '../../src/state/validate-checkpoint-file.ts';
import { repoRoot } from '../support/file-scenario.ts';
import { harnessConfig } from './support/daemon-harness.ts';
import { writeSpacesExport } from './support/spaces-export.ts';

const ASSETS = 1500;
const STOP_AFTER = 100;
const BIN = path.join(repoRoot, 'bin/catalog-sync.js');
let root: string;
let configFile: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'catalog-sync-daemon-process-'));
  await writeSpacesExport(path.join(root, 'export'), { BIG: ASSETS });
  configFile = path.join(root, 'config.json');
  const config = harnessConfig(root, { logging: { level: 'info' }, checkpoints: { flushEvery: 20 }, jobs: { shutdownGraceSeconds: 60 } });
  await writeFile(configFile, JSON.stringify(config));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function tablesWritten(): Promise<number> {
  const files = await readdir(path.join(root, 'target', 'ds_big')).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.json') && !f.startsWith('_') && !f.startsWith('.')).length;
}

describe('the daemon as a real process', () => {
  it('SIGTERM during a run: the job stops at an asset boundary, the checkpoint holds every written table, exit 0', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, [BIN, 'daemon', '--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr);
        if (match?.[1]) resolve(match[1]);
      });
      child.on('exit', () => reject(new Error(`daemon exited before listening:\n${stderr}`)));
    });

    const submitted = await fetch(`${url}/api/v1/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spaces: ['BIG'] }) });
    expect(submitted.status).toBe(202);
    const { id } = (await submitted.json()) as { id: string };
    for (;;) {
      const job = (await (await fetch(`${url}/api/v1/sync/${id}`)).json()) as { progress: { assetsDone: number }; finishedAt: string | null };
      expect(job.finishedAt).toBeNull();
      if (job.progress.assetsDone >= STOP_AFTER) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const written = await tablesWritten();
    // The signal landed mid-run, or this test proves nothing.
    expect(written).toBeGreaterThanOrEqual(STOP_AFTER);
    expect(written).toBeLessThan(ASSETS);
    const paths = checkpointPaths(path.join(root, 'checkpoints'), 'datasphere', 'catalog-sync');
    const report = await validateCheckpointFile(paths.file);
    expect(report.ok).toBe(true);
    // Nothing lost: every table that reached the target is in the checkpoint.
    expect(report.entryCount).toBe(written);
    expect(existsSync(paths.lock)).toBe(false);
    expect(stderr).toMatch(/"drained":true/);
    const history = (await readFile(path.join(root, 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(history.map((run) => run.status)).toEqual(['stopped']);

    // A one-shot sync picks up exactly where the daemon stopped.
    // (its per-table log lines go nowhere: an unread pipe would fill up and stall it)
    const resumed = spawn(process.execPath, [BIN, 'sync', '--json', '--config', configFile], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    resumed.stdout.on('data', (d) => (out += d));
    expect(await new Promise((resolve) => resumed.on('exit', resolve))).toBe(0);
    const summary = JSON.parse(out);
    expect(summary.traffic.target.writes).toBe(ASSETS - written);
    expect(summary.strategies.skipped).toBe(written);
  });
});
