import type { Job } from './job.ts';
import { priorityRank } from './job.ts';

/**
 * Queued jobs in start order: priority first (critical → low), then submission order. Kept sorted on insert, so
 * the dispatcher only walks it; a queue holds tens of jobs, not thousands, so an array is the right structure.
 */
export class JobQueue {
  readonly #jobs: Job[] = [];

  get size(): number {
    return this.#jobs.length;
  }

  push(job: Job): void {
    const index = this.#jobs.findIndex((queued) => before(job, queued));
    if (index === -1) this.#jobs.push(job);
    else this.#jobs.splice(index, 0, job);
  }

  remove(job: Job): boolean {
    const index = this.#jobs.indexOf(job);
    if (index === -1) return false;
    this.#jobs.splice(index, 1);
    return true;
  }

  /** The queued jobs in the order they would start. */
  ordered(): readonly Job[] {
    return this.#jobs;
  }

  /** Empties the queue and returns what it held, in order. */
  drain(): Job[] {
    return this.#jobs.splice(0, this.#jobs.length);
  }
}

function before(a: Job, b: Job): boolean {
  const byPriority = priorityRank(a.request.priority) - priorityRank(b.request.priority);
  return byPriority !== 0 ? byPriority < 0 : a.seq < b.seq;
}
