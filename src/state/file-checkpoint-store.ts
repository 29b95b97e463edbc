import { Low } from 'lowdb';

import type { CheckpointEntry, CheckpointStore } from '../catalog/checkpoint.ts';
import type { BackupRetention } from './backups.ts';
import { CheckpointFileAdapter } from './checkpoint-file-adapter.ts';
import { emptyDocument, toStoredEntry } from './checkpoint-file.ts';
import type { CheckpointDocument } from './checkpoint-file.ts';
import type { CheckpointOwner } from './checkpoint-identity.ts';
import { checkpointPaths } from './checkpoint-paths.ts';
import type { CheckpointPaths } from './checkpoint-paths.ts';
import { parseEntry } from './checkpoint-schema.ts';
import { adoptLegacyCheckpoint, locateCheckpoint } from './locate-checkpoint.ts';

export interface CheckpointStoreOptions {
  /** Folder of the checkpoint files (config `checkpoints.dir`). */
  dir: string;
  sourceSystem: string;
  /**
   * The job and target the checkpoint belongs to. The file is then `<job>@<sourceSystem>_checkpoints.json`, records
   * both, and refuses (CheckpointIdentityError) to be opened by another job or target; a file that records no
   * owner — written before owners were recorded, possibly under the legacy name — is adopted. Without it (tools,
   * tests) the legacy name is used and no owner is checked or recorded.
   */
  owner?: CheckpointOwner;
  /**
   * Open for reading only (`checkpoints list|show`, `plan`, `sync --dry-run`): no file is created, renamed, repaired
   * or rewritten. A corrupt file is reported through onWarning and its newest valid backup served from memory; a
   * legacy file is read where it is; put()/remove() reject.
   */
  readOnly?: boolean;
  /** Flush by itself after this many staged changes (config `checkpoints.flushEvery`). */
  flushEvery: number;
  /**
   * ... but not sooner than this many milliseconds after the previous write ended (config
   * `checkpoints.flushIntervalMs`), nor sooner than nine times the previous write's duration. 0 (the default
   * here) flushes on the count alone.
   */
  flushIntervalMs?: number;
  /** Backup retention (config `checkpoints.backups`). */
  backups: BackupRetention;
  /** Non-fatal problems: recovery from a backup, a lost file, a failed prune. */
  onWarning?: (message: string) => void;
  /** Clock for timestamps and backup ages; injectable for tests. */
  now?: () => Date;
}

const noop = () => {};
const RESOLVED: Promise<void> = Promise.resolve();

/**
 * Opens (or, when the file does not exist yet, starts) the checkpoint of one job and source system. A corrupt file
 * is replaced by its newest valid backup with a warning (read-only: only served from it); without one this throws
 * CheckpointCorruptError. A checkpoint of another job or target throws CheckpointIdentityError before anything is
 * changed. The store takes no lock — wrap a writing run in acquireLock(paths.lock) when other processes may touch
 * the same checkpoint; adopting a legacy file (a rename) and recording the owner happen here, under that lock.
 */
export async function openCheckpointStore(options: CheckpointStoreOptions): Promise<FileCheckpointStore> {
  if (!Number.isInteger(options.flushEvery) || options.flushEvery < 1) {
    throw new TypeError(`flushEvery must be an integer ≥ 1, got ${options.flushEvery}`);
  }
  if (!Number.isInteger(options.backups.keep) || options.backups.keep < 1) {
    throw new TypeError(`backups.keep must be an integer ≥ 1, got ${options.backups.keep}`);
  }
  if (!(options.backups.maxAgeDays >= 0)) {
    throw new TypeError(`backups.maxAgeDays must be ≥ 0, got ${options.backups.maxAgeDays}`);
  }
  const readOnly = options.readOnly === true;
  const ownPaths = checkpointPaths(options.dir, options.sourceSystem, options.owner?.job);
  // A legacy file is renamed to the job's name by a writing open, and read where it is by a read-only one.
  if (!readOnly) await adoptLegacyCheckpoint(ownPaths);
  const paths = readOnly ? (await locateCheckpoint(ownPaths)).paths : ownPaths;
  const adapter = new CheckpointFileAdapter({
    paths,
    backups: { keep: options.backups.keep, maxAgeDays: options.backups.maxAgeDays },
    onWarning: options.onWarning ?? noop,
    now: options.now ?? (() => new Date()),
    readOnly,
    ...(options.owner ? { owner: options.owner } : {}),
  });
  const db = new Low<CheckpointDocument>(adapter, emptyDocument(options.sourceSystem, options.owner));
  await db.read();
  // The owner is recorded before the run does anything, so a second target sharing the file is refused from now on.
  if (adapter.adopted && !readOnly) await db.write();
  return new FileCheckpointStore(paths, db, options.flushEvery, options.flushIntervalMs ?? 0, options.now ?? (() => new Date()), readOnly);
}

/**
 * The checkpoint store on a JSON file. Reads are served from memory. put()/remove() stage a change (validated and
 * serialised once, right there) and flush by themselves every `flushEvery` changes; flush() writes the whole file
 * atomically after backing up the previous one.
 *
 * Flushes are serialised: at most one write runs, and while it runs at most one more is queued, which every
 * flush() call in the meantime joins. The write serialises a snapshot synchronously before its first await, so a
 * put() that lands during a write is never half in one file — it is in the next.
 *
 * Entries returned by get()/all() are frozen snapshots: mutating one throws instead of silently making memory
 * disagree with disk. Build a new entry (`{ ...old, syncVersion: old.syncVersion + 1 }`) and put() it.
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly paths: CheckpointPaths;
  readonly #db: Low<CheckpointDocument>;
  readonly #flushEvery: number;
  readonly #flushIntervalMs: number;
  readonly #now: () => Date;
  readonly #readOnly: boolean;
  /** When the last write ended and how long it took: automatic flushes keep their I/O to about a tenth of the run. */
  #lastWriteEnd = 0;
  #lastWriteMs = 0;
  /** Changes staged since the last write started. */
  #unflushed = 0;
  #dirty = false;
  /** The last write in the chain; settled, never rejected, so a failed write does not block later ones. */
  #tail: Promise<void> = Promise.resolve();
  /** A flush that is queued but not started yet: later flush() calls join it. */
  #queued: Promise<void> | undefined;

  /** Use openCheckpointStore(). */
  constructor(
    paths: CheckpointPaths,
    db: Low<CheckpointDocument>,
    flushEvery: number,
    flushIntervalMs = 0,
    now: () => Date = () => new Date(),
    readOnly = false,
  ) {
    this.paths = paths;
    this.#db = db;
    this.#flushEvery = flushEvery;
    this.#flushIntervalMs = flushIntervalMs;
    this.#now = now;
    this.#readOnly = readOnly;
  }

  get readOnly(): boolean {
    return this.#readOnly;
  }

  /** The job and target the checkpoint records (once recorded or adopted). */
  get owner(): { job?: string; target?: CheckpointOwner['target'] } {
    const { job, target } = this.#db.data;
    return { ...(job !== undefined ? { job } : {}), ...(target !== undefined ? { target } : {}) };
  }

  get sourceSystem(): string {
    return this.paths.sourceSystem;
  }

  /** Number of entries in memory (staged changes included). */
  get size(): number {
    return this.#db.data.entries.size;
  }

  /** Changes not yet handed to a write. */
  get pendingChanges(): number {
    return this.#unflushed;
  }

  get(assetId: string): CheckpointEntry | undefined {
    return this.#db.data.entries.get(assetId)?.entry;
  }

  all(): CheckpointEntry[] {
    return Array.from(this.#db.data.entries.values(), (stored) => stored.entry);
  }

  /**
   * Stages an entry. It is validated here rather than at load time of the next run: a bad value written now would
   * make the whole file fail validation later and cost a fall-back to an older backup.
   */
  put(entry: CheckpointEntry): Promise<void> {
    // Not `async`: the common path stays free of an extra promise per call, which shows on 100k puts. Errors are
    // still delivered as rejections, like everywhere else in the interface.
    if (this.#readOnly) return this.#rejectReadOnly();
    const parsed = parseEntry(entry);
    if (!parsed.ok) {
      const issues = parsed.issues.map((i) => `${i.path || '(entry)'}: ${i.message}`).join('; ');
      return Promise.reject(new TypeError(`invalid checkpoint entry ${JSON.stringify(entry?.assetId)}: ${issues}`));
    }
    if (entry.sourceSystem !== this.sourceSystem) {
      return Promise.reject(
        new TypeError(
          `checkpoint entry ${JSON.stringify(entry.assetId)} belongs to source system ` +
            `${JSON.stringify(entry.sourceSystem)}, this store to ${JSON.stringify(this.sourceSystem)}`,
        ),
      );
    }
    const stored = toStoredEntry(entry, parsed.entry);
    const entries = this.#db.data.entries;
    // Re-putting an identical entry is not a change: an unchanged run must not write a file or make a backup.
    if (entries.get(entry.assetId)?.member === stored.member) return RESOLVED;
    entries.set(entry.assetId, stored);
    return this.#changed();
  }

  remove(assetId: string): Promise<void> {
    if (this.#readOnly) return this.#rejectReadOnly();
    if (!this.#db.data.entries.delete(assetId)) return RESOLVED;
    return this.#changed();
  }

  /** Makes every staged change durable; a no-op (no write, no backup) when nothing changed. */
  flush(): Promise<void> {
    if (this.#queued) return this.#queued;
    const run = this.#tail.then(() => {
      this.#queued = undefined;
      return this.#write();
    });
    this.#queued = run;
    this.#tail = run.then(noop, noop);
    return run;
  }

  #rejectReadOnly(): Promise<never> {
    return Promise.reject(new Error(`checkpoint ${this.paths.file} was opened read-only`));
  }

  #changed(): Promise<void> {
    this.#dirty = true;
    this.#unflushed++;
    if (this.#unflushed < this.#flushEvery) return RESOLVED;
    // Each flush rewrites the whole file. On a large checkpoint, flushing every few entries would spend the run
    // rewriting it; spacing flushes by the cost of the last one bounds that to about 10 % of the time. Entries not
    // yet flushed when a run dies are not lost work: their tables carry the hashes, and the next run records them.
    if (this.#flushIntervalMs > 0) {
      const sinceLast = this.#now().getTime() - this.#lastWriteEnd;
      if (sinceLast < Math.max(this.#flushIntervalMs, 9 * this.#lastWriteMs)) return RESOLVED;
    }
    return this.flush();
  }

  async #write(): Promise<void> {
    if (!this.#dirty) return;
    const count = this.#unflushed;
    this.#dirty = false;
    this.#unflushed = 0;
    try {
      // Low.write() calls the adapter synchronously, which serialises before its first await (see class comment).
      const started = this.#now().getTime();
      await this.#db.write();
      this.#lastWriteEnd = this.#now().getTime();
      this.#lastWriteMs = this.#lastWriteEnd - started;
    } catch (error) {
      // Nothing of this write is assumed durable: the next flush writes these changes again.
      this.#dirty = true;
      this.#unflushed += count;
      throw error;
    }
  }
}
