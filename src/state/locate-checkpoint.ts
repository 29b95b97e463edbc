import fs from 'node:fs/promises';
import path from 'node:path';

import { fsyncDirectory, renameNoReplace } from './atomic-write.ts';
import { scanBackups } from './backups.ts';
import { journalPathFor } from './checkpoint-journal.ts';
import { legacyCheckpointPaths } from './checkpoint-paths.ts';
import type { CheckpointPaths } from './checkpoint-paths.ts';

/**
 * Versions before the checkpoint recorded its job named the file after the source system alone
 * (`<sourceSystem>_checkpoints.json`). A job adopts such a file on its first sync: the file and its backups are
 * renamed to the job's names (adoptLegacyCheckpoint), and the owner is recorded in it. Until then, read-only
 * commands read it where it is (locateCheckpoint) and change nothing.
 */

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * The paths to read a job's checkpoint from: its own, or — while only a legacy file exists — the legacy ones.
 * Never changes anything.
 */
export async function locateCheckpoint(paths: CheckpointPaths): Promise<{ paths: CheckpointPaths; legacy: boolean }> {
  if (paths.job === undefined || (await exists(paths.file))) return { paths, legacy: false };
  const legacy = legacyCheckpointPaths(paths);
  if (await exists(legacy.file)) return { paths: legacy, legacy: true };
  return { paths, legacy: false };
}

/**
 * Renames a legacy checkpoint and its backups to the job's names, when the job has no file of its own yet. Run it
 * under the job's checkpoint lock. Backups move first and the file last: the file under its new name is what marks
 * the move done, so a crash halfway leaves the legacy file in place and the next run finishes the move. Nothing is
 * ever replaced: a name that is taken keeps what it holds. Returns whether a legacy file was adopted.
 *
 * With several jobs sharing the folder, the first to sync takes the legacy file; the others start from an empty
 * checkpoint, which is safe (the tables carry their owner and hashes, so nothing is written twice).
 */
export async function adoptLegacyCheckpoint(paths: CheckpointPaths): Promise<boolean> {
  if (paths.job === undefined || (await exists(paths.file))) return false;
  const legacy = legacyCheckpointPaths(paths);
  if (!(await exists(legacy.file))) return false;

  const backups = await scanBackups(legacy);
  for (const backup of backups) {
    const renamed = path.join(paths.backupDir, paths.baseName + backup.fileName.slice(legacy.baseName.length));
    try {
      await renameNoReplace(backup.path, renamed);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // pruned or moved meanwhile
    }
  }
  if (backups.length > 0) await fsyncDirectory(paths.backupDir);
  // A journal left by a crash moves with the file it extends (before it: the file's new name marks the move done).
  try {
    await renameNoReplace(journalPathFor(legacy.file), journalPathFor(paths.file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  try {
    if (!(await renameNoReplace(legacy.file, paths.file))) return false;
  } catch (error) {
    // Another job adopted it first.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  await fsyncDirectory(paths.dir);
  return true;
}
