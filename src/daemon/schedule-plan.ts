import { validateDetailed } from 'node-cron';
import type { Config } from '../config/config-schema.ts';
import { DaemonConfigError } from './daemon-errors.ts';
import type { JobPriority } from './job.ts';

/** Which spaces a schedule's firing syncs. */
export type ScheduleScope =
  /** Every space the source lists, except those that follow their own schedule. */
  | { kind: 'catalog'; except: string[] }
  | { kind: 'space'; space: string }
  /** Every space, overrides included: the whole-catalog refresh. */
  | { kind: 'refresh' };

export interface ScheduleEntry {
  /** `default`, `space:<name>` or `refresh`: names the firing's jobs (`trigger: schedule:<name>`) and its metrics. */
  name: string;
  /** The config path of the entry, for error messages. */
  path: string;
  cron: string;
  timezone: string;
  priority: JobPriority;
  scope: ScheduleScope;
}

/**
 * The daemon's schedules from config `schedule`, checked before anything starts: every cron expression and time
 * zone must be valid, and each problem names its entry (`schedule.spaces.SALES.cron: ...`).
 */
export function planSchedules(schedule: Config['schedule']): ScheduleEntry[] {
  const entries: ScheduleEntry[] = [];
  const overridden = Object.keys(schedule.spaces);
  if (schedule.cron !== null) {
    entries.push({
      name: 'default',
      path: 'schedule.cron',
      cron: schedule.cron,
      timezone: schedule.timezone,
      priority: schedule.priority,
      scope: { kind: 'catalog', except: overridden },
    });
  }
  for (const [space, override] of Object.entries(schedule.spaces)) {
    entries.push({
      name: `space:${space}`,
      path: `schedule.spaces.${space}.cron`,
      cron: override.cron,
      timezone: override.timezone ?? schedule.timezone,
      priority: override.priority,
      scope: { kind: 'space', space },
    });
  }
  if (schedule.refresh !== null) {
    entries.push({
      name: 'refresh',
      path: 'schedule.refresh.cron',
      cron: schedule.refresh.cron,
      timezone: schedule.timezone,
      priority: schedule.refresh.priority,
      scope: { kind: 'refresh' },
    });
  }

  const problems: string[] = [];
  const timezones = new Map<string, string>();
  if (!isTimeZone(schedule.timezone)) timezones.set(schedule.timezone, 'schedule.timezone');
  for (const [space, override] of Object.entries(schedule.spaces)) {
    if (override.timezone !== undefined && !isTimeZone(override.timezone)) timezones.set(override.timezone, `schedule.spaces.${space}.timezone`);
  }
  for (const [zone, path] of timezones) problems.push(`${path}: ${JSON.stringify(zone)} is not a known IANA time zone`);
  for (const entry of entries) {
    const reason = cronProblem(entry.cron);
    if (reason) problems.push(`${entry.path}: ${JSON.stringify(entry.cron)} is not a valid cron expression (${reason})`);
  }
  if (problems.length > 0) throw new DaemonConfigError('invalid schedule', problems);
  return entries;
}

function cronProblem(expression: string): string | undefined {
  try {
    const result = validateDetailed(expression);
    if (result.valid) return undefined;
    return result.errors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'invalid';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
