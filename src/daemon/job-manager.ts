import { randomUUID } from 'node:crypto';
import type { CheckpointStore } from '../catalog/checkpoint.ts';
import { errorCodeOf } from '../catalog/error-code-of.ts';
import { messageOf } from '../catalog/message-of.ts';
import type { EngineLogger } from '../engine/engine-logger.ts';
import type { HistoryRecord } from '../report/run-history.ts';
import type { Job, JobError, JobRequest, JobStatus } from './job.ts';
import { isFinished } from './job.ts';
import { JobQueue } from './job-queue.ts';

/** How a job's run ended, as the runner sees it; the manager turns `interrupted` into cancelled or stopped. */
export interface JobResult {
  outcome: 'succeeded' | 'partial' | 'failed' | 'interrupted';
  summary?: HistoryRecord;
  error?: JobError;
}

/** Runs one job against the shared checkpoint store; must honour `job.controller.signal`. */
export type JobRunner = (job: Job, checkpoints: CheckpointStore) => Promise<JobResult>;

export type SubmitResult =
  | { accepted: true; job: Job }
  | { accepted: false; reason: 'busy'; conflict: Job }
  | { accepted: false; reason: 'closed' };

export type CancelResult = { found: false } | { found: true; job: Job; wasFinished: boolean };

export interface Timer {
  cancel(): void;
}

export interface JobManagerOptions {
  /** Jobs running at once (config `jobs.concurrency`). */
  concurrency: number;
  /** A job for a space with a job queued or running: refuse it or queue it (config `jobs.onBusy`). */
  onBusy: 'reject' | 'queue';
  /** Finished jobs kept for the API (config `jobs.keepFinished`). */
  keepFinished: number;
  /** While another process holds the checkpoint lock, retry this often (config `jobs.lockRetrySeconds`). */
  lockRetryMs: number;
  lease: { acquire(): Promise<CheckpointStore>; release(): Promise<void> };
  run: JobRunner;
  logger: EngineLogger;
  now?: () => Date;
  setTimer?: (callback: () => void, ms: number) => Timer;
  /** Called once per job when it reaches a final status (metrics). */
  onFinished?: (job: Job) => void;
}

const realTimer = (callback: () => void, ms: number): Timer => {
  const handle = setTimeout(callback, ms);
  return { cancel: () => clearTimeout(handle) };
};

/**
 * The job queue and its dispatcher. Up to `concurrency` jobs run at once; a job starts only when none of its spaces
 * is claimed by a running job, so two jobs never sync one space at once while jobs on different spaces run side by
 * side. Queued jobs start in priority order, oldest first within a priority; a job whose spaces are busy does not
 * hold back the jobs behind it.
 */
export class JobManager {
  readonly #options: JobManagerOptions;
  readonly #now: () => Date;
  readonly #setTimer: (callback: () => void, ms: number) => Timer;
  readonly #jobs = new Map<string, Job>();
  readonly #queue = new JobQueue();
  /** Jobs taken off the queue: taking the lease, or running. */
  readonly #active = new Set<Job>();
  readonly #claims = new Map<string, Job>();
  readonly #starts = new Set<Promise<void>>();
  readonly #finishedOrder: string[] = [];
  #seq = 0;
  #closed = false;
  #lockWait: Timer | undefined;

  constructor(options: JobManagerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#setTimer = options.setTimer ?? realTimer;
  }

  get queueDepth(): number {
    return this.#queue.size;
  }

  get runningCount(): number {
    return [...this.#active].filter((job) => job.status === 'running').length;
  }

  get accepting(): boolean {
    return !this.#closed;
  }

  submit(request: JobRequest, options: { onBusy?: 'reject' | 'queue' } = {}): SubmitResult {
    if (this.#closed) return { accepted: false, reason: 'closed' };
    const conflict = this.activeJobFor(request.spaces);
    if (conflict && (options.onBusy ?? this.#options.onBusy) === 'reject') return { accepted: false, reason: 'busy', conflict };
    const job: Job = {
      id: randomUUID(),
      seq: ++this.#seq,
      request: { ...request, spaces: [...new Set(request.spaces)] },
      status: 'queued',
      submittedAt: this.#now().toISOString(),
      progress: { phase: 'queued', done: 0 },
      controller: new AbortController(),
    };
    this.#jobs.set(job.id, job);
    this.#queue.push(job);
    this.#options.logger.info({ jobId: job.id, spaces: job.request.spaces, priority: job.request.priority, trigger: job.request.trigger }, 'job queued');
    this.#pump();
    return { accepted: true, job };
  }

  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  /** Newest first. */
  list(filter: { status?: JobStatus; limit: number }): Job[] {
    const out: Job[] = [];
    const all = [...this.#jobs.values()];
    for (let i = all.length - 1; i >= 0 && out.length < filter.limit; i--) {
      const job = all[i] as Job;
      if (filter.status === undefined || job.status === filter.status) out.push(job);
    }
    return out;
  }

  /** A queued or running job that shares a space with `spaces`, if any. */
  activeJobFor(spaces: readonly string[]): Job | undefined {
    for (const space of spaces) {
      const claimed = this.#claims.get(space);
      if (claimed) return claimed;
    }
    return this.#queue.ordered().find((job) => job.request.spaces.some((space) => spaces.includes(space)));
  }

  /**
   * A queued job is cancelled at once; a running one is asked to stop: the engine starts no write after the one in
   * flight, the checkpoint keeps exactly the confirmed entries, and the job ends `cancelled`.
   */
  cancel(id: string): CancelResult {
    const job = this.#jobs.get(id);
    if (!job) return { found: false };
    if (isFinished(job.status)) return { found: true, job, wasFinished: true };
    job.stopReason ??= 'cancelled';
    job.controller.abort();
    if (this.#queue.remove(job)) this.#finish(job, 'cancelled');
    this.#options.logger.info({ jobId: id }, job.status === 'cancelled' ? 'queued job cancelled' : 'cancel requested; stopping at the next asset boundary');
    return { found: true, job, wasFinished: false };
  }

  /**
   * Shutdown: accept nothing more, cancel what is queued, ask running jobs to stop at the next asset boundary and
   * wait for them (their checkpoint entries are flushed as the lease is given back) — at most `graceMs`.
   * Resolves true when everything wound down in time.
   */
  async close(graceMs: number): Promise<boolean> {
    this.#closed = true;
    this.#lockWait?.cancel();
    this.#lockWait = undefined;
    for (const job of this.#queue.drain()) {
      job.stopReason = 'shutdown';
      job.controller.abort();
      job.error = { code: 'SHUTDOWN', message: 'the daemon shut down before this job started' };
      this.#finish(job, 'cancelled');
    }
    for (const job of this.#active) {
      job.stopReason ??= 'shutdown';
      job.controller.abort();
    }
    if (this.#starts.size === 0) return true;
    let timer: Timer | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = this.#setTimer(() => resolve(false), graceMs);
    });
    try {
      return await Promise.race([this.whenIdle().then(() => true as const), timedOut]);
    } finally {
      timer?.cancel();
    }
  }

  /** Resolves once no job is running and the lease has been given back. */
  async whenIdle(): Promise<void> {
    while (this.#starts.size > 0) await Promise.allSettled([...this.#starts]);
  }

  #pump(): void {
    if (this.#lockWait || this.#closed) return;
    for (const job of [...this.#queue.ordered()]) {
      if (this.#active.size >= this.#options.concurrency) break;
      if (job.request.spaces.some((space) => this.#claims.has(space))) continue;
      this.#queue.remove(job);
      this.#active.add(job);
      for (const space of job.request.spaces) this.#claims.set(space, job);
      const started = this.#start(job);
      this.#starts.add(started);
      void started.finally(() => this.#starts.delete(started));
    }
  }

  #unclaim(job: Job): void {
    this.#active.delete(job);
    for (const space of job.request.spaces) if (this.#claims.get(space) === job) this.#claims.delete(space);
  }

  async #start(job: Job): Promise<void> {
    let checkpoints: CheckpointStore;
    try {
      checkpoints = await this.#options.lease.acquire();
    } catch (error) {
      this.#unclaim(job);
      if (errorCodeOf(error) === 'LOCK_HELD' && !job.controller.signal.aborted && !this.#closed) {
        job.progress = { phase: 'waiting-for-lock', done: 0 };
        this.#queue.push(job);
        this.#waitForLock(error);
        return;
      }
      this.#end(job, { outcome: job.controller.signal.aborted ? 'interrupted' : 'failed', error: toJobError(error) });
      this.#pump();
      return;
    }
    if (job.controller.signal.aborted) {
      this.#unclaim(job);
      this.#end(job, { outcome: 'interrupted' });
      this.#pump();
      await this.#options.lease.release();
      return;
    }
    job.status = 'running';
    job.startedAt = this.#now().toISOString();
    job.progress = { phase: 'extract', done: 0 };
    this.#options.logger.info({ jobId: job.id, spaces: job.request.spaces }, 'job started');
    let result: JobResult;
    try {
      result = await this.#options.run(job, checkpoints);
    } catch (error) {
      result = { outcome: 'failed', error: toJobError(error) };
    }
    this.#unclaim(job);
    this.#end(job, result);
    // Dispatch before giving the lease back: a job waiting to start keeps the lock held instead of retaking it.
    this.#pump();
    await this.#options.lease.release();
  }

  #waitForLock(error: unknown): void {
    if (this.#lockWait) return;
    this.#options.logger.warn(
      { err: error instanceof Error ? error.message : String(error), retryInMs: this.#options.lockRetryMs, queued: this.#queue.size },
      'checkpoint lock held by another run; queued jobs wait for it',
    );
    this.#lockWait = this.#setTimer(() => {
      this.#lockWait = undefined;
      this.#pump();
    }, this.#options.lockRetryMs);
  }

  #end(job: Job, result: JobResult): void {
    if (result.summary) job.summary = result.summary;
    if (result.error) job.error = result.error;
    const status: JobStatus =
      result.outcome === 'interrupted' ? (job.stopReason === 'shutdown' ? 'stopped' : 'cancelled') : result.outcome;
    this.#finish(job, status);
  }

  #finish(job: Job, status: JobStatus): void {
    job.status = status;
    job.finishedAt = this.#now().toISOString();
    job.progress = { ...job.progress, phase: 'finished' };
    this.#options.logger.info({ jobId: job.id, status, runId: job.summary?.runId, error: job.error?.message }, 'job finished');
    this.#options.onFinished?.(job);
    this.#finishedOrder.push(job.id);
    while (this.#finishedOrder.length > this.#options.keepFinished) this.#jobs.delete(this.#finishedOrder.shift() as string);
  }
}

export function toJobError(error: unknown): JobError {
  return { code: errorCodeOf(error) ?? 'FATAL', message: messageOf(error) };
}
