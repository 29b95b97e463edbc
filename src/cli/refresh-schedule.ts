import type { Config } from '../config/config-schema.ts';
import { afterRun, readRefreshRecord, refreshRecordPath, writeRefreshRecord } from '../state/refresh-record.ts';
import { refreshDue } from './refresh-due.ts';

export interface RefreshDecision {
  /** Whether this run refreshes. */
  refresh: boolean;
  /** Why, when it does. */
  reason?: string;
  /** Records the finished run (a real sync only): a refresh of every space resets the schedule. */
  recordRun(run: { refreshed: boolean; allSpaces: boolean; at: Date }): Promise<void>;
}

/**
 * `--refresh`, or the schedule in `sync.refresh` for a real `sync` (a plan or dry-run refreshes only when asked:
 * previewing must not read the whole target behind the user's back). The bookkeeping lives beside the checkpoint
 * (state/refresh-record.ts) and is written under the run's checkpoint lock.
 */
export async function decideRefresh(input: {
  config: Config;
  sourceSystem: string;
  flag: boolean;
  /** A real sync: the schedule applies and the run is recorded. */
  scheduled: boolean;
  now: Date;
}): Promise<RefreshDecision> {
  const { config, sourceSystem, flag, scheduled, now } = input;
  const file = refreshRecordPath(config.checkpoints.dir, sourceSystem, config.job.name);
  const record = scheduled ? await readRefreshRecord(file) : { runsSinceRefresh: 0 };
  const due = scheduled && !flag ? refreshDue(config.sync.refresh, record, now) : { due: false };
  return {
    refresh: flag || due.due,
    ...(flag ? { reason: '--refresh' } : due.reason !== undefined ? { reason: due.reason } : {}),
    async recordRun(run) {
      if (scheduled) await writeRefreshRecord(file, afterRun(record, run));
    },
  };
}
