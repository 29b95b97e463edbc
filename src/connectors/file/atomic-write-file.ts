import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes through a temp file in the same folder and renames it over the target, so a reader (or a crash) sees
 * the old file or the new one, never half of one. Temp names start with a dot; readers skip them. A crash
 * between write and rename leaves the temp file behind: removeStaleTempFiles cleans those up.
 */
export async function atomicWriteFile(file: string, data: string): Promise<void> {
  const temp = join(dirname(file), tempFileName());
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
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
