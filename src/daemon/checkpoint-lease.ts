import type { CheckpointStore } from '../catalog/checkpoint.ts';
import type { EngineLogger } from '../engine/engine-logger.ts';

/** What the lease needs of the lock file: something to release (src/state/lock-file.ts `Lock`). */
export interface HeldLock {
  release(): Promise<void>;
}

export interface CheckpointLeaseOptions {
  /** Takes the checkpoint lock; rejects (LockHeldError, code LOCK_HELD) while another process holds it. */
  lock: () => Promise<HeldLock>;
  /** Opens the checkpoint store, reading the file from disk. */
  open: () => Promise<CheckpointStore>;
  logger: EngineLogger;
}

/**
 * The daemon's hold on the checkpoint: one lock and ONE in-process store, shared by every job that runs, taken
 * when the first job starts and given back when the last one ends. So jobs on different spaces write through a
 * single store (one writer, whose flushes are serialised; no lost entries), while an idle daemon holds nothing and
 * a manual `catalog-sync sync` beside it works. Each time the lock is taken again the store is opened afresh,
 * because a manual run may have changed the file in between.
 *
 * Acquire and release are applied strictly in call order (one promise chain), so a job that starts while the last
 * one is letting go either keeps the lease alive (it asked first) or takes it again after the release completed.
 */
export class CheckpointLease {
  readonly #options: CheckpointLeaseOptions;
  #users = 0;
  #lock: HeldLock | undefined;
  #store: CheckpointStore | undefined;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(options: CheckpointLeaseOptions) {
    this.#options = options;
  }

  /** Whether the lock is held right now. */
  get held(): boolean {
    return this.#lock !== undefined;
  }

  get users(): number {
    return this.#users;
  }

  acquire(): Promise<CheckpointStore> {
    return this.#serial(async () => {
      if (this.#users === 0) {
        const lock = await this.#options.lock();
        try {
          this.#store = await this.#options.open();
        } catch (error) {
          await lock.release();
          throw error;
        }
        this.#lock = lock;
        this.#options.logger.debug({}, 'checkpoint lock taken; checkpoint read from disk');
      }
      this.#users += 1;
      return this.#store as CheckpointStore;
    });
  }

  release(): Promise<void> {
    return this.#serial(async () => {
      if (this.#users === 0) return;
      this.#users -= 1;
      if (this.#users > 0) return;
      await this.#letGo();
    });
  }

  /**
   * Makes the confirmed entries durable and gives the lock back now, whoever still uses the store: the last step of
   * a shutdown whose grace period ran out with a job still stuck in a write (the process exits right after).
   */
  abandon(): Promise<void> {
    return this.#serial(async () => {
      this.#users = 0;
      await this.#letGo(false);
    });
  }

  /** `close`: fold the journal into the snapshot (an idle daemon leaves one file); a shutdown in a hurry only flushes. */
  async #letGo(close = true): Promise<void> {
    const store = this.#store;
    const lock = this.#lock;
    this.#store = undefined;
    this.#lock = undefined;
    try {
      if (close && store?.close) await store.close();
      else await store?.flush();
    } catch (error) {
      // Not lost work: every written table carries its hashes, so the next run records what this flush missed.
      this.#options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'checkpoint flush failed on release');
    } finally {
      await lock?.release();
      this.#options.logger.debug({}, 'checkpoint lock released (daemon idle)');
    }
  }

  #serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(step);
    this.#chain = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }
}
