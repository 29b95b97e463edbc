import { setTimeout as delay } from 'node:timers/promises';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { checkpointWriteError } from './checkpoint-write-error.ts';
import { isProcessAlive } from './process-alive.ts';
import { LockHeldError } from './state-errors.ts';

/** What a lock file holds (JSON). */
export interface LockInfo {
  pid: number;
  hostname: string;
  /** ISO-8601 UTC. */
  startedAt: string;
}

export interface Lock {
  readonly path: string;
  readonly info: LockInfo;
  /** Deletes the lock file if it is still ours; safe to call twice. */
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  onWarning?: (message: string) => void;
  now?: () => Date;
  /**
   * A lock file that cannot be parsed is normally one another process has created but not yet written; only once it
   * is this old is it treated as the leftover of a crash between create and write. Default 10 s.
   */
  unreadableStaleAfterMs?: number;
}

/** Takeover races are retried a few times before giving up with LockHeldError. */
const MAX_ATTEMPTS = 5;

/**
 * Takes an exclusive lock by creating `lockPath` with O_EXCL (`wx`), which the OS guarantees only one process can
 * win. A lock left behind by a crashed run on this host (its pid no longer exists) is taken over with a warning;
 * a lock from another host is always respected, since its pid means nothing here.
 */
export async function acquireLock(lockPath: string, options: AcquireLockOptions = {}): Promise<Lock> {
  const now = options.now ?? (() => new Date());
  const info: LockInfo = { pid: process.pid, hostname: os.hostname(), startedAt: now().toISOString() };
  const text = `${JSON.stringify(info)}\n`;
  try {
    await fs.mkdir(path.dirname(lockPath), { recursive: true });
  } catch (error) {
    throw checkpointWriteError(lockPath, 'lock', error);
  }

  for (let attempt = 1; ; attempt++) {
    let handle;
    try {
      handle = await fs.open(lockPath, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw checkpointWriteError(lockPath, 'lock', error);
    }
    if (handle) {
      try {
        await handle.writeFile(text);
        await handle.sync();
      } catch (error) {
        // A lock file we created but could not fill (a full disk) would hold every later run off as "being written"
        // until it looks stale: it is ours, so it goes.
        await handle.close().catch(() => {});
        await fs.rm(lockPath, { force: true }).catch(() => {});
        throw checkpointWriteError(lockPath, 'lock', error);
      }
      await handle.close();
      return new FileLock(lockPath, info, text);
    }

    const holder = await readHolder(lockPath);
    if (holder === 'gone') continue; // released between our create and our read: just try again
    const stale = staleReason(holder, options.unreadableStaleAfterMs ?? 10_000, now());
    if (!stale || attempt >= MAX_ATTEMPTS) {
      const known = holder.info;
      throw new LockHeldError(lockPath, known?.pid, known?.hostname, known?.startedAt);
    }
    if (await removeStale(lockPath, holder.text)) {
      options.onWarning?.(`took over stale checkpoint lock ${lockPath}: ${stale}`);
    } else {
      // Another run is taking the same stale lock over: give it a moment, then look again.
      await delay(5 * attempt);
    }
  }
}

class FileLock implements Lock {
  #released = false;

  constructor(
    readonly path: string,
    readonly info: LockInfo,
    readonly text: string,
  ) {}

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    // Only our own lock: should it ever have been taken over, the new holder's file is not ours to delete.
    await removeIfUnchanged(this.path, this.text);
  }
}

interface Holder {
  text: string;
  info?: LockInfo;
  mtimeMs: number;
}

async function readHolder(lockPath: string): Promise<Holder | 'gone'> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    return { text, mtimeMs: stat.mtimeMs, ...parseInfo(text) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

function parseInfo(text: string): { info?: LockInfo } {
  try {
    const value = JSON.parse(text) as Partial<LockInfo>;
    if (Number.isInteger(value.pid) && typeof value.hostname === 'string' && typeof value.startedAt === 'string') {
      return { info: value as LockInfo };
    }
  } catch {
    // unreadable: handled by the caller
  }
  return {};
}

/** Why the holder is stale, or undefined when it must be respected. */
function staleReason(holder: Holder, unreadableStaleAfterMs: number, now: Date): string | undefined {
  if (!holder.info) {
    const age = now.getTime() - holder.mtimeMs;
    return age >= unreadableStaleAfterMs ? `unreadable lock file, ${Math.round(age / 1000)} s old` : undefined;
  }
  const { pid, hostname, startedAt } = holder.info;
  if (hostname !== os.hostname() || isProcessAlive(pid)) return undefined;
  return `pid ${pid} (started ${startedAt}) is no longer running on ${hostname}`;
}

/**
 * Deletes a stale lock file, only if it still holds what we judged stale. Takeovers are serialised by a second
 * O_EXCL file (`<lock>.takeover`): under it, a lock file whose content still equals the stale holder's cannot change
 * under us — a fresh lock can only be created where none exists, and only its own (living) holder removes it — so
 * "read, compare, unlink" is safe. Racing takeovers that lose the mutex back off and look again.
 */
async function removeStale(lockPath: string, expected: string): Promise<boolean> {
  const mutex = `${lockPath}.takeover`;
  try {
    await (await fs.open(mutex, 'wx', 0o644)).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    await clearAbandonedMutex(mutex);
    return false;
  }
  try {
    return await removeIfUnchanged(lockPath, expected);
  } finally {
    await fs.rm(mutex, { force: true });
  }
}

/** A takeover takes milliseconds; a mutex much older than that was left by a process that died in it. */
const ABANDONED_MUTEX_MS = 30_000;

async function clearAbandonedMutex(mutex: string): Promise<void> {
  try {
    if (Date.now() - (await fs.stat(mutex)).mtimeMs > ABANDONED_MUTEX_MS) await fs.rm(mutex, { force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Deletes the lock file if it holds `expected`: our own lock on release, or a stale one under the takeover mutex. */
async function removeIfUnchanged(lockPath: string, expected: string): Promise<boolean> {
  try {
    if ((await fs.readFile(lockPath, 'utf8')) !== expected) return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  await fs.rm(lockPath, { force: true });
  return true;
}
