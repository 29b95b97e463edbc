import type { RefreshRecord } from '../state/refresh-record.ts';

export interface RefreshSchedule {
  /** Every Nth run after the last refresh; null: not by count. */
  everyRuns: number | null;
  /** When the last refresh is older than this; null: not by age. */
  maxAgeHours: number | null;
}

const HOUR_MS = 3_600_000;

/**
 * Whether this run refreshes by the schedule (`sync.refresh`), and why: the reason is logged, so a run that reads
 * the whole target says what made it. A job that never refreshed is due as soon as any trigger is set.
 */
export function refreshDue(schedule: RefreshSchedule, record: RefreshRecord, now: Date): { due: boolean; reason?: string } {
  const { everyRuns, maxAgeHours } = schedule;
  if (everyRuns === null && maxAgeHours === null) return { due: false };
  if (record.lastRefreshAt === undefined) return { due: true, reason: 'no refresh recorded yet' };
  if (everyRuns !== null && record.runsSinceRefresh + 1 >= everyRuns) {
    return { due: true, reason: `run ${record.runsSinceRefresh + 1} since the last refresh (sync.refresh.everyRuns = ${everyRuns})` };
  }
  if (maxAgeHours !== null) {
    const ageHours = (now.getTime() - Date.parse(record.lastRefreshAt)) / HOUR_MS;
    if (ageHours >= maxAgeHours) {
      return { due: true, reason: `last refresh ${Math.floor(ageHours)} h ago (sync.refresh.maxAgeHours = ${maxAgeHours})` };
    }
  }
  return { due: false };
}
