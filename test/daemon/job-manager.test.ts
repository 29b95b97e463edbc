import { describe, expect, it } from 'vitest';
import type { CheckpointEntry, CheckpointStore } from '../../src/catalog/checkpoint.ts';
import { CheckpointLease } from '../../src/daemon/checkpoint-lease.ts';
import type { Job, JobPriority, JobRequest } from '../../src/daemon/job.ts';
import type { JobResult, Timer } from '../../src/daemon/job-manager.ts';
import { JobManager } from '../../src/daemon/job-manager.ts';
import { silentLogger } from './support/daemon-harness.ts';

function memoryStore(): CheckpointStore & { flushes: number } {
  const entries = new Map<string, CheckpointEntry>();
  return {
    flushes: 0,
    get: (id) => entries.get(id),
    all: () => [...entries.values()],
    put: async (e) => void entries.set(e.assetId, e),
    remove: async (id) => void entries.delete(id),
    async flush() {
      this.flushes += 1;
    },
  };
}

const lease = () => {
  const store = memoryStore();
  return { store, acquire: async () => store, release: async () => {} };
};

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function request(spaces: string[], priority: JobPriority = 'normal'): JobRequest {
  return { spaces, mode: 'incremental', dryRun: false, priority, trigger: 'api' };
}

/** Timers that fire only when the test says so. */
function manualTimers() {
  const pending: { callback: () => void; ms: number; cancelled: boolean }[] = [];
  return {
    pending,
    setTimer: (callback: () => void, ms: number): Timer => {
      const timer = { callback, ms, cancelled: false };
      pending.push(timer);
      return { cancel: () => void (timer.cancelled = true) };
    },
    fireAll() {
      for (const timer of pending.splice(0)) if (!timer.cancelled) timer.callback();
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('JobManager', () => {
  it('starts queued jobs in priority order, oldest first within a priority, when the queue is full', async () => {
    const started: string[] = [];
    const blockers = new Map<string, ReturnType<typeof deferred>>();
    const manager = new JobManager({
      concurrency: 2,
      onBusy: 'reject',
      keepFinished: 100,
      lockRetryMs: 1000,
      lease: lease(),
      logger: silentLogger,
      run: async (job): Promise<JobResult> => {
        const name = job.request.spaces[0] as string;
        started.push(name);
        await blockers.get(name)?.promise;
        return { outcome: 'succeeded' };
      },
    });
    for (const name of ['BLOCK1', 'BLOCK2']) blockers.set(name, deferred());
    manager.submit(request(['BLOCK1']));
    manager.submit(request(['BLOCK2']));
    await tick();
    expect(manager.runningCount).toBe(2);

    const submissions: [string, JobPriority][] = [
      ['L1', 'low'],
      ['N1', 'normal'],
      ['C1', 'critical'],
      ['H1', 'high'],
      ['N2', 'normal'],
      ['L2', 'low'],
      ['C2', 'critical'],
      ['H2', 'high'],
    ];
    for (const [name, priority] of submissions) expect(manager.submit(request([name], priority)).accepted).toBe(true);
    expect(manager.queueDepth).toBe(8);
    blockers.get('BLOCK1')?.resolve();
    blockers.get('BLOCK2')?.resolve();
    await manager.whenIdle();
    expect(started).toEqual(['BLOCK1', 'BLOCK2', 'C1', 'C2', 'H1', 'H2', 'N1', 'N2', 'L1', 'L2']);
    expect(manager.list({ limit: 100 }).every((job) => job.status === 'succeeded')).toBe(true);
  });

  it('never runs two jobs on one space at once; a job waiting for its space does not hold back others', async () => {
    const running = new Map<string, number>();
    let maxOnOneSpace = 0;
    const started: string[] = [];
    const gate = deferred();
    const manager = new JobManager({
      concurrency: 3,
      onBusy: 'queue',
      keepFinished: 100,
      lockRetryMs: 1000,
      lease: lease(),
      logger: silentLogger,
      run: async (job) => {
        started.push(job.request.trigger);
        for (const s of job.request.spaces) running.set(s, (running.get(s) ?? 0) + 1);
        maxOnOneSpace = Math.max(maxOnOneSpace, ...[...running.values()]);
        if (job.request.trigger === 'first') await gate.promise;
        await tick();
        for (const s of job.request.spaces) running.set(s, (running.get(s) ?? 0) - 1);
        return { outcome: 'succeeded' };
      },
    });
    manager.submit({ ...request(['S']), trigger: 'first' });
    await tick();
    manager.submit({ ...request(['S', 'T'], 'critical'), trigger: 'critical-on-S' });
    manager.submit({ ...request(['U'], 'low'), trigger: 'low-on-U' });
    manager.submit({ ...request(['S'], 'high'), trigger: 'high-on-S' });
    await tick();
    // The critical job waits for S; the low one on U starts past it.
    expect(started).toEqual(['first', 'low-on-U']);
    expect(manager.list({ limit: 10, status: 'queued' }).map((job) => job.request.trigger)).toEqual(['high-on-S', 'critical-on-S']);
    gate.resolve();
    await manager.whenIdle();
    expect(started).toEqual(['first', 'low-on-U', 'critical-on-S', 'high-on-S']);
    expect(maxOnOneSpace).toBe(1);
  });

  it('cancels a queued job at once; it never runs', async () => {
    const gate = deferred();
    const ran: string[] = [];
    const manager = new JobManager({
      concurrency: 1,
      onBusy: 'reject',
      keepFinished: 100,
      lockRetryMs: 1000,
      lease: lease(),
      logger: silentLogger,
      run: async (job) => {
        ran.push(job.request.spaces[0] as string);
        await gate.promise;
        return { outcome: 'succeeded' };
      },
    });
    manager.submit(request(['A']));
    const queued = manager.submit(request(['B']));
    if (!queued.accepted) throw new Error('not accepted');
    const cancelled = manager.cancel(queued.job.id);
    expect(cancelled).toMatchObject({ found: true, wasFinished: false });
    expect(queued.job.status).toBe('cancelled');
    expect(manager.cancel('unknown')).toEqual({ found: false });
    gate.resolve();
    await manager.whenIdle();
    expect(ran).toEqual(['A']);
    expect(manager.cancel(queued.job.id)).toMatchObject({ found: true, wasFinished: true });
  });

  it('waits while another process holds the checkpoint lock, and starts once it can take it', async () => {
    const timers = manualTimers();
    const store = memoryStore();
    let attempts = 0;
    const ran: string[] = [];
    const manager = new JobManager({
      concurrency: 2,
      onBusy: 'reject',
      keepFinished: 100,
      lockRetryMs: 2500,
      setTimer: timers.setTimer,
      logger: silentLogger,
      lease: {
        acquire: async () => {
          attempts += 1;
          if (attempts <= 2) throw Object.assign(new Error('checkpoint lock held by pid 42'), { code: 'LOCK_HELD' });
          return store;
        },
        release: async () => {},
      },
      run: async (job) => {
        ran.push(job.request.spaces[0] as string);
        return { outcome: 'succeeded' };
      },
    });
    const a = manager.submit(request(['A']));
    const b = manager.submit(request(['B']));
    if (!a.accepted || !b.accepted) throw new Error('not accepted');
    await tick();
    expect(ran).toEqual([]);
    expect(a.job.status).toBe('queued');
    expect(a.job.progress.phase).toBe('waiting-for-lock');
    // One retry timer for the whole queue, at the configured interval.
    expect(timers.pending.filter((t) => !t.cancelled).map((t) => t.ms)).toEqual([2500]);
    timers.fireAll();
    await manager.whenIdle();
    expect(ran.sort()).toEqual(['A', 'B']);
    expect(a.job.status).toBe('succeeded');
  });

  it('close(): cancels queued jobs, stops running ones at their next boundary, and reports whether it drained in time', async () => {
    const timers = manualTimers();
    const ignoreAbort = deferred();
    const manager = new JobManager({
      concurrency: 2,
      onBusy: 'reject',
      keepFinished: 100,
      lockRetryMs: 1000,
      setTimer: timers.setTimer,
      lease: lease(),
      logger: silentLogger,
      run: async (job: Job): Promise<JobResult> => {
        if (job.request.spaces[0] === 'STUCK') {
          await ignoreAbort.promise;
          return { outcome: 'succeeded' };
        }
        await new Promise((resolve) => job.controller.signal.addEventListener('abort', resolve));
        return { outcome: 'interrupted' };
      },
    });
    const polite = manager.submit(request(['POLITE']));
    const stuck = manager.submit(request(['STUCK']));
    const queued = manager.submit(request(['LATER']));
    if (!polite.accepted || !stuck.accepted || !queued.accepted) throw new Error('not accepted');
    await tick();
    const closing = manager.close(30_000);
    expect(manager.submit(request(['NEW']))).toEqual({ accepted: false, reason: 'closed' });
    expect(queued.job.status).toBe('cancelled');
    expect(queued.job.error?.code).toBe('SHUTDOWN');
    await tick();
    expect(polite.job.status).toBe('stopped');
    expect(timers.pending.map((t) => t.ms)).toEqual([30_000]);
    timers.fireAll();
    expect(await closing).toBe(false);
    ignoreAbort.resolve();
    await manager.whenIdle();
  });
});

describe('CheckpointLease', () => {
  it('holds the lock while any job uses the store, releases it when idle, and reads the file again on retaking', async () => {
    const events: string[] = [];
    let opened = 0;
    const stores: ReturnType<typeof memoryStore>[] = [];
    const lease = new CheckpointLease({
      logger: silentLogger,
      lock: async () => {
        events.push('lock');
        return { release: async () => void events.push('unlock') };
      },
      open: async () => {
        opened += 1;
        events.push(`open#${opened}`);
        const store = memoryStore();
        stores.push(store);
        return store;
      },
    });
    const first = await lease.acquire();
    const second = await lease.acquire();
    expect(second).toBe(first);
    expect(lease.held).toBe(true);
    await lease.release();
    expect(lease.held).toBe(true);
    await lease.release();
    expect(lease.held).toBe(false);
    expect(stores[0]?.flushes).toBe(1);
    const third = await lease.acquire();
    expect(third).not.toBe(first);
    await lease.release();
    expect(events).toEqual(['lock', 'open#1', 'unlock', 'lock', 'open#2', 'unlock']);
  });

  it('a failed open gives the lock back; a held lock leaves nothing behind', async () => {
    let unlocked = 0;
    const lease = new CheckpointLease({
      logger: silentLogger,
      lock: async () => ({ release: async () => void (unlocked += 1) }),
      open: async () => {
        throw new Error('corrupt');
      },
    });
    await expect(lease.acquire()).rejects.toThrow('corrupt');
    expect(unlocked).toBe(1);
    expect(lease.held).toBe(false);
    expect(lease.users).toBe(0);
  });
});
