import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Harness } from './support/daemon-harness.ts';
import { startHarness } from './support/daemon-harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const CLIENTS = 20;
const PER_CLIENT = 10;

describe('a bounded burst on loopback', () => {
  it('answers 200 requests from 20 concurrent clients, each correctly', async () => {
    harness = await startHarness({ spaces: { A: 10 } });
    const h = harness;
    h.gate.holdAfter('ds_a', 1);
    const running = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
    await h.gate.reached('ds_a', 1);
    const runningId: string = running.body.id;

    type Check = { kind: string; ok: boolean; detail: string };
    const one = async (client: number, n: number): Promise<Check> => {
      const kind = (client * PER_CLIENT + n) % 8;
      switch (kind) {
        case 0: {
          const r = await h.request('GET', '/healthz');
          return { kind: 'healthz', ok: r.status === 200 && r.body.status === 'ok', detail: `${r.status}` };
        }
        case 1: {
          const r = await h.request('GET', '/api/v1/sync/jobs?limit=5');
          return { kind: 'list', ok: r.status === 200 && Array.isArray(r.body.jobs) && r.body.jobs.length <= 5, detail: `${r.status}` };
        }
        case 2: {
          const r = await h.request('GET', `/api/v1/sync/${runningId}`);
          return { kind: 'get', ok: r.status === 200 && r.body.id === runningId && r.body.status === 'running', detail: `${r.status} ${r.body.status}` };
        }
        case 3: {
          const r = await h.request('GET', `/api/v1/sync/${randomUUID()}`);
          return { kind: 'unknown', ok: r.status === 404 && r.body.error === 'not_found', detail: `${r.status}` };
        }
        case 4: {
          const r = await h.request('POST', '/api/v1/sync', { spaces: 'A' });
          return { kind: 'bad', ok: r.status === 400 && /spaces: /.test(r.body.message), detail: `${r.status}` };
        }
        case 5: {
          const r = await h.request('POST', '/api/v1/sync', { spaces: ['A'] });
          return { kind: 'busy', ok: r.status === 409 && r.body.conflictingJob === runningId, detail: `${r.status}` };
        }
        case 6: {
          const r = await h.request('GET', '/metrics');
          return { kind: 'metrics', ok: r.status === 200 && /^catalog_sync_jobs_running \d+$/m.test(r.body), detail: `${r.status}` };
        }
        default: {
          const r = await h.request('POST', '/api/v1/sync', { spaces: [`BURST_${client}_${n}`], dryRun: true, priority: 'low' });
          return { kind: 'submit', ok: r.status === 202 && typeof r.body.id === 'string' && r.body.priority === 'low', detail: `${r.status}` };
        }
      }
    };
    const clients = Array.from({ length: CLIENTS }, async (_, client) => {
      const checks: Check[] = [];
      for (let n = 0; n < PER_CLIENT; n++) checks.push(await one(client, n));
      return checks;
    });
    const checks = (await Promise.all(clients)).flat();

    expect(checks).toHaveLength(200);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    const byKind = Object.fromEntries(['healthz', 'list', 'get', 'unknown', 'bad', 'busy', 'metrics', 'submit'].map((k) => [k, checks.filter((c) => c.kind === k).length]));
    expect(byKind).toEqual({ healthz: 25, list: 25, get: 25, unknown: 25, bad: 25, busy: 25, metrics: 25, submit: 25 });
    // Exactly the accepted submissions became jobs: the running one plus 25.
    expect(h.daemon.manager.list({ limit: 1000 })).toHaveLength(26);

    h.gate.release();
    await h.daemon.manager.whenIdle();
    expect(h.daemon.manager.get(runningId)?.status).toBe('succeeded');
  });
});
