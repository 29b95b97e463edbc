import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { createFiveRunScenario } from '../support/five-run-scenario.ts';
import type { FiveRunScenario } from '../support/five-run-scenario.ts';

let scenario: FiveRunScenario;
beforeAll(async () => {
  scenario = await createFiveRunScenario();
});
afterAll(async () => {
  await scenario.cleanup();
});

/** The history as written, parsed without the report's code. */
async function recorded(): Promise<any[]> {
  return (await readFile(scenario.historyFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
}

describe('catalog-sync report', () => {
  it('gives, in JSON, the same totals as summing the recorded runs by hand, leaving the dry-run out', async () => {
    const history = await recorded();
    expect(history).toHaveLength(6);
    const real = history.filter((r) => !r.dryRun);
    expect(real).toHaveLength(5);

    const { code, stdout } = await runCli(['report', '--format', 'json', '--config', scenario.configFile]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.runs.map((r: { runId: string }) => r.runId)).toEqual(real.map((r) => r.runId));
    expect(report.excluded).toEqual({ dryRuns: 1, plans: 0, rollbacks: 0 });

    const sum = (f: (r: any) => number) => real.reduce((total, r) => total + f(r), 0);
    const saved = sum((r) => Math.round((r.fullSyncBytes * r.savingsPercent) / 100));
    expect(report.totals).toMatchObject({
      runs: 5,
      unsuccessfulRuns: 0,
      assetsSeen: sum((r) => r.changes.created + r.changes.modified + r.changes.schemaChanged + r.changes.metadataChanged + r.changes.unchanged),
      changes: {
        created: sum((r) => r.changes.created),
        modified: sum((r) => r.changes.modified),
        schemaChanged: sum((r) => r.changes.schemaChanged),
        metadataChanged: sum((r) => r.changes.metadataChanged),
        deleted: sum((r) => r.changes.deleted),
        unchanged: sum((r) => r.changes.unchanged),
      },
      strategies: {
        full: sum((r) => r.strategies.full),
        delta: sum((r) => r.strategies.delta),
        metadataOnly: sum((r) => r.strategies.metadataOnly),
        deletion: sum((r) => r.strategies.deletion),
        skipped: sum((r) => r.strategies.skipped),
      },
      source: {
        requests: sum((r) => r.traffic.source.requests),
        bytesSent: sum((r) => r.traffic.source.bytesSent),
        bytesReceived: sum((r) => r.traffic.source.bytesReceived),
      },
      target: {
        requests: sum((r) => r.traffic.target.requests),
        writes: sum((r) => r.traffic.target.writes),
        bytesSent: sum((r) => r.traffic.target.bytesSent),
        bytesReceived: sum((r) => r.traffic.target.bytesReceived),
      },
      fullSyncBytes: sum((r) => r.fullSyncBytes),
      savedBytes: saved,
      movedBytes: sum((r) => r.fullSyncBytes) - saved,
      savingsPercent: Math.round((saved / sum((r) => r.fullSyncBytes)) * 1000) / 10,
      durationMs: sum((r) => r.durationMs),
      failures: 0,
    });
    // The scenario's runs did what it says: 6 created, nothing, 1 metadata-only, a delta and a full, a deletion.
    expect(report.runs.map((r: any) => [r.changes.created, r.strategies.full, r.strategies.delta, r.strategies.metadataOnly, r.strategies.deletion])).toEqual([
      [6, 6, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 1, 0],
      [0, 1, 1, 0, 0],
      [0, 0, 0, 0, 1],
    ]);
    // An unchanged rerun writes nothing: it saves more than any run that wrote, and a first run saves least.
    expect(report.runs[1].target.bytesSent).toBeLessThan(1024);
    expect(report.runs[1].savingsPercent).toBeGreaterThan(Math.max(report.runs[0].savingsPercent, report.runs[2].savingsPercent, report.runs[3].savingsPercent));
    expect(report.runs[1].savedBytes).toBeGreaterThan(0);
  });

  it('filters by --last, --since and --space', async () => {
    const history = (await recorded()).filter((r) => !r.dryRun);
    const last2 = JSON.parse((await runCli(['report', '-f', 'json', '--last', '2', '--config', scenario.configFile])).stdout);
    expect(last2.runs.map((r: { runId: string }) => r.runId)).toEqual(history.slice(-2).map((r) => r.runId));
    const since = JSON.parse((await runCli(['report', '-f', 'json', '--since', history[3].startedAt, '--config', scenario.configFile])).stdout);
    expect(since.runs).toHaveLength(2);
    const other = JSON.parse((await runCli(['report', '-f', 'json', '--space', 'OTHER', '--config', scenario.configFile])).stdout);
    expect(other.runs).toEqual([]);
    expect(other.totals.runs).toBe(0);
    const bad = await runCli(['report', '--since', 'yesterday-ish', '--config', scenario.configFile]);
    expect(bad.code).toBe(1);
  });

  it('prints a readable table on a terminal, one row per run and a total', async () => {
    const { code, stdout } = await runCli(['report', '--config', scenario.configFile]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^Savings report: 5 run\(s\), .*; left out: 1 dry-run\(s\)$/);
    expect(lines[1]).toMatch(/^RUN\s+STARTED\s+MODE\s+STATUS\s+ASSETS\s+NEW\s+CHG\s+DEL\s+F\/D\/M\/X\s+SRC REQ\s+SRC OUT\s+SRC IN\s+TGT REQ\s+TGT OUT\s+TGT IN\s+FULL RUN\s+SAVED\s+%\s+TIME\s+FAIL$/);
    expect(lines.slice(2, 7).every((l) => /incremental\s+ok\s+/.test(l))).toBe(true);
    expect(lines[8]).toMatch(/^TOTAL\s+all ok\s+/);
    expect(stdout).toMatch(/By strategy: 7 full, 1 delta, 1 metadata-only, 1 deletion, \d+ skipped/);
  });
});
