import { afterEach, describe, expect, it } from 'vitest';
import { DaemonConfigError } from '../../src/daemon/daemon-errors.ts';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Harness } from './support/daemon-harness.ts';
import { capturingLogger, startHarness } from './support/daemon-harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('job API over real HTTP on loopback', () => {
  it('POST /api/v1/sync → 202 with a job id; GET shows progress and, when finished, the run summary', async () => {
    harness = await startHarness();
    const h = harness;
    h.gate.holdAfter('ds_a', 4);
    const submitted = await h.request('POST', '/api/v1/sync', { spaces: ['A'], priority: 'high' });
    expect(submitted.status).toBe(202);
    expect(submitted.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(submitted.headers.get('location')).toBe(`/api/v1/sync/${submitted.body.id}`);
    expect(submitted.body).toMatchObject({ spaces: ['A'], mode: 'incremental', dryRun: false, priority: 'high', trigger: 'api' });

    await h.gate.reached('ds_a', 4);
    const midway = await h.request('GET', `/api/v1/sync/${submitted.body.id}`);
    expect(midway.status).toBe(200);
    expect(midway.body.status).toBe('running');
    expect(midway.body.progress).toEqual({ phase: 'apply', assetsDone: 4, assetsTotal: 12 });
    expect(midway.body.summary).toBeUndefined();

    h.gate.release();
    const done = await h.waitForJob(submitted.body.id);
    expect(done.status).toBe('succeeded');
    expect(done.progress).toEqual({ phase: 'finished', assetsDone: 12, assetsTotal: 12 });
    expect(done.summary.status).toBe('ok');
    expect(done.summary.changes.created).toBe(12);
    expect(done.summary.source.spaces).toEqual(['A']);
    expect(done.runId).toBe(done.summary.runId);
  });

  it('GET /api/v1/sync/jobs lists recent jobs newest first, filtered by status and limited', async () => {
    harness = await startHarness();
    const h = harness;
    const first = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    await h.waitForJob(first.body.id);
    const second = await h.request('POST', '/api/v1/sync', { spaces: ['B'], dryRun: true });
    await h.waitForJob(second.body.id);

    const all = await h.request('GET', '/api/v1/sync/jobs');
    expect(all.status).toBe(200);
    expect(all.body.jobs.map((j: any) => j.id)).toEqual([second.body.id, first.body.id]);
    expect(all.body.jobs[0].summary).toBeUndefined();
    const limited = await h.request('GET', '/api/v1/sync/jobs?limit=1');
    expect(limited.body.jobs.map((j: any) => j.id)).toEqual([second.body.id]);
    const succeeded = await h.request('GET', '/api/v1/sync/jobs?status=succeeded&limit=10');
    expect(succeeded.body.jobs).toHaveLength(2);
    const queued = await h.request('GET', '/api/v1/sync/jobs?status=queued');
    expect(queued.body.jobs).toEqual([]);
  });

  it('answers bad bodies and query strings with 400 and the reason', async () => {
    harness = await startHarness();
    const h = harness;
    const cases: [unknown, RegExp][] = [
      [{}, /spaces: .*expected array/i],
      [{ spaces: [] }, /spaces: Too small/],
      [{ spaces: ['A'], mode: 'partial' }, /mode: .*"incremental"\|"full"/],
      [{ spaces: ['A'], dryRun: 'yes' }, /dryRun: .*expected boolean/],
      [{ spaces: ['A'], priority: 'urgent' }, /priority: .*"critical"\|"high"\|"normal"\|"low"/],
      [{ spaces: ['A'], colour: 'red' }, /colour/],
      [{ spaces: [42] }, /spaces\.0: .*expected string/],
      [{ spaces: ['bad\nname'] }, /spaces\.0: no control characters/],
      [[1, 2], /expected object/],
    ];
    for (const [body, reason] of cases) {
      const response = await h.request('POST', '/api/v1/sync', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error).toBe('bad_request');
      expect(response.body.message).toMatch(reason);
    }
    const notJson = await h.request('POST', '/api/v1/sync', '{"spaces": [', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.message).toMatch(/JSON/i);
    const badLimit = await h.request('GET', '/api/v1/sync/jobs?limit=0');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.message).toMatch(/limit: Too small/);
    const badStatus = await h.request('GET', '/api/v1/sync/jobs?status=done');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.message).toMatch(/status: /);
    // Nothing was queued by any of them.
    expect((await h.request('GET', '/api/v1/sync/jobs')).body.jobs).toEqual([]);
  });

  it('answers 404 for an unknown job (GET and DELETE) and an unknown route', async () => {
    harness = await startHarness();
    const h = harness;
    const unknown = await h.request('GET', '/api/v1/sync/3f0c6a55-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not_found', message: 'no job 3f0c6a55-0000-4000-8000-000000000000' });
    expect((await h.request('DELETE', '/api/v1/sync/nope')).status).toBe(404);
    expect((await h.request('GET', '/api/v2/anything')).status).toBe(404);
  });

  it('refuses a job for a space that is already running with 409 (jobs.onBusy = reject)', async () => {
    harness = await startHarness();
    const h = harness;
    h.gate.holdAfter('ds_a', 1);
    const running = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    await h.gate.reached('ds_a', 1);
    const busy = await h.request('POST', '/api/v1/sync', { spaces: ['B', 'A'] });
    expect(busy.status).toBe(409);
    expect(busy.body.error).toBe('space_busy');
    expect(busy.body.conflictingJob).toBe(running.body.id);
    expect(busy.body.message).toMatch(/covers A$/);
    // Another space is not busy.
    const other = await h.request('POST', '/api/v1/sync', { spaces: ['B'] });
    expect(other.status).toBe(202);
    h.gate.release();
    expect((await h.waitForJob(running.body.id)).status).toBe('succeeded');
    expect((await h.waitForJob(other.body.id)).status).toBe('succeeded');
  });

  it('queues a job for a busy space instead when jobs.onBusy = queue, and runs it after', async () => {
    harness = await startHarness({ config: { jobs: { onBusy: 'queue' } } });
    const h = harness;
    h.gate.holdAfter('ds_a', 1);
    const first = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    await h.gate.reached('ds_a', 1);
    const second = await h.request('POST', '/api/v1/sync', { spaces: ['A'], mode: 'full' });
    expect(second.status).toBe(202);
    expect((await h.request('GET', `/api/v1/sync/${second.body.id}`)).body.status).toBe('queued');
    h.gate.release();
    const done = await h.waitForJob(second.body.id);
    expect(done.status).toBe('succeeded');
    expect(Date.parse(done.startedAt)).toBeGreaterThanOrEqual(Date.parse((await h.waitForJob(first.body.id)).finishedAt));
    expect(done.summary.strategies.full).toBe(12);
  });

  it('DELETE cancels a running job at the next asset boundary; DELETE on a finished job is 409', async () => {
    harness = await startHarness();
    const h = harness;
    h.gate.holdAfter('ds_a', 3);
    const job = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    await h.gate.reached('ds_a', 3);
    const cancel = await h.request('DELETE', `/api/v1/sync/${job.body.id}`);
    expect(cancel.status).toBe(202);
    expect(cancel.body.cancelRequested).toBe(true);
    h.gate.release();
    const done = await h.waitForJob(job.body.id);
    expect(done.status).toBe('cancelled');
    expect(done.summary.status).toBe('stopped');
    // The write held at the gate was already in flight: it completes; nothing after it starts.
    expect(h.gate.written('ds_a')).toBe(4);
    const again = await h.request('DELETE', `/api/v1/sync/${job.body.id}`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already_finished');
  });

  it('GET /healthz, /readyz and /metrics', async () => {
    harness = await startHarness();
    const h = harness;
    const health = await h.request('GET', '/healthz');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    const ready = await h.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ ready: true, checks: { config: 'ok', source: 'ok', target: 'ok' } });

    const job = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    await h.waitForJob(job.body.id);
    const metrics = await h.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toMatch(/^catalog_sync_runs_total\{outcome="succeeded",trigger="api"\} 1$/m);
    expect(metrics.body).toMatch(/^catalog_sync_assets_total\{change="created"\} 12$/m);
    expect(metrics.body).toMatch(/^catalog_sync_requests_total\{system="file",direction="write"\} \d+$/m);
    expect(metrics.body).toMatch(/^catalog_sync_bytes_total\{system="csn-files",direction="received"\} [1-9]\d*$/m);
    expect(metrics.body).toMatch(/^catalog_sync_run_duration_seconds_count 1$/m);
    expect(metrics.body).toMatch(/^catalog_sync_last_success_timestamp_seconds\{space="A"\} \d+(\.\d+)?$/m);
    expect(metrics.body).toMatch(/^catalog_sync_queue_depth 0$/m);
  });

  it('/readyz answers 503 naming the check that failed when the source cannot be reached', async () => {
    harness = await startHarness();
    const h = harness;
    await rm(path.join(h.root, 'export'), { recursive: true, force: true });
    const ready = await h.request('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ ready: false, checks: { config: 'ok', source: 'unreachable', target: 'ok' } });
    // Liveness is not readiness: the process is fine.
    expect((await h.request('GET', '/healthz')).status).toBe(200);
  });

  it('answers 503 to new jobs once shutdown has begun, and /readyz turns 503', async () => {
    harness = await startHarness();
    const h = harness;
    h.gate.holdAfter('ds_a', 1);
    const job = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    await h.gate.reached('ds_a', 1);
    const stopping = h.daemon.stop();
    const refused = await h.request('POST', '/api/v1/sync', { spaces: ['B'] });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toBe('shutting_down');
    expect((await h.request('GET', '/readyz')).status).toBe(503);
    // Progress stays visible while running jobs wind down.
    expect((await h.request('GET', `/api/v1/sync/${job.body.id}`)).body.status).toBe('running');
    h.gate.release();
    expect(await stopping).toEqual({ drained: true });
    expect(h.daemon.manager.get(job.body.id)?.status).toBe('stopped');
  });
});

describe('job API authorisation', () => {
  const TOKEN = 'a-long-enough-bearer-token-4711';

  it('with api.tokenEnv set, requests without the right bearer token get 401; probes stay open', async () => {
    harness = await startHarness({ config: { api: { tokenEnv: 'SYNC_API_TOKEN' } }, env: { SYNC_API_TOKEN: TOKEN } });
    const h = harness;
    const none = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.body.error).toBe('unauthorized');
    expect(JSON.stringify(none.body)).not.toContain(TOKEN);
    expect((await h.request('POST', '/api/v1/sync', { spaces: ['A'] }, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await h.request('GET', '/api/v1/sync/jobs', undefined, { authorization: TOKEN })).status).toBe(401);
    expect((await h.request('GET', '/metrics')).status).toBe(401);
    expect((await h.request('GET', '/healthz')).status).toBe(200);
    expect((await h.request('GET', '/readyz')).status).toBe(200);
    const ok = await h.request('POST', '/api/v1/sync', { spaces: ['A'] }, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(202);
    expect((await h.request('GET', '/api/v1/sync/jobs', undefined, { authorization: `bearer ${TOKEN}` })).body.jobs).toHaveLength(1);
    // Nothing was queued by the refused requests.
    expect(h.daemon.manager.list({ limit: 10 })).toHaveLength(1);
  });

  it('never logs the token, whether a request carried the right one, a wrong one or none', async () => {
    const logger = capturingLogger();
    harness = await startHarness({ config: { api: { tokenEnv: 'SYNC_API_TOKEN' } }, env: { SYNC_API_TOKEN: TOKEN }, logger });
    const h = harness;
    await h.request('GET', '/api/v1/sync/jobs', undefined, { authorization: `Bearer ${TOKEN.slice(0, -1)}` });
    const ok = await h.request('POST', '/api/v1/sync', { spaces: ['A'] }, { authorization: `Bearer ${TOKEN}` });
    await h.request('GET', `/api/v1/sync/${ok.body.id}?token=${TOKEN}`, undefined, { authorization: `Bearer ${TOKEN}` });
    await h.daemon.manager.whenIdle();
    await h.daemon.stop();
    expect(logger.lines.some((line) => line.includes('job finished'))).toBe(true);
    expect(logger.lines.filter((line) => line.includes(TOKEN.slice(0, 12)))).toEqual([]);
  });

  it('refuses to start on a non-loopback address without a token, and when the token variable is unset', async () => {
    await expect(startHarness({ config: { api: { host: '0.0.0.0' } } })).rejects.toThrow(DaemonConfigError);
    await expect(startHarness({ config: { api: { host: '0.0.0.0' } } })).rejects.toThrow(/api\.host: 0\.0\.0\.0 .*api\.tokenEnv/);
    await expect(startHarness({ config: { api: { tokenEnv: 'NOT_SET_ANYWHERE' } }, env: {} })).rejects.toThrow(
      /api\.tokenEnv: environment variable NOT_SET_ANYWHERE is not set/,
    );
  });
});
