import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { refreshDue } from '../../src/cli/refresh-due.ts';
import { afterRun, readRefreshRecord } from '../../src/state/refresh-record.ts';
import { exampleExport } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';

describe('refreshDue', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  const never = { runsSinceRefresh: 0 };
  const at = (hoursAgo: number, runsSinceRefresh = 0) => ({ lastRefreshAt: new Date(now.getTime() - hoursAgo * 3_600_000).toISOString(), runsSinceRefresh });

  it('refreshes a job that never refreshed, unless no trigger is set', () => {
    expect(refreshDue({ everyRuns: null, maxAgeHours: 168 }, never, now)).toEqual({ due: true, reason: 'no refresh recorded yet' });
    expect(refreshDue({ everyRuns: null, maxAgeHours: null }, never, now)).toEqual({ due: false });
  });

  it('every Nth run: due on the Nth run after the last refresh', () => {
    const schedule = { everyRuns: 3, maxAgeHours: null };
    expect(refreshDue(schedule, at(1, 0), now).due).toBe(false);
    expect(refreshDue(schedule, at(1, 1), now).due).toBe(false);
    expect(refreshDue(schedule, at(1, 2), now)).toEqual({ due: true, reason: 'run 3 since the last refresh (sync.refresh.everyRuns = 3)' });
    expect(refreshDue({ everyRuns: 1, maxAgeHours: null }, at(0, 0), now).due).toBe(true);
  });

  it('by age: due once the last refresh is maxAgeHours old', () => {
    const daily = { everyRuns: null, maxAgeHours: 24 };
    expect(refreshDue(daily, at(23.9), now).due).toBe(false);
    expect(refreshDue(daily, at(24), now)).toEqual({ due: true, reason: 'last refresh 24 h ago (sync.refresh.maxAgeHours = 24)' });
  });

  it('a refresh of every space resets the count and the clock; a run of some spaces only counts as a run', () => {
    const record = { lastRefreshAt: '2026-03-01T00:00:00.000Z', runsSinceRefresh: 4 };
    expect(afterRun(record, { refreshed: true, allSpaces: true, at: now })).toEqual({ lastRefreshAt: now.toISOString(), runsSinceRefresh: 0 });
    expect(afterRun(record, { refreshed: true, allSpaces: false, at: now })).toEqual({ ...record, runsSinceRefresh: 5 });
    expect(afterRun(record, { refreshed: false, allSpaces: true, at: now })).toEqual({ ...record, runsSinceRefresh: 5 });
  });
});

describe('sync --refresh and sync.refresh through the CLI (file target)', () => {
  let dir: string;
  let configFile: string;
  const recordFile = () => path.join(dir, 'checkpoints', 'catalog-sync@datasphere_refresh.json');

  async function writeConfig(refresh: Record<string, unknown>): Promise<void> {
    await writeFile(
      configFile,
      JSON.stringify({
        source: { type: 'csn-files', path: 'export', space: 'SALES' },
        target: { type: 'file', path: 'target' },
        checkpoints: { dir: 'checkpoints' },
        history: { file: 'history.jsonl' },
        logging: { level: 'silent' },
        sync: { refresh },
      }),
    );
  }

  async function sync(...args: string[]): Promise<{ refresh?: { tables: number; drifted: string[] }; traffic: { target: { requests: number; refresh?: unknown } } }> {
    const { code, stdout } = await runCli(['sync', '--json', '--config', configFile, ...args]);
    expect(code).toBe(0);
    return JSON.parse(stdout) as never;
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-refresh-'));
    await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
    configFile = path.join(dir, 'config.json');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refreshes on every 2nd run, on --refresh whatever the schedule, and never in a dry-run unless asked', async () => {
    await writeConfig({ everyRuns: 2, maxAgeHours: null });
    const first = await sync(); // never refreshed: due
    expect(first.refresh).toBeDefined();
    expect((await readRefreshRecord(recordFile())).runsSinceRefresh).toBe(0);

    const second = await sync();
    expect(second.refresh).toBeUndefined();
    expect(second.traffic.target.requests).toBe(0);
    expect((await readRefreshRecord(recordFile())).runsSinceRefresh).toBe(1);

    // A dry-run reads the schedule's clock neither forward nor into a refresh.
    const { stdout } = await runCli(['sync', '--dry-run', '--json', '--config', configFile]);
    expect((JSON.parse(stdout) as { refresh?: unknown }).refresh).toBeUndefined();
    expect((await readRefreshRecord(recordFile())).runsSinceRefresh).toBe(1);

    const third = await sync(); // the 2nd run since the refresh
    expect(third.refresh?.tables).toBeGreaterThan(0);
    expect(third.traffic.target.refresh).toBeDefined();
    expect((await readRefreshRecord(recordFile())).runsSinceRefresh).toBe(0);

    const forced = await sync('--refresh');
    expect(forced.refresh).toBeDefined();
    const record = JSON.parse(await readFile(recordFile(), 'utf8')) as { lastRefreshAt: string; runsSinceRefresh: number };
    expect(record.runsSinceRefresh).toBe(0);
    expect(Date.parse(record.lastRefreshAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('--refresh of some spaces only counts as a run, not as the refresh the schedule waits for', async () => {
    await writeConfig({ everyRuns: null, maxAgeHours: 24 });
    await sync();
    const before = await readRefreshRecord(recordFile());
    expect(before.lastRefreshAt).toBeDefined();
    const partial = await sync('--refresh', '--space', 'SALES');
    expect(partial.refresh).toBeDefined();
    expect(await readRefreshRecord(recordFile())).toEqual({ ...before, runsSinceRefresh: 1 });
  });
});
