import { schedule } from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import type { EngineLogger } from '../engine/engine-logger.ts';
import type { ScheduleEntry } from './schedule-plan.ts';

export interface CronSchedules {
  /** The next firing of each schedule, for the startup log and the API. */
  nextRuns(): { name: string; next: string | null }[];
  stop(): Promise<void>;
}

/**
 * Starts one node-cron task per schedule entry (already validated by planSchedules). The task only hands the
 * firing to `onFire`, which submits a job and returns; the job queue, not node-cron, decides when it runs.
 */
export function startCronSchedules(entries: readonly ScheduleEntry[], onFire: (entry: ScheduleEntry) => Promise<unknown>, logger: EngineLogger): CronSchedules {
  const cronLogger = {
    info: (message: string) => logger.debug({ component: 'node-cron' }, message),
    warn: (message: string) => logger.warn({ component: 'node-cron' }, message),
    error: (message: string | Error) => logger.error({ component: 'node-cron' }, message instanceof Error ? message.message : message),
    debug: (message: string | Error) => logger.debug({ component: 'node-cron' }, message instanceof Error ? message.message : message),
  };
  const tasks: { entry: ScheduleEntry; task: ScheduledTask }[] = entries.map((entry) => ({
    entry,
    task: schedule(entry.cron, () => onFire(entry), { name: entry.name, timezone: entry.timezone, noOverlap: true, logger: cronLogger }),
  }));
  return {
    nextRuns: () => tasks.map(({ entry, task }) => ({ name: entry.name, next: task.getNextRun()?.toISOString() ?? null })),
    async stop() {
      for (const { task } of tasks) await task.destroy();
    },
  };
}
