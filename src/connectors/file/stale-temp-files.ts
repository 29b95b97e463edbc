import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isTempFileName } from './atomic-write-file.ts';

/** The slice of a logger the cleanup reports through; pino's Logger satisfies it. */
export interface CleanupLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/**
 * A temp file younger than this may belong to a write in flight (another job writing to the same folder); a
 * write holds its temp file for milliseconds, so anything older was left by a process that died mid-write.
 */
export const STALE_TEMP_AFTER_MS = 60_000;

/**
 * Removes the temp files atomicWriteFile left behind in one folder when its process was killed between
 * writing and renaming (SIGKILL, power loss). Only names of our own pattern (`.<uuid>.tmp`) are candidates,
 * and only stale ones; nothing else in the folder is ever touched. Returns the names removed. A file that
 * cannot be removed is reported and left: it costs disk space, not correctness (readers skip dot files).
 */
export async function removeStaleTempFiles(
  folder: string,
  names: readonly string[],
  options: { now: () => Date; logger?: CleanupLogger },
): Promise<string[]> {
  const removed: string[] = [];
  const now = options.now().getTime();
  for (const name of names) {
    if (!isTempFileName(name)) continue;
    const file = join(folder, name);
    try {
      const info = await stat(file);
      if (!info.isFile() || now - info.mtimeMs < STALE_TEMP_AFTER_MS) continue;
      await rm(file, { force: true });
      removed.push(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // gone meanwhile: nothing to do
      options.logger?.warn({ file, err: (error as Error).message }, 'could not remove a stale temp file');
    }
  }
  if (removed.length > 0) {
    options.logger?.info({ folder, removed: removed.length, files: removed.slice(0, 20) }, 'removed temp files left by an interrupted write');
  }
  return removed;
}
