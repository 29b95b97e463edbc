import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, test } from 'vitest';

import { acquireLock } from '../../src/state/lock-file.ts';
import { LockHeldError } from '../../src/state/state-errors.ts';
import { readJson, tempDir } from './helpers.ts';

const STARTED = '2026-01-01T00:00:00.000Z';

/** The pid of a process that has certainly exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('lock file', () => {
  test('holds {pid, hostname, startedAt}; a second acquire fails with LockHeldError naming the holder', async (t) => {
    const dir = await tempDir(t);
    const lockPath = path.join(dir, 'datasphere_checkpoints.lock');
    const lock = await acquireLock(lockPath, { now: () => new Date('2026-11-22T17:07:30.123Z') });
    expect(await readJson(lockPath)).toEqual({
      pid: process.pid,
      hostname: os.hostname(),
      startedAt: '2026-11-22T17:07:30.123Z',
    });

    const error = await acquireLock(lockPath).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect(error).toMatchObject({ code: 'LOCK_HELD', pid: process.pid, startedAt: '2026-11-22T17:07:30.123Z' });
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect((error as Error).message).toContain('2026-11-22T17:07:30.123Z');

    await lock.release();
    await lock.release(); // idempotent
    await expect(fs.access(lockPath)).rejects.toThrow();
    const again = await acquireLock(lockPath);
    await again.release();
  });

  test('a stale lock of a dead pid on this host is taken over, with a warning', async (t) => {
    const dir = await tempDir(t);
    const lockPath = path.join(dir, 'x.lock');
    const pid = await deadPid();
    await fs.writeFile(lockPath, JSON.stringify({ pid, hostname: os.hostname(), startedAt: STARTED }));

    const warnings: string[] = [];
    const lock = await acquireLock(lockPath, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`pid ${pid}`);
    expect(warnings[0]).toContain('stale');
    expect((await readJson(lockPath)).pid).toBe(process.pid);
    expect((await fs.readdir(dir)).sort()).toEqual(['x.lock']); // nothing left over from the takeover
    await lock.release();
  });

  test('a lock from another host is respected even if its pid means nothing here', async (t) => {
    const dir = await tempDir(t);
    const lockPath = path.join(dir, 'x.lock');
    const pid = await deadPid();
    const foreign = { pid, hostname: `${os.hostname()}-elsewhere`, startedAt: '2026-01-01T00:00:00.000Z' };
    await fs.writeFile(lockPath, JSON.stringify(foreign));
    await expect(acquireLock(lockPath)).rejects.toMatchObject({ code: 'LOCK_HELD', hostname: foreign.hostname });
    expect(await readJson(lockPath)).toEqual(foreign);
  });

  test('an unreadable lock file is respected while young and taken over when old', async (t) => {
    const dir = await tempDir(t);
    const lockPath = path.join(dir, 'x.lock');
    await fs.writeFile(lockPath, '');
    await expect(acquireLock(lockPath)).rejects.toMatchObject({ code: 'LOCK_HELD', pid: undefined });

    const old = new Date(Date.now() - 60_000);
    await fs.utimes(lockPath, old, old);
    const warnings: string[] = [];
    const lock = await acquireLock(lockPath, { onWarning: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(/unreadable lock file/);
    await lock.release();
  });

  test('release() does not delete a lock that is no longer ours', async (t) => {
    const dir = await tempDir(t);
    const lockPath = path.join(dir, 'x.lock');
    const lock = await acquireLock(lockPath);
    const someoneElse = JSON.stringify({ pid: 1, hostname: os.hostname(), startedAt: '2026-01-01T00:00:00.000Z' });
    await fs.writeFile(lockPath, someoneElse);
    await lock.release();
    expect(await fs.readFile(lockPath, 'utf8')).toBe(someoneElse);
  });

  test('concurrent acquirers racing for a stale lock: exactly one wins', async (t) => {
    const dir = await tempDir(t);
    const lockPath = path.join(dir, 'x.lock');
    const pid = await deadPid();
    await fs.writeFile(lockPath, JSON.stringify({ pid, hostname: os.hostname(), startedAt: STARTED }));
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => acquireLock(lockPath)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LockHeldError);
  });
});
