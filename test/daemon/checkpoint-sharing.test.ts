import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkpointPaths } from '../../src/state/checkpoint-paths.ts';
import { validateCheckpointFile } from '../../src/state/validate-checkpoint-file.ts';
import { runCli } from '../support/run-cli.ts';
import type { Harness } from './support/daemon-harness.ts';
import { startHarness } from './support/daemon-harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function checkpointIds(file: string): Promise<string[]> {
  const document = JSON.parse(await readFile(file, 'utf8')) as { entries: Record<string, unknown> };
  return Object.keys(document.entries).sort();
}

const lockFile = (h: Harness) => checkpointPaths(h.config.checkpoints.dir, 'datasphere', h.config.job.name).lock;

describe('jobs on different spaces share one checkpoint', () => {
  it('two spaces syncing at once both land in the checkpoint, and the lock is released once idle', async () => {
    harness = await startHarness({ spaces: { A: 30, B: 30 }, config: { jobs: { concurrency: 2 } } });
    const h = harness;
    h.gate.holdAfter('ds_a', 10);
    h.gate.holdAfter('ds_b', 10);
    const a = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    const b = await h.request('POST', '/api/v1/sync', { spaces: ['B'] });
    // Both are mid-run at the same moment: 10 confirmed writes each, neither finished.
    await Promise.all([h.gate.reached('ds_a', 10), h.gate.reached('ds_b', 10)]);
    expect((await h.request('GET', `/api/v1/sync/${a.body.id}`)).body.status).toBe('running');
    expect((await h.request('GET', `/api/v1/sync/${b.body.id}`)).body.status).toBe('running');
    expect(existsSync(lockFile(h))).toBe(true);
    h.gate.release();
    const [doneA, doneB] = [await h.waitForJob(a.body.id), await h.waitForJob(b.body.id)];
    expect([doneA.status, doneB.status]).toEqual(['succeeded', 'succeeded']);
    // Each summary counts only its own job's traffic and space.
    expect(doneA.summary.changes.created).toBe(30);
    expect(doneB.summary.changes.created).toBe(30);
    // (connectors shared between the jobs would show both jobs' 60 table writes in each summary)
    for (const done of [doneA, doneB]) {
      expect(done.summary.traffic.target.writes).toBeGreaterThanOrEqual(30);
      expect(done.summary.traffic.target.writes).toBeLessThan(60);
    }
    await h.daemon.manager.whenIdle();

    const report = await validateCheckpointFile(h.checkpointFile());
    expect(report.ok).toBe(true);
    expect(report.entryCount).toBe(60);
    const ids = await checkpointIds(h.checkpointFile());
    expect(ids.filter((id) => id.startsWith('A/'))).toHaveLength(30);
    expect(ids.filter((id) => id.startsWith('B/'))).toHaveLength(30);
    expect(existsSync(lockFile(h))).toBe(false);
  });

  it('a cancel mid-run leaves a valid checkpoint, and the next run continues from it without writing anything twice', async () => {
    harness = await startHarness({ spaces: { A: 40 } });
    const h = harness;
    h.gate.holdAfter('ds_a', 15);
    const job = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    await h.gate.reached('ds_a', 15);
    expect((await h.request('DELETE', `/api/v1/sync/${job.body.id}`)).status).toBe(202);
    h.gate.release();
    const cancelled = await h.waitForJob(job.body.id);
    expect(cancelled.status).toBe('cancelled');
    await h.daemon.manager.whenIdle();
    const written = h.gate.written('ds_a');
    expect(written).toBeGreaterThanOrEqual(15);
    expect(written).toBeLessThan(40);

    const afterCancel = await validateCheckpointFile(h.checkpointFile());
    expect(afterCancel.ok).toBe(true);
    expect(afterCancel.entryCount).toBe(written);

    const next = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    const resumed = await h.waitForJob(next.body.id);
    expect(resumed.status).toBe('succeeded');
    expect(resumed.summary.changes.unchanged).toBe(written);
    expect(resumed.summary.changes.created).toBe(40 - written);
    // Every table written exactly once across both runs.
    expect(h.gate.written('ds_a')).toBe(40);
    await h.daemon.manager.whenIdle();
    expect((await validateCheckpointFile(h.checkpointFile())).entryCount).toBe(40);
  });
});

describe('the CLI beside the daemon', () => {
  it('a manual sync exits with the lock-held code while a job runs, works while the daemon is idle, and the daemon reads its changes', async () => {
    harness = await startHarness({ spaces: { A: 20 } });
    const h = harness;
    h.gate.holdAfter('ds_a', 5);
    const job = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    await h.gate.reached('ds_a', 5);
    const beside = await runCli(['sync', '--config', h.configFile, '--space', 'A']);
    expect(beside.code).toBe(5);
    expect(beside.stderr).toMatch(/lock/i);
    h.gate.release();
    const first = await h.waitForJob(job.body.id);
    expect(first.status).toBe('succeeded');
    await h.daemon.manager.whenIdle();

    // Idle daemon: the manual run takes the lock and syncs one changed label.
    const exportFile = path.join(h.root, 'export', 'A_export.json');
    const document = JSON.parse(await readFile(exportFile, 'utf8'));
    document.definitions.A_T_0003['@EndUserText.label'] = 'Renamed by hand';
    await writeFile(exportFile, JSON.stringify(document));
    const manual = await runCli(['sync', '--config', h.configFile, '--space', 'A', '--json']);
    expect(manual.code).toBe(0);

    // The daemon's next job sees the checkpoint the manual run left (read again when it retook the lock).
    const next = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    const second = await h.waitForJob(next.body.id);
    expect(second.status).toBe('succeeded');
    expect(second.summary.changes.unchanged).toBe(20);
    expect(second.summary.traffic.target.writes).toBe(0);

    // The run history holds the daemon's runs beside the manual one.
    const history = (await readFile(h.config.history.file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    const runIds = history.map((run) => run.runId);
    expect(runIds).toContain(first.runId);
    expect(runIds).toContain(second.runId);
    expect(history.filter((run) => run.status === 'ok')).toHaveLength(3);
  });
});
