import { Low } from 'lowdb';

import type { CheckpointEntry, CheckpointStore } from '../catalog/checkpoint.ts';
import type { BackupRetention } from './backups.ts';
import { sameCanonical } from './canonical-json.ts';
import { CheckpointFileAdapter } from './checkpoint-file-adapter.ts';
import { LazyStoredEntry, emptyDocument } from './checkpoint-file.ts';
import type { CheckpointDocument, JournalReplay } from './checkpoint-file.ts';
import type { CheckpointOwner } from './checkpoint-identity.ts';
import { JOURNAL_VERSION, JournalWriter, journalPathFor, putRecord, removeJournal, removeRecord } from './checkpoint-journal.ts';
import { checkpointPaths } from './checkpoint-paths.ts';
import { checkpointWriteError } from './checkpoint-write-error.ts';
import type { CheckpointPaths } from './checkpoint-paths.ts';
import { snapshotEntry } from './entry-snapshot.ts';
import { adoptLegacyCheckpoint, locateCheckpoint } from './locate-checkpoint.ts';
import type { SnapshotCompression } from './snapshot-stream.ts';

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
  /** How snapshots are written (config `checkpoints.compression`, default none); either kind is always read. */
  compression?: SnapshotCompression;
  /**
   * The journal is folded into a new snapshot once it holds more changes than this many, or than a quarter of the
   * entries if that is more (so a rewrite of n entries is paid at most every n/4 changes). Default 10,000.
   */
  journalMaxChanges?: number;
  /** Progress of the store's writes, for logs: a snapshot written, changes appended to the journal. */
  onEvent?: (event: CheckpointEvent) => void;
  /** Non-fatal problems: recovery from a backup, a lost file, a failed prune. */
  onWarning?: (message: string) => void;
  /** Clock for timestamps and backup ages; injectable for tests. */
  now?: () => Date;
}

export type CheckpointEvent =
  | { type: 'snapshot'; entries: number; ms: number; reason: 'first' | 'journal-full' | 'close' }
  | { type: 'journal'; changes: number; ms: number }
  /**
   * The new snapshot is in place and the journal it replaces is still on disk: the moment a crash test aims for.
   * `copied`: entries whose text was copied from the snapshot it replaces rather than serialised again.
   */
  | { type: 'snapshot-in-place'; entries: number; copied: number };

const noop = () => {};
const RESOLVED: Promise<void> = Promise.resolve();
const DEFAULT_JOURNAL_MAX_CHANGES = 10_000;

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
  const onEvent = options.onEvent ?? noop;
  const adapter = new CheckpointFileAdapter({
    paths,
    backups: { keep: options.backups.keep, maxAgeDays: options.backups.maxAgeDays },
    onWarning: options.onWarning ?? noop,
    now: options.now ?? (() => new Date()),
    readOnly,
    compression: options.compression ?? 'none',
    onSnapshotWritten: (entries, copied) => onEvent({ type: 'snapshot-in-place', entries, copied }),
    ...(options.owner ? { owner: options.owner } : {}),
  });
  const db = new Low<CheckpointDocument>(adapter, emptyDocument(options.sourceSystem, options.owner));
  await db.read();
  const store = new FileCheckpointStore(paths, db, options.flushEvery, options.flushIntervalMs ?? 0, options.now ?? (() => new Date()), readOnly, {
    journal: adapter.journal,
    journalMaxChanges: options.journalMaxChanges ?? DEFAULT_JOURNAL_MAX_CHANGES,
    onEvent,
  });
  // The owner is recorded before the run does anything, so a second target sharing the file is refused from now on.
  // (A journal replayed onto an unowned file is folded in by the same write.)
  if (adapter.adopted && !readOnly) await store.compact('first');
  return store;
}

interface JournalOptions {
  journal: JournalReplay | undefined;
  journalMaxChanges: number;
  onEvent: (event: CheckpointEvent) => void;
}

/** A staged change: the entry to put, or null for a removal. */
type Staged = CheckpointEntry | null;

/**
 * The checkpoint store on a JSON snapshot and its journal. Reads are served from memory. put()/remove() stage a
 * change (validated and snapshotted once, right there) and flush by themselves every `flushEvery` changes.
 *
 * flush() makes the staged changes durable at a cost that follows the changes, not the checkpoint: they are
 * appended to the journal beside the snapshot (checkpoint-journal.ts) and fsynced as one batch. The snapshot — the
 * whole file, with its backup — is rewritten only at the first flush of a checkpoint that has none on disk yet, when
 * the journal outgrows its bound, and at close() (the end of a run), which folds the journal in and removes it. A
 * crash at any point loses nothing a flush reported durable: before the new snapshot is in place the old one and the
 * journal hold it all, after it the new snapshot does (and the journal, which names the snapshot it extends, is then
 * ignored as stale).
 *
 * Flushes are serialised: at most one write runs, and while it runs at most one more is queued, which every
 * flush() call in the meantime joins. A write takes what it writes synchronously before its first await, so a
 * put() that lands during a write is never half in one write — it is in the next.
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
  readonly #journalFile: string;
  readonly #journalMaxChanges: number;
  readonly #onEvent: (event: CheckpointEvent) => void;
  /** The journal as read at open: resumed at the first append when it extends the snapshot. */
  #found: JournalReplay | undefined;
  #journal: JournalWriter | undefined;
  /** Changes in the journal on disk (0 when there is none, or it is stale). */
  #journalChanges = 0;
  /** When the last write ended and how long it took: automatic flushes keep their I/O to about a tenth of the run. */
  #lastWriteEnd = 0;
  #lastWriteMs = 0;
  /** Changes staged since the last write started, latest per asset, in the order they were made. */
  #staged = new Map<string, Staged>();
  /** Changes counted towards flushEvery since the last write started (a re-put of one asset counts again). */
  #unflushed = 0;
  /** The last write in the chain; settled, never rejected, so a failed write does not block later ones. */
  #tail: Promise<void> = Promise.resolve();
  /** A flush that is queued but not started yet: later flush() calls join it. */
  #queued: Promise<void> | undefined;
  /** Set when a compaction was asked for: the next write is a snapshot, for this reason. */
  #compactReason: 'first' | 'journal-full' | 'close' | undefined;

  /** Use openCheckpointStore(). */
  constructor(
    paths: CheckpointPaths,
    db: Low<CheckpointDocument>,
    flushEvery: number,
    flushIntervalMs = 0,
    now: () => Date = () => new Date(),
    readOnly = false,
    journal: Partial<JournalOptions> = {},
  ) {
    this.paths = paths;
    this.#db = db;
    this.#flushEvery = flushEvery;
    this.#flushIntervalMs = flushIntervalMs;
    this.#now = now;
    this.#readOnly = readOnly;
    this.#journalFile = journalPathFor(paths.file);
    this.#journalMaxChanges = journal.journalMaxChanges ?? DEFAULT_JOURNAL_MAX_CHANGES;
    this.#onEvent = journal.onEvent ?? noop;
    this.#found = journal.journal;
    if (this.#found?.state === 'replayed') this.#journalChanges = this.#found.changes;
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

  /** Changes in the journal beside the snapshot: folded into the snapshot at close(). */
  get journalChanges(): number {
    return this.#journalChanges;
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
    const snap = snapshotEntry(entry);
    if (!snap.ok) {
      const issues = snap.issues.map((i) => `${i.path || '(entry)'}: ${i.message}`).join('; ');
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
    const entries = this.#db.data.entries;
    // Re-putting an identical entry is not a change: an unchanged run must not write a file or make a backup.
    const current = entries.get(entry.assetId);
    if (current !== undefined && sameCanonical(current.entry, snap.entry)) return RESOLVED;
    entries.set(entry.assetId, new LazyStoredEntry(snap.entry));
    return this.#changed(entry.assetId, snap.entry);
  }

  remove(assetId: string): Promise<void> {
    if (this.#readOnly) return this.#rejectReadOnly();
    if (!this.#db.data.entries.delete(assetId)) return RESOLVED;
    return this.#changed(assetId, null);
  }

  /** Makes every staged change durable (in the journal); a no-op (no write, no backup) when nothing changed. */
  flush(): Promise<void> {
    return this.#enqueue();
  }

  /**
   * The end of a run: every staged change durable, and the journal folded into a new snapshot (with its backup) and
   * removed — so between runs the checkpoint is the one file operators know. Nothing is written when the journal is
   * empty and nothing is staged. The store stays usable.
   */
  async close(): Promise<void> {
    if (this.#readOnly) return;
    await this.flush();
    if (this.#journalChanges > 0 || this.#staged.size > 0) await this.compact('close');
    await this.#journal?.close();
    this.#journal = undefined;
    // A journal found stale or unreadable at open has nothing to give: it goes with the run that found it.
    if (this.#found !== undefined && this.#found.state !== 'replayed' && this.#found.state !== 'none') {
      await removeJournal(this.#journalFile);
      this.#found = undefined;
    }
  }

  /** Rewrites the snapshot with everything in memory and drops the journal (queued behind any running write). */
  compact(reason: 'first' | 'journal-full' | 'close'): Promise<void> {
    this.#compactReason ??= reason;
    return this.#enqueue();
  }

  #enqueue(): Promise<void> {
    if (this.#queued) return this.#queued;
    const run = this.#tail.then(() => {
      this.#queued = undefined;
      const reason = this.#compactReason;
      this.#compactReason = undefined;
      return this.#write(reason);
    });
    this.#queued = run;
    this.#tail = run.then(noop, noop);
    return run;
  }

  #rejectReadOnly(): Promise<never> {
    return Promise.reject(new Error(`checkpoint ${this.paths.file} was opened read-only`));
  }

  #changed(assetId: string, staged: Staged): Promise<void> {
    // Delete first so the change goes to the end: the journal keeps the order in which changes were made.
    this.#staged.delete(assetId);
    this.#staged.set(assetId, staged);
    this.#unflushed++;
    if (this.#unflushed < this.#flushEvery) return RESOLVED;
    // Spacing flushes by the cost of the last one bounds the store's I/O to about 10 % of the run. Entries not yet
    // flushed when a run dies are not lost work: their tables carry the hashes, and the next run records them.
    if (this.#flushIntervalMs > 0) {
      const sinceLast = this.#now().getTime() - this.#lastWriteEnd;
      if (sinceLast < Math.max(this.#flushIntervalMs, 9 * this.#lastWriteMs)) return RESOLVED;
    }
    return this.flush();
  }

  /** One write: the staged changes appended to the journal, or (compact, or no snapshot on disk yet) a new snapshot. */
  async #write(compact: 'first' | 'journal-full' | 'close' | undefined): Promise<void> {
    const document = this.#db.data;
    const hasSnapshot = document.checksum !== undefined;
    if (!compact && this.#staged.size === 0) return;
    const staged = this.#staged;
    const count = this.#unflushed;
    this.#staged = new Map();
    this.#unflushed = 0;
    const started = this.#now().getTime();
    try {
      const bound = Math.max(this.#journalMaxChanges, Math.floor(document.entries.size / 4));
      const reason = compact ?? (!hasSnapshot ? 'first' : this.#journalChanges + staged.size > bound ? 'journal-full' : undefined);
      if (reason !== undefined) {
        // Low.write() calls the adapter synchronously, which takes its snapshot before its first await.
        await this.#db.write();
        this.#journalChanges = 0;
        this.#found = undefined;
        // Stale now: it names the snapshot just replaced. Removed so the next open has less to look at — and if that
        // fails, the next open ignores it as stale: the new snapshot holds everything, so the write succeeded.
        await this.#journal?.close().catch(noop);
        this.#journal = undefined;
        await removeJournal(this.#journalFile).catch(noop);
        this.#onEvent({ type: 'snapshot', entries: document.entries.size, ms: this.#now().getTime() - started, reason });
      } else {
        const lines: string[] = [];
        for (const [assetId, entry] of staged) lines.push(entry === null ? removeRecord(assetId) : putRecord(entry));
        try {
          const journal = await this.#openJournal(document);
          await journal.append(lines);
        } catch (error) {
          throw checkpointWriteError(this.#journalFile, 'journal', error);
        }
        this.#journalChanges += lines.length;
        this.#onEvent({ type: 'journal', changes: lines.length, ms: this.#now().getTime() - started });
      }
      this.#lastWriteEnd = this.#now().getTime();
      this.#lastWriteMs = this.#lastWriteEnd - started;
    } catch (error) {
      // Nothing of this write is assumed durable: the next flush writes these changes again (later ones win).
      for (const [assetId, entry] of staged) if (!this.#staged.has(assetId)) this.#staged.set(assetId, entry);
      this.#unflushed += count;
      throw error;
    }
  }

  /** The journal to append to: the one found at open if it extends this snapshot, else a new one. */
  async #openJournal(document: CheckpointDocument): Promise<JournalWriter> {
    if (this.#journal) return this.#journal;
    const found = this.#found;
    if (found?.state === 'replayed') {
      this.#journal = await JournalWriter.resume(this.#journalFile, found.goodBytes, found.lines);
    } else {
      this.#journal = await JournalWriter.create(this.#journalFile, {
        journal: JOURNAL_VERSION,
        sourceSystem: document.sourceSystem,
        ...(document.job !== undefined ? { job: document.job } : {}),
        ...(document.target !== undefined ? { target: document.target } : {}),
        snapshot: { checksum: document.checksum!, updatedAt: document.updatedAt! },
      });
    }
    this.#found = undefined;
    return this.#journal;
  }
}
