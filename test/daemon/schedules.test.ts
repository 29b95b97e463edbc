import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../src/config/config-schema.ts';
import type { CronSchedules } from '../../src/daemon/cron-schedules.ts';
import { startCronSchedules } from '../../src/daemon/cron-schedules.ts';
import { DaemonConfigError } from '../../src/daemon/daemon-errors.ts';
import type { JobResult } from '../../src/daemon/job-manager.ts';
import { JobManager } from '../../src/daemon/job-manager.ts';
import { ScheduleFirer } from '../../src/daemon/schedule-firer.ts';
import { planSchedules } from '../../src/daemon/schedule-plan.ts';
import { runCli } from '../support/run-cli.ts';
import { harnessConfig, silentLogger, startHarness } from './support/daemon-harness.ts';

const scheduleConfig = (schedule: unknown) =>
  configSchema.parse({ source: { type: 'csn-files', path: 'x', space: 'S' }, target: { type: 'file', path: 'y' }, schedule }).schedule;

describe('planSchedules', () => {
  it('builds the default, per-space and refresh schedules; the default leaves out spaces with their own', () => {
    const entries = planSchedules(
      scheduleConfig({ timezone: 'Europe/Berlin', spaces: { SALES: { cron: '0 * * * *', priority: 'critical' }, HR: { cron: '30 1 * * *', timezone: 'UTC' } } }),
    );
    expect(entries.map((e) => [e.name, e.cron, e.timezone, e.priority])).toEqual([
      ['default', '0 2 * * *', 'Europe/Berlin', 'normal'],
      ['space:SALES', '0 * * * *', 'Europe/Berlin', 'critical'],
      ['space:HR', '30 1 * * *', 'UTC', 'normal'],
      ['refresh', '0 3 * * 0', 'Europe/Berlin', 'low'],
    ]);
    expect(entries[0]?.scope).toEqual({ kind: 'catalog', except: ['SALES', 'HR'] });
    expect(planSchedules(scheduleConfig({ cron: null, refresh: null }))).toEqual([]);
  });

  it('fails on an invalid cron expression or time zone, naming every wrong entry', () => {
    let error: unknown;
    try {
      planSchedules(scheduleConfig({ cron: '0 25 * * *', timezone: 'Mars/Olympus', spaces: { SALES: { cron: 'every hour' }, HR: { cron: '0 * * * *', timezone: 'Nowhere/City' } }, refresh: { cron: '* * *' } }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DaemonConfigError);
    const problems = (error as DaemonConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems).toContainEqual('schedule.timezone: "Mars/Olympus" is not a known IANA time zone');
    expect(problems).toContainEqual('schedule.spaces.HR.timezone: "Nowhere/City" is not a known IANA time zone');
    expect(problems).toContainEqual(expect.stringMatching(/^schedule\.cron: "0 25 \* \* \*" is not a valid cron expression \(hour: /));
    expect(problems).toContainEqual(expect.stringMatching(/^schedule\.spaces\.SALES\.cron: "every hour" is not a valid cron expression/));
    expect(problems).toContainEqual(expect.stringMatching(/^schedule\.refresh\.cron: "\* \* \*" is not a valid cron expression \(expression: expected 5 or 6 fields/));
    expect((error as Error).message).toMatch(/^invalid schedule:\n {2}/);
  });

  it('the daemon refuses to start on a bad schedule, and the command exits 1 naming the entry', async () => {
    const bad = { schedule: { cron: null, refresh: null, spaces: { A: { cron: '61 * * * *' } } } };
    await expect(startHarness({ config: bad })).rejects.toThrow(/schedule\.spaces\.A\.cron: "61 \* \* \* \*" is not a valid cron expression/);
    const root = await mkdtemp(path.join(tmpdir(), 'catalog-sync-daemon-cli-'));
    try {
      const file = path.join(root, 'config.json');
      await writeFile(file, JSON.stringify(harnessConfig(root, { schedule: { cron: '0 2 * * *', timezone: 'Atlantis/Capital', refresh: null } })));
      const result = await runCli(['daemon', '--config', file]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/schedule\.timezone: "Atlantis\/Capital" is not a known IANA time zone/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('schedules on node-cron (fake timers)', () => {
  let schedules: CronSchedules | undefined;
  afterEach(async () => {
    await schedules?.stop();
    schedules = undefined;
    vi.useRealTimers();
  });

  it('fire at their times in their time zone, and never overlap on a space', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-05T00:59:30Z'), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const started: { at: string; trigger: string; spaces: string[] }[] = [];
    const onSpace = new Map<string, number>();
    let maxOnOneSpace = 0;
    let releaseSales: () => void = () => {};
    const manager = new JobManager({
      concurrency: 2,
      onBusy: 'reject',
      keepFinished: 100,
      lockRetryMs: 1000,
      logger: silentLogger,
      lease: { acquire: async () => ({ get: () => undefined, all: () => [], put: async () => {}, remove: async () => {}, flush: async () => {} }), release: async () => {} },
      run: async (job): Promise<JobResult> => {
        started.push({ at: new Date().toISOString(), trigger: job.request.trigger, spaces: job.request.spaces });
        for (const s of job.request.spaces) onSpace.set(s, (onSpace.get(s) ?? 0) + 1);
        maxOnOneSpace = Math.max(maxOnOneSpace, ...onSpace.values());
        if (job.request.spaces.includes('SALES')) await new Promise<void>((resolve) => (releaseSales = resolve));
        for (const s of job.request.spaces) onSpace.set(s, (onSpace.get(s) ?? 0) - 1);
        return { outcome: 'succeeded' };
      },
    });
    const skipped: string[] = [];
    const firer = new ScheduleFirer({
      manager,
      listSpaces: async () => ['FIN', 'HR', 'SALES'],
      logger: silentLogger,
      onSkipped: (entry, reason) => skipped.push(`${entry.name} ${reason}`),
    });
    // SALES hourly; everything else nightly at 02:00 Berlin time (01:00 UTC in winter).
    const entries = planSchedules(scheduleConfig({ cron: '0 2 * * *', timezone: 'Europe/Berlin', spaces: { SALES: { cron: '0 * * * *', priority: 'critical' } }, refresh: null }));
    schedules = startCronSchedules(entries, (entry) => firer.fire(entry), silentLogger);
    expect(schedules.nextRuns()).toEqual([
      { name: 'default', next: '2026-01-05T01:00:00.000Z' },
      { name: 'space:SALES', next: '2026-01-05T01:00:00.000Z' },
    ]);

    await vi.advanceTimersByTimeAsync(60_000); // 01:00:30Z: both fire
    expect(started).toEqual([
      { at: expect.stringMatching(/^2026-01-05T01:00:00/), trigger: 'schedule:default', spaces: ['FIN', 'HR'] },
      { at: expect.stringMatching(/^2026-01-05T01:00:00/), trigger: 'schedule:space:SALES', spaces: ['SALES'] },
    ]);
    await vi.advanceTimersByTimeAsync(60 * 60_000); // 02:00:30Z: SALES is still running → that firing is skipped
    expect(started).toHaveLength(2);
    expect(skipped).toEqual(['space:SALES previous-still-active']);
    releaseSales();
    await vi.advanceTimersByTimeAsync(60 * 60_000); // 03:00:30Z: fires again and runs
    expect(started.map((s) => `${s.at.slice(11, 16)} ${s.trigger}`)).toEqual(['01:00 schedule:default', '01:00 schedule:space:SALES', '03:00 schedule:space:SALES']);
    expect(maxOnOneSpace).toBe(1);
    releaseSales();
    await manager.whenIdle();
  });
});
