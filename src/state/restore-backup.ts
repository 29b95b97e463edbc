import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

import { copyFileAtomic } from './atomic-write.ts';
import { createBackup, findNewestValidBackup, scanBackups } from './backups.ts';
import { readCheckpointFile } from './checkpoint-file.ts';
import { checkpointPaths } from './checkpoint-paths.ts';
import type { CheckpointPaths } from './checkpoint-paths.ts';
import { formatFileTimestamp, sequenceSuffix } from './file-timestamp.ts';
import { adoptLegacyCheckpoint } from './locate-checkpoint.ts';
import { CHECKPOINT_FORMAT_VERSION } from './checkpoint-schema.ts';
import { CheckpointCorruptError, CheckpointVersionError } from './state-errors.ts';

export interface RestoreBackupOptions {
  dir: string;
  sourceSystem: string;
  /** The job whose checkpoint to restore (see checkpointPaths); its legacy file, if any, is adopted first. */
  job?: string;
  /** A backup file name (as listBackups shows it) or path; default: the newest valid backup. */
  backup?: string;
  now?: () => Date;
}

export interface RestoreBackupResult {
  restoredFrom: string;
  entryCount: number;
  /** Where the replaced checkpoint went: a fresh backup if it was valid, a `.corrupt-` copy if not. */
  previous?: { path: string; valid: boolean };
}

/**
 * Puts a backup back in place of the checkpoint file (`checkpoints restore`). The backup is validated first, and the
 * file it replaces is saved (as a backup when valid, as a `.corrupt-` file when not), so a restore can itself be
 * undone. Run it under the checkpoint lock; it does not take the lock itself so the CLI decides how to wait.
 */
export async function restoreBackup(options: RestoreBackupOptions): Promise<RestoreBackupResult> {
  const paths = checkpointPaths(options.dir, options.sourceSystem, options.job);
  const now = options.now ?? (() => new Date());
  // A restore writes the job's file; a legacy file and its backups must become the job's first, or its backups
  // could not be restored and the legacy file would shadow nothing.
  await adoptLegacyCheckpoint(paths);

  let source: string;
  let entryCount: number;
  if (options.backup === undefined || options.backup === 'latest') {
    const found = await findNewestValidBackup(paths);
    if (!found.backup || !found.document) {
      throw new CheckpointCorruptError(
        paths.backupDir,
        'no valid backup to restore',
        ['no valid backup to restore'],
        found.invalid.map((b) => b.path),
      );
    }
    source = found.backup.path;
    entryCount = found.document.entries.size;
  } else {
    source = await resolveBackup(paths, options.backup);
    const result = await readCheckpointFile(source, paths.sourceSystem);
    if (!result.exists) throw Object.assign(new Error(`backup ${source} does not exist`), { code: 'ENOENT' });
    if (!result.ok) {
      if (result.unsupportedVersion !== undefined) {
        throw new CheckpointVersionError(source, result.unsupportedVersion, CHECKPOINT_FORMAT_VERSION);
      }
      throw new CheckpointCorruptError(source, result.problems[0] ?? 'invalid', result.problems);
    }
    entryCount = result.entryCount;
  }

  let previous: RestoreBackupResult['previous'];
  const current = await readCheckpointFile(paths.file, paths.sourceSystem);
  if (current.exists && current.ok) {
    const backup = await createBackup(paths, now());
    if (backup) previous = { path: backup.path, valid: true };
  } else if (current.exists) {
    previous = { path: await keepCorruptAside(paths, now()), valid: false };
  }
  await copyFileAtomic(source, paths.file);
  return { restoredFrom: source, entryCount, ...(previous ? { previous } : {}) };
}

/**
 * Copies a damaged checkpoint to `<name>.corrupt-<stamp>.json` next to it, for a person to inspect. A copy, not a
 * rename: until the replacement is in place, the damaged file must stay where it is — with no file at all, a crash
 * here would make the next run start from an empty checkpoint and re-sync everything.
 */
export async function keepCorruptAside(paths: CheckpointPaths, now: Date): Promise<string> {
  const stamp = formatFileTimestamp(now);
  for (let attempt = 0; ; attempt++) {
    const target = path.join(paths.dir, `${paths.baseName}.corrupt-${stamp}${sequenceSuffix(attempt)}.json`);
    try {
      await fs.copyFile(paths.file, target, fsConstants.COPYFILE_EXCL);
      return target;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Accepts a name from the backup folder or any path; a bare name is looked up among this checkpoint's backups. */
async function resolveBackup(paths: CheckpointPaths, backup: string): Promise<string> {
  if (backup.includes('/') || backup.includes(path.sep)) return path.resolve(backup);
  const match = (await scanBackups(paths)).find((b) => b.fileName === backup);
  return match?.path ?? path.join(paths.backupDir, backup);
}
