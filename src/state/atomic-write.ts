import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

import { isProcessAlive } from './process-alive.ts';

/**
 * Crash-safe file replacement. The sequence is the classic one: write a temp file in the target's own folder (a
 * rename is only atomic within one filesystem), fsync it (so the rename can never expose a file whose blocks are
 * not on disk yet), rename it over the target (atomic: readers and a crash see the old or the new file, nothing in
 * between), then fsync the folder (so the rename itself survives a power cut). A process killed at any point leaves
 * at most a stray temp file, which removeStaleTempFiles() clears later.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
): Promise<void> {
  const dir = path.dirname(target);
  const temp = tempPathFor(dir, path.basename(target));
  try {
    // 'wx': a temp name is never shared, so finding one means something is badly wrong; never write through it.
    const handle = await fs.open(temp, 'wx', 0o644);
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) {
        await handle.writeFile(data);
      } else if (Symbol.asyncIterator in data) {
        // A stream (a compressed checkpoint): written as its chunks come.
        for await (const chunk of data) await handle.writeFile(chunk);
      } else {
        // Chunk by chunk: a 100k-entry checkpoint never needs one 50 MB buffer.
        for (const chunk of data) await handle.writeFile(chunk);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => {});
    throw error;
  }
  try {
    await fsyncDirectory(dir);
  } catch (error) {
    if (typeof error === 'object' && error !== null) afterRename.add(error);
    throw error;
  }
}

/** Errors of a writeFileAtomic() whose new file was renamed into place before the folder's fsync failed. */
const afterRename = new WeakSet<object>();

/**
 * Whether writeFileAtomic() failed after the new file took the target's name: its content is what readers see now,
 * only the rename's durability across a power cut is in doubt.
 */
export function failedAfterRename(error: unknown): boolean {
  return typeof error === 'object' && error !== null && afterRename.has(error);
}

/** Copies `source` over `target` with the same guarantees as writeFileAtomic. */
export async function copyFileAtomic(source: string, target: string): Promise<void> {
  await copyFileAtomicTo(source, path.dirname(target), path.basename(target), async (temp) => {
    await fs.rename(temp, target);
    return target;
  });
}

/**
 * Copies `source` to the first of `targetFor(0)`, `targetFor(1)`, … that does not exist yet, atomically, and returns
 * the name it got. Gives every backup a name of its own even when two are made in the same millisecond.
 */
export async function copyFileAtomicUnique(
  source: string,
  dir: string,
  targetFor: (attempt: number) => string,
): Promise<string> {
  return copyFileAtomicTo(source, dir, path.basename(source), async (temp) => {
    for (let attempt = 0; ; attempt++) {
      const target = targetFor(attempt);
      if (await renameNoReplace(temp, target)) return target;
    }
  });
}

/** `label` names the temp file after the checkpoint it belongs to, so removeStaleTempFiles() finds leftovers. */
async function copyFileAtomicTo(
  source: string,
  dir: string,
  label: string,
  place: (temp: string) => Promise<string>,
): Promise<string> {
  const temp = tempPathFor(dir, label);
  let placed: string;
  try {
    // FICLONE makes it a cheap copy-on-write clone where the filesystem can (btrfs, xfs), a plain copy elsewhere.
    await fs.copyFile(source, temp, fsConstants.COPYFILE_EXCL | fsConstants.COPYFILE_FICLONE);
    await fsyncFile(temp);
    placed = await place(temp);
  } finally {
    await fs.rm(temp, { force: true });
  }
  await fsyncDirectory(dir);
  return placed;
}

/**
 * Moves `from` to `to` unless `to` exists. A hard link is the only portable exclusive "rename": link() fails with
 * EEXIST instead of replacing. Where hard links are not supported, fall back to check-then-rename, which is only
 * racy against a concurrent writer of the same name — and the checkpoint lock rules that out.
 */
export async function renameNoReplace(from: string, to: string): Promise<boolean> {
  try {
    await fs.link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    if (await exists(to)) return false;
    await fs.rename(from, to);
    return true;
  }
  await fs.rm(from, { force: true });
  return true;
}

export async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes a rename/create/unlink in `dir` durable. Some platforms (Windows) cannot open or fsync a directory; there
 * the rename is as durable as the OS makes it and we carry on.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

/** `.<label>.<pid>.<random>.tmp` — hidden, and carrying the pid so a leftover can be told from a live write. */
export function tempPathFor(dir: string, label: string): string {
  return path.join(dir, `.${label}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Deletes temp files with this label left behind by processes that no longer exist (a SIGKILL between the create and
 * the rename). Temp files of live processes are left alone: they may be mid-write.
 */
export async function removeStaleTempFiles(dir: string, label: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const prefix = `.${label}.`;
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
    if (!m || isProcessAlive(Number(m[1]))) continue;
    await fs.rm(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
