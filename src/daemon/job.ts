import type { JobPriority } from '../config/config-schema.ts';
import type { HistoryRecord } from '../report/run-history.ts';

export type { JobPriority };

/** Highest first: the order in which queued jobs start. */
export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const satisfies readonly JobPriority[];

export function priorityRank(priority: JobPriority): number {
  return PRIORITIES.indexOf(priority);
}

/**
 * `succeeded` / `partial` mirror the run summary's `ok` / `partial`; `failed` is a run that threw or a guard stop;
 * `cancelled` was asked for (DELETE); `stopped` is a run the daemon's shutdown wound down.
 */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'partial' | 'failed' | 'cancelled' | 'stopped';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled', 'stopped'] as const satisfies readonly JobStatus[];

export type JobPhase = 'queued' | 'waiting-for-lock' | 'extract' | 'plan' | 'apply' | 'verify' | 'finished';

/** What a job is asked to do: always named spaces (a schedule resolves "the catalog" to its spaces when it fires). */
export interface JobRequest {
  spaces: string[];
  mode: 'incremental' | 'full';
  dryRun: boolean;
  priority: JobPriority;
  /** The whole-catalog refresh (drift, tables changed behind our back) rather than a plain incremental run. */
  refresh?: boolean;
  /** `api`, or `schedule:<name>` for a schedule's firing. */
  trigger: string;
}

export interface JobError {
  code: string;
  message: string;
}

export interface Job {
  readonly id: string;
  /** Submission order: oldest first within a priority. */
  readonly seq: number;
  readonly request: JobRequest;
  status: JobStatus;
  readonly submittedAt: string;
  startedAt?: string;
  finishedAt?: string;
  progress: { phase: JobPhase; done: number; total?: number };
  /**
   * The run summary as the run history keeps it: without the per-table actions and with its lists capped, so the
   * finished jobs kept in memory stay small whatever the size of the catalog.
   */
  summary?: HistoryRecord;
  error?: JobError;
  /** Aborted by a cancel or by shutdown: the engine stops starting writes at the next asset boundary. */
  readonly controller: AbortController;
  /** Why the controller was aborted, which decides the final status. */
  stopReason?: 'cancelled' | 'shutdown';
}

export function isFinished(status: JobStatus): boolean {
  return status !== 'queued' && status !== 'running';
}

/** The JSON the job API answers with. */
export interface JobView {
  id: string;
  status: JobStatus;
  priority: JobPriority;
  trigger: string;
  spaces: string[];
  mode: 'incremental' | 'full';
  dryRun: boolean;
  refresh: boolean;
  submittedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelRequested: boolean;
  progress: { phase: JobPhase; assetsDone: number; assetsTotal: number | null };
  runId: string | null;
  summary?: HistoryRecord;
  error?: JobError;
}

export function jobView(job: Job, options: { withSummary: boolean }): JobView {
  const { request } = job;
  return {
    id: job.id,
    status: job.status,
    priority: request.priority,
    trigger: request.trigger,
    spaces: request.spaces,
    mode: request.mode,
    dryRun: request.dryRun,
    refresh: request.refresh === true,
    submittedAt: job.submittedAt,
    startedAt: job.startedAt ?? null,
    finishedAt: job.finishedAt ?? null,
    cancelRequested: job.stopReason === 'cancelled',
    progress: { phase: job.progress.phase, assetsDone: job.progress.done, assetsTotal: job.progress.total ?? null },
    runId: job.summary?.runId ?? null,
    ...(options.withSummary && job.summary ? { summary: job.summary } : {}),
    ...(job.error ? { error: job.error } : {}),
  };
}
