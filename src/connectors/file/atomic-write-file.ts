import { randomUUID } from 'node:crypto';
import { closeSync, fsync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const fsyncAsync = promisify(fsync);

/**
 * Writes through a temp file in the same folder and renames it over the target, so a reader (or a crash) sees
 * the old file or the new one, never half of one; the temp file is flushed to disk before the rename, so a rename
 * that survives a power loss names whole bytes. Temp names start with a dot; readers skip them. A crash between
 * write and rename leaves the temp file behind: removeStaleTempFiles cleans those up.
 *
 * Only the flush goes to the thread pool. The open, write, close and rename of a table file take microseconds on
 * a local disk, while each promise call is a round trip through the pool that costs several times the call
 * itself: at 100k tables, five round trips a file were a third of a first run's CPU. The flush waits on the
 * disk, so it stays off the event loop, and the flushes of concurrent writes overlap.
 */
export async function atomicWriteFile(file: string, data: string): Promise<void> {
  const temp = join(dirname(file), tempFileName());
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'w');
    const bytes = Buffer.from(data, 'utf8');
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
    await fsyncAsync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    rmSync(temp, { force: true });
    throw error;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // The write's own error is the one to report.
  }
}

/** `.<uuid>.tmp`: the one pattern our temp files have, so cleanup can tell them from anything else. */
const TEMP_FILE = /^\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

function tempFileName(): string {
  return `.${randomUUID()}.tmp`;
}

export function isTempFileName(name: string): boolean {
  return TEMP_FILE.test(name);
}
