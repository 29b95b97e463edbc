import fs from 'node:fs/promises';

import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import { writeFileAtomic } from './atomic-write.ts';
import path from 'node:path';
import { checkpointChunks, emptyDocument, readCheckpointFile, serializeCheckpoint, snapshotCheckpoint, toStoredEntry } from './checkpoint-file.ts';
import type { CheckpointDocument } from './checkpoint-file.ts';
import { checkOwner } from './checkpoint-identity.ts';
import type { CheckpointOwner } from './checkpoint-identity.ts';
import type { CheckpointPaths } from './checkpoint-paths.ts';
import { CHECKPOINT_FORMAT_VERSION, parseEntry } from './checkpoint-schema.ts';
import { adoptLegacyCheckpoint, locateCheckpoint } from './locate-checkpoint.ts';
import { keepCorruptAside } from './restore-backup.ts';
import { CheckpointCorruptError, CheckpointVersionError } from './state-errors.ts';
import { openCheckpointStore } from './file-checkpoint-store.ts';
import { formatFileTimestamp, sequenceSuffix } from './file-timestamp.ts';

/** The checkpoint as a repair command finds it. */
export type CurrentCheckpoint =
  | { state: 'missing' }
  | { state: 'valid'; document: CheckpointDocument; entries: CheckpointEntry[] }
  | { state: 'corrupt'; problems: string[] };

/**
 * Reads the job's checkpoint for a repair command (run it under the lock): a legacy file is adopted first, a file
 * of another job or target is refused (CheckpointIdentityError), a file of a newer format is refused
 * (CheckpointVersionError: never overwritten by an older build), a corrupt one is reported as such.
 */
export async function readForRepair(
  paths: CheckpointPaths,
  owner: CheckpointOwner,
  options: { readOnly?: boolean } = {},
): Promise<CurrentCheckpoint> {
  // A dry run reads a legacy file where it is; a repair adopts it first, as sync would.
  const file = options.readOnly ? (await locateCheckpoint(paths)).paths.file : paths.file;
  if (!options.readOnly) await adoptLegacyCheckpoint(paths);
  const result = await readCheckpointFile(file, paths.sourceSystem);
  if (!result.exists) return { state: 'missing' };
  if (result.ok) {
    checkOwner(result.document, owner, file);
    // The entries as the store serves them: the snapshot plus whatever the store keeps beside it (changes not yet
    // folded into the snapshot), so a repair never loses a confirmed write.
    const store = await openCheckpointStore({
      dir: paths.dir,
      sourceSystem: paths.sourceSystem,
      owner,
      readOnly: true,
      flushEvery: 1_000_000,
      backups: { keep: 1_000_000, maxAgeDays: 0 },
    });
    return { state: 'valid', document: result.document, entries: store.all() };
  }
  if (result.unsupportedVersion !== undefined) {
    throw new CheckpointVersionError(file, result.unsupportedVersion, CHECKPOINT_FORMAT_VERSION);
  }
  return { state: 'corrupt', problems: result.problems };
}

/** The current file of a repair: what the old one became. */
export interface ReplaceResult {
  /** The backup of the previous (valid) file. */
  backup?: string;
  /** Where a corrupt previous file was kept for inspection. */
  corruptAside?: string;
}

/**
 * Writes `entries` as the job's whole checkpoint, owner recorded, after saving what is there: a valid file as a
 * backup, a corrupt one as a `.corrupt-` copy. Atomic: a crash leaves the old file or the new one. Every entry is
 * validated before anything is touched.
 */
export async function replaceCheckpoint(
  paths: CheckpointPaths,
  owner: CheckpointOwner,
  current: CurrentCheckpoint,
  entries: readonly CheckpointEntry[],
  now: Date,
): Promise<ReplaceResult> {
  const document = emptyDocument(paths.sourceSystem, owner);
  if (current.state === 'valid') document.extra = current.document.extra;
  for (const entry of entries) {
    const parsed = parseEntry(entry);
    if (!parsed.ok) {
      const issues = parsed.issues.map((i) => `${i.path || '(entry)'}: ${i.message}`).join('; ');
      throw new CheckpointCorruptError(paths.file, `invalid entry ${JSON.stringify(entry.assetId)}: ${issues}`);
    }
    document.entries.set(entry.assetId, toStoredEntry(entry, parsed.entry));
  }
  const result: ReplaceResult = {};
  await fs.mkdir(paths.dir, { recursive: true });
  if (current.state === 'valid') {
    result.backup = await backupState(paths, owner, current, now);
  } else if (current.state === 'corrupt') {
    result.corruptAside = await keepCorruptAside(paths, now);
  }
  await writeFileAtomic(paths.file, checkpointChunks(snapshotCheckpoint(document, now)));
  return result;
}

/**
 * The state a repair replaces, saved as a backup (a complete, checksummed checkpoint file in the backup folder, named
 * like every backup, so `checkpoints backups|restore|diff` know it): what the store served, not just the snapshot file.
 */
async function backupState(paths: CheckpointPaths, owner: CheckpointOwner, current: CurrentCheckpoint & { state: 'valid' }, now: Date): Promise<string> {
  const document = emptyDocument(paths.sourceSystem, owner);
  document.extra = current.document.extra;
  for (const entry of current.entries) {
    const parsed = parseEntry(entry);
    if (parsed.ok) document.entries.set(entry.assetId, toStoredEntry(entry, parsed.entry));
  }
  // Stamped like the store's backups, the time of the state it holds.
  const updatedAt = current.document.updatedAt ? new Date(current.document.updatedAt) : now;
  await fs.mkdir(paths.backupDir, { recursive: true });
  const stamp = formatFileTimestamp(now);
  for (let attempt = 0; ; attempt += 1) {
    const file = path.join(paths.backupDir, `${paths.baseName}_${stamp}${sequenceSuffix(attempt)}.json`);
    try {
      await fs.writeFile(file, serializeCheckpoint(document, updatedAt), { flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** The entries of the current checkpoint, or none when it is missing. A corrupt one is refused: restore or rebuild. */
export function entriesOf(current: CurrentCheckpoint, file: string): CheckpointEntry[] {
  if (current.state === 'missing') return [];
  if (current.state === 'corrupt') {
    throw new CheckpointCorruptError(
      file,
      current.problems[0] ?? 'invalid',
      current.problems,
    );
  }
  return current.entries;
}
