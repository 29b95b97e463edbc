import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockHeldError } from '../../src/state/state-errors.ts';
import { waitForLock } from '../../src/state/wait-for-lock.ts';

let dir: string;
let lockPath: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wait-lock-'));
  lockPath = path.join(dir, 'x.lock');
  // Held by a live process on this host (this one), so it is never taken over as stale.
  await writeFile(lockPath, JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() }));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('waitForLock', () => {
  it('fails at once with LockHeldError when asked not to wait', async () => {
    await expect(waitForLock(lockPath, { waitMs: 0 })).rejects.toBeInstanceOf(LockHeldError);
  });

  it('takes the lock once the holder releases it during the wait', async () => {
    let waits = 0;
    const lock = await waitForLock(lockPath, {
      waitMs: 60_000,
      onWait: () => (waits += 1),
      // The holder finishes while we sleep.
      sleep: async () => rm(lockPath),
    });
    expect(waits).toBe(1);
    expect(lock.info.pid).toBe(process.pid);
    await lock.release();
  });

  it('gives up with LockHeldError when the wait runs out', async () => {
    let clock = 0;
    let sleeps = 0;
    const attempt = waitForLock(lockPath, {
      waitMs: 5_000,
      now: () => new Date(clock),
      sleep: async (ms) => {
        sleeps += 1;
        clock += ms;
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(LockHeldError);
    expect(sleeps).toBe(10); // 5 s in polls of 500 ms, then one last attempt
  });
});
