import type { Source } from '../catalog/source.ts';
import type { Target } from '../catalog/target.ts';
import type { EngineLogger } from '../engine/engine-logger.ts';
import type { RunSummary } from '../engine/run-summary.ts';
import type { SyncOptions } from '../engine/run-sync.ts';
import { runSync } from '../engine/run-sync.ts';
import type { HistoryRecord } from '../report/run-history.ts';
import { historyRecord } from '../report/run-history.ts';
import type { Job, JobRequest } from './job.ts';
import type { JobResult, JobRunner } from './job-manager.ts';
import { toJobError } from './job-manager.ts';
import type { Redact } from './redact.ts';

export interface JobRunnerDeps {
  /**
   * A fresh Source and Target for each job: connectors count traffic per instance, and a job's summary must show
   * only its own requests and bytes.
   */
  connectors(): Promise<{ source: Source; target: Target }>;
  /** The engine's options for this request (config plus the request's spaces, mode, dry-run, refresh). */
  syncOptions(request: JobRequest): SyncOptions;
  /** Appends the summary to the run history, as the CLI does, so `report` counts daemon runs too. */
  appendHistory(summary: RunSummary): Promise<void>;
  jobLogger(job: Job): EngineLogger;
  redact: Redact;
}

/**
 * Runs a job through the engine: its own connectors, the daemon's shared checkpoint store, the job's abort signal
 * (cancel or shutdown: the engine starts no write after the ones in flight), and progress written onto the job as
 * the engine reports it.
 */
export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  return async (job, checkpoints): Promise<JobResult> => {
    const logger = deps.jobLogger(job);
    const { source, target } = await deps.connectors();
    try {
      const outcome = await runSync(deps.syncOptions(job.request), {
        source,
        target,
        checkpoints,
        logger,
        signal: job.controller.signal,
        onPhase: (phase, total) => {
          job.progress = phase === 'apply' ? { phase, done: 0, ...(total !== undefined ? { total } : {}) } : { ...job.progress, phase };
        },
        onProgress: (done, total) => {
          job.progress = { phase: 'apply', done, total };
        },
      });
      const summary = deps.redact.value(outcome.summary);
      try {
        await deps.appendHistory(summary);
      } catch (error) {
        logger.error({ err: deps.redact.text(toJobError(error).message) }, 'could not append the run to the run history');
      }
      return resultOf(outcome, historyRecord(summary));
    } catch (error) {
      const failure = toJobError(error);
      return { outcome: 'failed', error: { code: failure.code, message: deps.redact.text(failure.message) } };
    } finally {
      await target.close?.();
    }
  };
}

/** What a finished run means for its job: succeeded, partial, interrupted or failed, with the error a failure carries. */
export function resultOf(outcome: { interrupted: boolean; stoppedBy?: { code: string; message: string } }, summary: HistoryRecord): JobResult {
  if (outcome.interrupted) return { outcome: 'interrupted', summary };
  if (outcome.stoppedBy) return { outcome: 'failed', summary, error: { code: outcome.stoppedBy.code, message: outcome.stoppedBy.message } };
  // Compared as text: the engine's status set may grow (guard-stopped, failed), and anything but ok/partial fails the job.
  const status: string = summary.status;
  if (status === 'ok') return { outcome: 'succeeded', summary };
  if (status === 'partial') return { outcome: 'partial', summary };
  if (status === 'stopped') return { outcome: 'interrupted', summary };
  // A run that failed with a typed error (a checkpoint that could not be written) says which; the job carries its code.
  return { outcome: 'failed', summary, error: summary.error ?? { code: 'RUN_FAILED', message: `the run ended with status ${status}` } };
}
