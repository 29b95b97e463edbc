import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

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
  await fs.mkdir(path.dirname(lockPath), { recursive: true });

  for (let attempt = 1; ; attempt++) {
    try {
      const handle = await fs.open(lockPath, 'wx', 0o644);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return new FileLock(lockPath, info, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }

    const holder = await readHolder(lockPath);
    if (holder === 'gone') continue; // released between our create and our read: just try again
    const stale = staleReason(holder, options.unreadableStaleAfterMs ?? 10_000, now());
    if (!stale || attempt >= MAX_ATTEMPTS) {
      const known = holder.info;
      throw new LockHeldError(lockPath, known?.pid, known?.hostname, known?.startedAt);
    }
    if (await removeIfUnchanged(lockPath, holder.text)) {
      options.onWarning?.(`took over stale checkpoint lock ${lockPath}: ${stale}`);
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
    // Only our own lock: if it was (wrongly) taken over, deleting the new holder's file would let a third run in.
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
 * Deletes the lock file only if it still holds `expected`. Two racing takeovers must not both win, so the file is
 * first moved aside with an atomic rename and checked there: if it turns out to be a fresh lock that another
 * process took a moment ago (not the stale one we judged), it is linked back — link() fails rather than overwrite
 * should yet another lock have appeared — and we report "not removed". A cheap re-read before the rename keeps us
 * from touching a fresh lock in the common case. What remains is a window of microseconds in which three processes
 * would have to start against the same stale lock at once; for a tool run from cron that is accepted.
 */
async function removeIfUnchanged(lockPath: string, expected: string): Promise<boolean> {
  try {
    if ((await fs.readFile(lockPath, 'utf8')) !== expected) return false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const aside = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await fs.rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    const text = await fs.readFile(aside, 'utf8');
    if (text === expected) return true;
    await fs.link(aside, lockPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    return false;
  } finally {
    await fs.rm(aside, { force: true });
  }
}
