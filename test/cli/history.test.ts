import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleExport } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
let configFile: string;

async function writeConfig(extra: Record<string, unknown> = {}): Promise<void> {
  await writeFile(
    configFile,
    JSON.stringify({
      source: { type: 'csn-files', path: 'export', space: 'SALES' },
      target: { type: 'file', path: 'target' },
      checkpoints: { dir: 'checkpoints' },
      history: { file: 'history.jsonl', changeLog: 'changes.jsonl' },
      logging: { level: 'silent' },
      ...extra,
    }),
  );
}

async function editLabel(file: string, entity: string, label: string): Promise<void> {
  const p = path.join(dir, 'export', file);
  const doc = JSON.parse(await readFile(p, 'utf8'));
  doc.definitions[entity]['@EndUserText.label'] = label;
  await writeFile(p, JSON.stringify(doc, null, 2));
}

const lines = async (file: string) => (await readFile(path.join(dir, file), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-history-'));
  await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
  configFile = path.join(dir, 'config.json');
  await writeConfig();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('audit trail: run history, change log, `history`', () => {
  it('records every run, marked by kind, and one change-log line per table touched with the versions before and after', async () => {
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    await editLabel('SalesOrders_View.json', 'SalesOrders_View', 'Sales Orders (fact)');
    expect((await runCli(['sync', '--dry-run', '--config', configFile])).code).toBe(0);
    expect((await runCli(['plan', '--config', configFile])).code).toBe(2);
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    expect((await runCli(['sync', '--space', 'NOPE', '--config', configFile])).code).toBe(1);

    const history = await lines('history.jsonl');
    expect(history.map((r) => [r.dryRun, r.planOnly ?? false, r.status])).toEqual([
      [false, false, 'ok'],
      [true, false, 'ok'],
      [true, true, 'ok'],
      [false, false, 'ok'],
      [false, false, 'failed'],
    ]);
    expect(history[4].error).toMatchObject({ code: 'UNKNOWN_SPACE', message: expect.stringContaining('NOPE') });

    const changes = await lines('changes.jsonl');
    // 6 created by the first run; the dry-run and the plan touched nothing; 1 delta update by the fourth run.
    expect(changes).toHaveLength(7);
    expect(new Set(changes.slice(0, 6).map((c) => c.runId))).toEqual(new Set([history[0].runId]));
    expect(changes.slice(0, 6).every((c) => c.action === 'create' && c.outcome === 'done' && c.versionAfter === '1' && c.versionBefore === undefined)).toBe(true);
    expect(changes[6]).toMatchObject({
      runId: history[3].runId,
      assetId: 'SALES/SalesOrders_View',
      table: 'ds_sales.salesorders_view',
      change: 'MODIFIED',
      action: 'update',
      strategy: 'delta',
      facets: ['content'],
      versionBefore: '1',
      versionAfter: '2',
      outcome: 'done',
    });

    const text = await runCli(['history', '--config', configFile]);
    expect(text.code).toBe(0);
    const rows = text.stdout.trim().split('\n');
    expect(rows[1]).toMatch(new RegExp(`${history[0].runId}\\s+sync\\s+ok\\s+\\+6 ~0 -0 =0 .*no: run ${history[3].runId} changed ds_sales.salesorders_view later`));
    expect(rows[2]).toMatch(/dry-run\s+ok\s+would: 0 new, 1 changed, 0 deleted/);
    expect(rows[3]).toMatch(/plan\s+ok/);
    expect(rows[4]).toMatch(new RegExp(`${history[3].runId}\\s+sync\\s+ok\\s+\\+0 ~1 -0 =0 .* yes$`));
    expect(rows[5]).toMatch(/sync\s+failed\s+error UNKNOWN_SPACE/);

    const json = await runCli(['history', '--last', '2', '--json', '--config', configFile]);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.runs.map((r: { runId: string }) => r.runId)).toEqual([history[3].runId, history[4].runId]);
    expect(parsed.runs[0].rollback).toEqual({ possible: true, refusals: [], tables: 1 });

    const asset = await runCli(['history', '--asset', 'SALES/SalesOrders_View', '--config', configFile]);
    expect(asset.stdout).toMatch(/SALES\/SalesOrders_View: 2 change\(s\)/);
    expect(asset.stdout).toMatch(/update\s+ds_sales\.salesorders_view\s+MODIFIED\s+delta\s+content\s+v1 → v2\s+done/);
  });

  it('keeps at most history.keepRuns runs in both files, dropping the change-log lines of the runs it drops', async () => {
    await writeConfig({ history: { file: 'history.jsonl', changeLog: 'changes.jsonl', keepRuns: 2 } });
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    for (const label of ['a', 'b', 'c']) {
      await editLabel('SalesOrders_View.json', 'SalesOrders_View', `Sales ${label}`);
      expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    }
    // 4 runs > keepRuns 2 + slack 1: trimmed to the newest 2, and the creates of the first run are gone from the log.
    const history = await lines('history.jsonl');
    expect(history).toHaveLength(2);
    const changes = await lines('changes.jsonl');
    expect(changes.map((c) => c.action)).toEqual(['update', 'update']);
    expect(changes.map((c) => c.runId)).toEqual(history.map((r) => r.runId));
  });

  it('never writes a secret into the history of a failed run', async () => {
    process.env['HISTORY_TEST_SECRET'] = 's3cr3t-value-for-history';
    try {
      // A source folder named after the secret: the error ("no such folder …") would carry it.
      await writeConfig({ source: { type: 'csn-files', path: 'missing-${HISTORY_TEST_SECRET}', space: 'SALES' } });
      const failed = await runCli(['sync', '--config', configFile]);
      expect(failed.code).toBe(1);
      const text = await readFile(path.join(dir, 'history.jsonl'), 'utf8');
      expect(JSON.parse(text.trim())).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('missing-[redacted]') } });
      expect(text).not.toContain('s3cr3t-value-for-history');
    } finally {
      delete process.env['HISTORY_TEST_SECRET'];
    }
  });
});
