import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes through a temp file in the same folder and renames it over the target, so a reader (or a crash) sees
 * the old file or the new one, never half of one. Temp names start with a dot; readers skip them.
 */
export async function atomicWriteFile(file: string, data: string): Promise<void> {
  const temp = join(dirname(file), `.${randomUUID()}.tmp`);
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
