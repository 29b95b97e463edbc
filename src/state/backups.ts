import fs from 'node:fs/promises';
import path from 'node:path';

import { copyFileAtomicUnique, fsyncDirectory, removeStaleTempFiles } from './atomic-write.ts';
import { readCheckpointFile } from './checkpoint-file.ts';
import type { CheckpointDocument } from './checkpoint-file.ts';
import { checkpointPaths } from './checkpoint-paths.ts';
import type { CheckpointPaths } from './checkpoint-paths.ts';
import { locateCheckpoint } from './locate-checkpoint.ts';
import { STAMP_WITH_SEQUENCE, formatFileTimestamp, parseFileTimestamp, sequenceSuffix } from './file-timestamp.ts';

/**
 * Backups of a checkpoint file: `<dir>/backup/<baseName>_<stamp>[_<seq>].json` (see checkpoint-paths.ts), one made before
 * every write. Age is read from the name, not the mtime, so copying the folder around keeps the history intact
 * (and tests can inject a clock).
 */
export interface BackupFile {
  path: string;
  fileName: string;
  /** When the backup was made (from its name). */
  createdAt: Date;
  /** 0, or the same-millisecond sequence number. */
  sequence: number;
}

export interface BackupInfo extends BackupFile {
  sizeBytes: number;
  valid: boolean;
  problems: string[];
  entryCount: number;
  /** updatedAt inside the backed-up file, i.e. when that state was written. */
  updatedAt?: string;
}

export interface BackupRetention {
  /** Keep at most this many backups (≥ 1). */
  keep: number;
  /** Delete backups older than this many days; 0 = no age limit. */
  maxAgeDays: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** This checkpoint's backups, newest first. Other source systems' backups in the same folder are ignored. */
export async function scanBackups(paths: CheckpointPaths): Promise<BackupFile[]> {
  let names: string[];
  try {
    names = await fs.readdir(paths.backupDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const pattern = new RegExp(`^${escapeRegExp(paths.baseName)}_${STAMP_WITH_SEQUENCE}\\.json$`);
  const backups: BackupFile[] = [];
  for (const fileName of names) {
    const m = pattern.exec(fileName);
    const createdAt = m ? parseFileTimestamp(m[1]!) : undefined;
    if (!m || !createdAt) continue;
    backups.push({ path: path.join(paths.backupDir, fileName), fileName, createdAt, sequence: Number(m[2] ?? 0) });
  }
  return backups.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.sequence - a.sequence);
}

/**
 * Saves the current checkpoint file into the backup folder before it is replaced. Returns undefined when there is
 * no file yet — the first write has nothing to save.
 *
 * The backup is a hard link to the current file rather than a byte copy: O(1) instead of copying 50 MB on every
 * flush, and atomic (the name appears with the complete content or not at all). That is a true copy here because
 * this module never modifies a file in place — every write renames a new inode over the name — so once the flush's
 * rename has happened, the backup's inode is no longer shared with anything. (Only a crash between this link and
 * that rename leaves them shared; a later in-place hand edit of the file would then reach that one backup too, and
 * recovery would fall back one backup further.) Where links are not possible (a filesystem without them, or
 * backup/ mounted elsewhere) it falls back to an atomic copy.
 */
export async function createBackup(paths: CheckpointPaths, now: Date): Promise<BackupFile | undefined> {
  await fs.mkdir(paths.backupDir, { recursive: true });
  const stamp = formatFileTimestamp(now);
  const nameFor = (attempt: number) =>
    path.join(paths.backupDir, `${paths.baseName}_${stamp}${sequenceSuffix(attempt)}.json`);
  let backupPath: string | undefined;
  try {
    for (let attempt = 0; backupPath === undefined; attempt++) {
      try {
        await fs.link(paths.file, nameFor(attempt));
        backupPath = nameFor(attempt);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    await fsyncDirectory(paths.backupDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (!LINK_UNSUPPORTED.has(code ?? '')) throw error;
    try {
      backupPath = await copyFileAtomicUnique(paths.file, paths.backupDir, nameFor);
    } catch (copyError) {
      if ((copyError as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw copyError;
    }
  }
  const fileName = path.basename(backupPath);
  const sequence = Number(/_(\d{3,})\.json$/.exec(fileName.slice(paths.baseName.length + 1))?.[1] ?? 0);
  return { path: backupPath, fileName, createdAt: parseFileTimestamp(stamp)!, sequence };
}

/** link() errors that mean "no hard links here" rather than a real failure. */
const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Applies retention: keeps the newest `keep` backups and drops those older than `maxAgeDays`, but never deletes
 * the newest *valid* backup — if the newest few are damaged, the last good state must survive any policy.
 *
 * Finding the newest valid backup means parsing backups newest-first; `knownValid` (the backup the store just
 * made from a file it had verified or written itself) short-cuts that, so a flush does not re-read 50 MB.
 */
export async function pruneBackups(
  paths: CheckpointPaths,
  retention: BackupRetention,
  now: Date,
  options: { knownValid?: string } = {},
): Promise<string[]> {
  await removeStaleTempFiles(paths.backupDir, `${paths.baseName}.json`);
  const deleted: string[] = [];
  for (const backup of await backupsToPrune(paths, retention, now, options)) {
    await fs.rm(backup.path, { force: true });
    deleted.push(backup.path);
  }
  return deleted;
}

/** The backups retention would delete now (pruneBackups, and `checkpoints prune --dry-run`), oldest last. */
export async function backupsToPrune(
  paths: CheckpointPaths,
  retention: BackupRetention,
  now: Date,
  options: { knownValid?: string } = {},
): Promise<BackupFile[]> {
  const backups = await scanBackups(paths);
  const cutoff = retention.maxAgeDays > 0 ? now.getTime() - retention.maxAgeDays * DAY_MS : -Infinity;
  const keep = Math.max(1, retention.keep);
  const doomed = backups.filter((backup, index) => index >= keep || backup.createdAt.getTime() < cutoff);
  if (doomed.length === 0) return [];

  let newestValid: string | undefined;
  for (const backup of backups) {
    if (backup.path === options.knownValid || (await isValidBackup(paths, backup.path))) {
      newestValid = backup.path;
      break;
    }
  }
  return doomed.filter((backup) => backup.path !== newestValid);
}

async function isValidBackup(paths: CheckpointPaths, file: string): Promise<boolean> {
  const result = await readCheckpointFile(file, paths.sourceSystem);
  return result.exists && result.ok;
}

/** The newest backup that passes full validation, with its parsed content, and the invalid ones passed over. */
export async function findNewestValidBackup(
  paths: CheckpointPaths,
): Promise<{ backup?: BackupFile; document?: CheckpointDocument; invalid: BackupFile[] }> {
  const invalid: BackupFile[] = [];
  for (const backup of await scanBackups(paths)) {
    const result = await readCheckpointFile(backup.path, paths.sourceSystem);
    if (result.exists && result.ok) return { backup, document: result.document, invalid };
    invalid.push(backup);
  }
  return { invalid };
}

/**
 * Every backup of a checkpoint, newest first, each fully validated — for `checkpoints backups`. Reads only. With a
 * job whose legacy checkpoint is not adopted yet, the legacy backups are the ones listed.
 */
export async function listBackups(dir: string, sourceSystem: string, job?: string): Promise<BackupInfo[]> {
  const { paths } = await locateCheckpoint(checkpointPaths(dir, sourceSystem, job));
  const infos: BackupInfo[] = [];
  for (const backup of await scanBackups(paths)) {
    const [stat, result] = await Promise.all([fs.stat(backup.path), readCheckpointFile(backup.path, sourceSystem)]);
    if (!result.exists) continue; // deleted while we looked
    infos.push({
      ...backup,
      sizeBytes: stat.size,
      valid: result.ok,
      problems: result.problems,
      entryCount: result.entryCount,
      ...(result.ok && result.document.updatedAt !== undefined ? { updatedAt: result.document.updatedAt } : {}),
    });
  }
  return infos;
}
