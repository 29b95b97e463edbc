import fs from 'node:fs/promises';

import type { Adapter } from 'lowdb';

import { copyFileAtomic, failedAfterRename, removeStaleTempFiles, writeFileAtomic } from './atomic-write.ts';
import { createBackup, findNewestValidBackup, pruneBackups, scanBackups } from './backups.ts';
import type { BackupRetention } from './backups.ts';
import { readCheckpointFile, snapshotCheckpoint } from './checkpoint-file.ts';
import type { CheckpointDocument, JournalReplay } from './checkpoint-file.ts';
import type { CheckpointPaths } from './checkpoint-paths.ts';
import { canonicalTargetIdentity, checkOwner } from './checkpoint-identity.ts';
import type { CheckpointOwner } from './checkpoint-identity.ts';
import { CHECKPOINT_FORMAT_VERSION } from './checkpoint-schema.ts';
import { checkpointWriteError } from './checkpoint-write-error.ts';
import { keepCorruptAside } from './restore-backup.ts';
import { CopySourceChangedError, applyPlacement, openCopySource, placementFor, snapshotChunks } from './snapshot-copy.ts';
import type { Placement } from './snapshot-copy.ts';
import { encodeSnapshot, snapshotSourceOf } from './snapshot-stream.ts';
import type { SnapshotCompression, SnapshotSource } from './snapshot-stream.ts';
import { CheckpointCorruptError, CheckpointVersionError } from './state-errors.ts';

export interface CheckpointFileAdapterOptions {
  paths: CheckpointPaths;
  backups: BackupRetention;
  onWarning: (message: string) => void;
  now: () => Date;
  /** Who uses the checkpoint; a file that records another owner is refused before anything is repaired. */
  owner?: CheckpointOwner;
  /** Read without changing any file: a corrupt file is reported and its backup served from memory only. */
  readOnly?: boolean;
  /** How snapshots are written (config `checkpoints.compression`); either kind is read. */
  compression?: SnapshotCompression;
  /** Called when a snapshot has been written (renamed into place), before anything else happens. */
  onSnapshotWritten?: (entries: number, copied: number) => void;
}

/**
 * The lowdb adapter of one checkpoint file. lowdb's own JSONFile adapter writes atomically but knows nothing of
 * checksums, backups or recovery, so this one does the whole job:
 *
 * - read(): the file, fully validated, and checked to belong to the owner (a file that records none is adopted:
 *   `adopted` tells the store to record the owner). When it is corrupt, the newest valid backup takes its place
 *   (put back on disk at once, so an otherwise unchanged run still leaves a good file) and the damaged one is kept
 *   aside — unless read-only, where the backup is only served from memory, with a warning saying so.
 * - write(): backup of the previous file, atomic replace (gzip-compressed when configured), retention. Never called
 *   on a read-only store. The journal beside the file is the store's business (file-checkpoint-store.ts).
 */
export class CheckpointFileAdapter implements Adapter<CheckpointDocument> {
  readonly #options: CheckpointFileAdapterOptions;
  /** Whether the file on disk is one we verified or wrote, so its backup needs no re-validation when pruning. */
  #diskVerified = false;
  /** Set by read() when the file recorded no owner and was given this one (in memory: the store records it). */
  adopted = false;
  /** What read() found of the journal beside the file (replayed onto the document, stale, none). */
  journal: JournalReplay | undefined;

  constructor(options: CheckpointFileAdapterOptions) {
    this.#options = options;
  }

  async read(): Promise<CheckpointDocument | null> {
    const { paths, onWarning, readOnly } = this.#options;
    if (!readOnly) await removeStaleTempFiles(paths.dir, `${paths.baseName}.json`);
    const result = await readCheckpointFile(paths.file, paths.sourceSystem);
    if (!result.exists) {
      // A missing file is a first run. Backups without a file hint at a lost file instead — say so, but go on:
      // the target's own ownership parameters let a run re-record rather than re-write what is already there.
      const backups = await scanBackups(paths);
      if (backups.length > 0) {
        onWarning(
          `checkpoint file ${paths.file} does not exist but ${backups.length} backup(s) do (newest ` +
            `${backups[0]!.fileName}); ${readOnly ? 'reading it as empty' : 'starting from an empty checkpoint'} — ` +
            'if the file was lost, restore a backup (`catalog-sync checkpoints restore`)',
        );
      }
      return null;
    }
    if (result.ok) {
      this.#checkOwner(result.document);
      this.#diskVerified = true;
      this.journal = result.journal;
      return result.document;
    }
    if (result.unsupportedVersion !== undefined) {
      throw new CheckpointVersionError(paths.file, result.unsupportedVersion, CHECKPOINT_FORMAT_VERSION);
    }

    const reason = result.problems[0] ?? 'invalid';
    const found = await findNewestValidBackup(paths);
    if (!found.backup || !found.document) {
      throw new CheckpointCorruptError(
        paths.file,
        reason,
        result.problems,
        found.invalid.map((b) => b.path),
      );
    }
    // Before any repair: restoring a backup into a checkpoint that is not ours would be a write we have no business making.
    this.#checkOwner(found.document);
    const more = result.problems.length > 1 ? ` (+${result.problems.length - 1} more problem(s))` : '';
    if (readOnly) {
      onWarning(
        `checkpoint file ${paths.file} is corrupt: ${reason}${more}. Using backup ${found.backup.fileName} ` +
          `(${found.document.entries.size} entries, written ${found.document.updatedAt}) in memory only; nothing ` +
          'was changed — the next sync, or `catalog-sync checkpoints restore`, puts that backup in its place',
      );
      return found.document;
    }
    const aside = await keepCorruptAside(paths, this.#options.now());
    await copyFileAtomic(found.backup.path, paths.file);
    this.#diskVerified = true;
    onWarning(
      `checkpoint file ${paths.file} is corrupt: ${reason}${more}. Kept it as ${aside} and restored backup ` +
        `${found.backup.fileName} (${found.document.entries.size} entries, written ${found.document.updatedAt}); ` +
        `assets synced after that backup will be compared against older hashes and re-recorded`,
    );
    return found.document;
  }

  /** Memory follows the snapshot now on disk (`source`: that file, when it is plain and its entries know their place). */
  #written(document: CheckpointDocument, snapshot: ReturnType<typeof snapshotCheckpoint>, now: Date, source?: SnapshotSource): void {
    this.#diskVerified = true;
    document.updatedAt = now.toISOString();
    if (snapshot.checksum !== undefined) document.checksum = snapshot.checksum;
    if (source !== undefined) document.source = source;
    else delete document.source;
    this.#options.onSnapshotWritten?.(snapshot.entries.length, snapshot.copied ?? 0);
  }

  #checkOwner(document: CheckpointDocument): void {
    const owner = this.#options.owner;
    if (!owner) return;
    if (checkOwner(document, owner, this.#options.paths.file) === 'adopt') {
      document.job = owner.job;
      document.target = canonicalTargetIdentity(owner.target);
      this.adopted = true;
    }
  }

  async write(document: CheckpointDocument): Promise<void> {
    const { paths, backups, onWarning } = this.#options;
    if (this.#options.readOnly) throw new Error(`checkpoint ${paths.file} was opened read-only`);
    const now = this.#options.now();
    // Taken before the first await: this is what gets written, whatever put() calls arrive meanwhile.
    const snapshot = snapshotCheckpoint(document, now);

    let backup;
    try {
      await fs.mkdir(paths.dir, { recursive: true });
      backup = await createBackup(paths, now);
    } catch (error) {
      throw checkpointWriteError(failedPath(error) ?? paths.backupDir, 'backup', error);
    }
    const compression = this.#options.compression ?? 'none';
    const placement: Placement | undefined = compression === 'none' ? placementFor(snapshot.entries.length) : undefined;
    let source: SnapshotSource | undefined;
    try {
      // Opened before the new file takes the name: the descriptor (and the backup's link) keep the old one readable.
      const copy = await openCopySource(document.source);
      try {
        await writeFileAtomic(paths.file, encodeSnapshot(snapshotChunks(snapshot, copy, placement), compression));
      } catch (error) {
        if (!(error instanceof CopySourceChangedError)) throw error;
        await writeFileAtomic(paths.file, encodeSnapshot(snapshotChunks(snapshot, undefined, placement), compression));
      } finally {
        await copy?.handle.close().catch(() => {});
      }
      if (placement) source = await sourceOf(paths.file);
    } catch (error) {
      // The new file is in place and only the folder's fsync failed: memory must say what the disk holds, or the next
      // journal would name the snapshot just replaced (and be ignored as stale).
      if (failedAfterRename(error)) this.#written(document, snapshot, now);
      // The file was not replaced: the backup just made is a second name for it, and each failed attempt (a run
      // on a full disk, every night) would leave one more. The file itself stays as it was, valid.
      else if (backup) await fs.rm(backup.path, { force: true }).catch(() => {});
      throw checkpointWriteError(paths.file, 'snapshot', error);
    }
    const knownValid = this.#diskVerified ? backup?.path : undefined;
    if (source !== undefined) applyPlacement(snapshot, placement!, source);
    this.#written(document, snapshot, now, source);

    try {
      await pruneBackups(paths, backups, now, knownValid === undefined ? {} : { knownValid });
    } catch (error) {
      // The new state is durable; a backup we could not delete is not worth failing the sync for.
      onWarning(`could not prune backups in ${paths.backupDir}: ${(error as Error).message}`);
    }
  }
}

/** The identity of the snapshot just written, for the next write to copy from; undefined if it cannot be taken. */
async function sourceOf(file: string): Promise<SnapshotSource | undefined> {
  try {
    return snapshotSourceOf(file, await fs.stat(file, { bigint: true }));
  } catch {
    return undefined;
  }
}

/** The path a file-system error names, if it names one. */
function failedPath(error: unknown): string | undefined {
  const file = (error as NodeJS.ErrnoException | undefined)?.path;
  return typeof file === 'string' ? file : undefined;
}
