import type { EngineLogger } from '../engine/engine-logger.ts';
import type { Job } from './job.ts';
import { isFinished } from './job.ts';
import type { JobManager } from './job-manager.ts';
import type { ScheduleEntry } from './schedule-plan.ts';

export type FireResult =
  | { fired: true; job: Job }
  | { fired: false; reason: 'previous-still-active' | 'no-spaces' | 'closed' | 'listing-failed'; detail?: string };

export interface ScheduleFirerDeps {
  manager: Pick<JobManager, 'submit' | 'get'>;
  /** Every space the source lists (one listing per firing of a catalog-wide schedule). */
  listSpaces(): Promise<string[]>;
  logger: EngineLogger;
  /** A firing that started no job (metrics). */
  onSkipped?(entry: ScheduleEntry, reason: string): void;
}

/**
 * Turns a schedule's firing into a job. A schedule never overlaps itself: while the job of its previous firing is
 * still queued or running, the new firing is skipped (that job will sync the same spaces anyway). A job it submits
 * waits for its spaces if other jobs hold them — `jobs.onBusy` governs API requests, not schedules.
 */
export class ScheduleFirer {
  readonly #deps: ScheduleFirerDeps;
  readonly #lastJob = new Map<string, string>();

  constructor(deps: ScheduleFirerDeps) {
    this.#deps = deps;
  }

  async fire(entry: ScheduleEntry): Promise<FireResult> {
    const result = await this.#fire(entry);
    if (result.fired) {
      this.#deps.logger.info({ schedule: entry.name, jobId: result.job.id, spaces: result.job.request.spaces }, 'schedule fired');
    } else {
      this.#deps.logger.warn({ schedule: entry.name, reason: result.reason, detail: result.detail }, 'schedule fired; no job started');
      this.#deps.onSkipped?.(entry, result.reason);
    }
    return result;
  }

  async #fire(entry: ScheduleEntry): Promise<FireResult> {
    const previous = this.#lastJob.get(entry.name);
    const previousJob = previous === undefined ? undefined : this.#deps.manager.get(previous);
    if (previousJob && !isFinished(previousJob.status)) return { fired: false, reason: 'previous-still-active', detail: previousJob.id };

    let spaces: string[];
    try {
      spaces = await this.#spaces(entry);
    } catch (error) {
      return { fired: false, reason: 'listing-failed', detail: error instanceof Error ? error.message : String(error) };
    }
    if (spaces.length === 0) return { fired: false, reason: 'no-spaces' };
    const submitted = this.#deps.manager.submit(
      {
        spaces,
        mode: 'incremental',
        dryRun: false,
        priority: entry.priority,
        ...(entry.scope.kind === 'refresh' ? { refresh: true } : {}),
        trigger: `schedule:${entry.name}`,
      },
      { onBusy: 'queue' },
    );
    if (!submitted.accepted) return { fired: false, reason: 'closed' };
    this.#lastJob.set(entry.name, submitted.job.id);
    return { fired: true, job: submitted.job };
  }

  async #spaces(entry: ScheduleEntry): Promise<string[]> {
    const scope = entry.scope;
    if (scope.kind === 'space') return [scope.space];
    const all = await this.#deps.listSpaces();
    return scope.kind === 'refresh' ? all : all.filter((space) => !scope.except.includes(space));
  }
}
