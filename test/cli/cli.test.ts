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
      history: { file: 'history.jsonl' },
      logging: { level: 'silent' },
      ...extra,
    }),
  );
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-cli-'));
  await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
  configFile = path.join(dir, 'config.json');
  await writeConfig();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SUMMARY_KEYS = [
  'runId', 'startedAt', 'finishedAt', 'durationMs', 'dryRun', 'mode', 'source', 'target', 'changes', 'strategies',
  'failed', 'warnings', 'verified', 'traffic', 'fullSyncBytes', 'savingsPercent',
];

describe('catalog-sync CLI', () => {
  it('sync --json prints exactly one JSON object with the documented shape', async () => {
    const { code, stdout } = await runCli(['sync', '--json', '--config', configFile]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0]!);
    for (const key of SUMMARY_KEYS) expect(summary).toHaveProperty(key);
    expect(summary.mode).toBe('incremental');
    expect(summary.source).toMatchObject({ type: 'csn-files', spaces: ['SALES'] });
    expect(summary.target).toEqual({ type: 'file' });
    expect(Object.keys(summary.changes).sort()).toEqual(['created', 'deleted', 'metadataChanged', 'modified', 'schemaChanged', 'unchanged']);
    expect(Object.keys(summary.strategies).sort()).toEqual(['deletion', 'delta', 'full', 'metadataOnly', 'skipped']);
    expect(summary.traffic.source).toMatchObject({ requests: expect.any(Number), bytesSent: 0, bytesReceived: expect.any(Number) });
    expect(summary.traffic.target).toMatchObject({ requests: expect.any(Number), writes: summary.changes.created + 1 });
    expect(summary.fullSyncBytes).toBeGreaterThan(0);
    const history = (await readFile(path.join(dir, 'history.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(history[0]!).runId).toBe(summary.runId);
  });

  it('plan exits 2 while changes are pending and 0 once synced, writing nothing itself', async () => {
    const pending = await runCli(['plan', '--config', configFile]);
    expect(pending.code).toBe(2);
    expect(pending.stdout).toMatch(/CREATED\s+SALES\/SalesOrders_Model/);
    const again = await runCli(['plan', '--config', configFile]);
    expect(again.code).toBe(2);
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    expect((await runCli(['plan', '--config', configFile])).code).toBe(0);
  });

  it('--space limits the run to the named spaces, and a space the source does not have is an error naming the ones it has', async () => {
    const ok = await runCli(['sync', '--json', '--space', 'SALES', '--config', configFile]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).source.spaces).toEqual(['SALES']);
    const unknown = await runCli(['sync', '--json', '--space', 'OTHER', '--config', configFile]);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ status: 'failed', error: { code: 'UNKNOWN_SPACE' }, exitCode: 1 });
    expect(unknown.stderr).toMatch(/no space "OTHER"; it has: SALES/);
  });

  it('exits 4 when a guard stops the run, and 0 with --force', async () => {
    await writeConfig({ deletion: { maxCount: 0 } });
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    await rm(path.join(dir, 'export', 'SalesOrders_Model.json'));
    const stopped = await runCli(['sync', '--config', configFile]);
    expect(stopped.code).toBe(4);
    expect(stopped.stderr).toMatch(/deletion.maxCount/);
    const preview = await runCli(['plan', '--config', configFile]);
    expect(preview.code).toBe(4);
    expect(preview.stderr).toMatch(/a real sync would stop here: .*deletion.maxCount/);
    const planJson = JSON.parse((await runCli(['plan', '--json', '--config', configFile])).stdout);
    expect(planJson.guard).toMatchObject({ code: 'GUARD_STOPPED', wouldStop: true });
    const dry = await runCli(['sync', '--dry-run', '--json', '--config', configFile]);
    expect(dry.code).toBe(4);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, strategies: { deletion: 1 }, guard: { code: 'GUARD_STOPPED', wouldStop: true } });
    const stoppedJson = await runCli(['sync', '--json', '--config', configFile]);
    expect(stoppedJson.code).toBe(4);
    expect(JSON.parse(stoppedJson.stdout)).toMatchObject({ status: 'guard-stopped', applied: { deleted: 0 } });
    expect((await runCli(['sync', '--force', '--config', configFile])).code).toBe(0);
  });

  it('exits 3 when some assets failed and the rest synced', async () => {
    await writeFile(path.join(dir, 'export', 'Broken.json'), JSON.stringify({ definitions: { Broken: { kind: 'entity', elements: 'not-an-object' } } }));
    const { code, stdout } = await runCli(['sync', '--json', '--config', configFile]);
    expect(code).toBe(3);
    const summary = JSON.parse(stdout);
    expect(summary.failed.map((f: { assetId: string }) => f.assetId)).toContain('SALES/Broken');
    expect(summary.changes.created).toBeGreaterThan(3);
  });

  it('rejects an invalid config with the zod path and what was expected, exit 1', async () => {
    await writeConfig({ deletion: { maxCount: 'many' }, sync: { concurrency: 0 } });
    const { code, stderr } = await runCli(['sync', '--config', configFile]);
    expect(code).toBe(1);
    expect(stderr).toContain('deletion.maxCount');
    expect(stderr).toMatch(/expected number/);
    expect(stderr).toContain('sync.concurrency');
  });

  it('names a missing environment variable without printing anything secret', async () => {
    await writeConfig({ job: { name: '${CATALOG_SYNC_TEST_UNSET_VAR}' } });
    const { code, stderr } = await runCli(['sync', '--config', configFile]);
    expect(code).toBe(1);
    expect(stderr).toContain('job.name: environment variable CATALOG_SYNC_TEST_UNSET_VAR is not set');
  });

  it('exits 5 while another run holds the checkpoint lock, and --wait-lock waits for it', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir, 'checkpoints'), { recursive: true });
    await writeFile(
      path.join(dir, 'checkpoints', 'catalog-sync@datasphere_checkpoints.lock'),
      JSON.stringify({ pid: process.pid, hostname: (await import('node:os')).hostname(), startedAt: new Date().toISOString() }),
    );
    const { code, stderr } = await runCli(['sync', '--config', configFile]);
    expect(code).toBe(5);
    expect(stderr).toMatch(new RegExp(String(process.pid)));
    const json = await runCli(['sync', '--json', '--config', configFile]);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'failed', error: { code: 'LOCK_HELD' }, exitCode: 5 });
    // A short wait that runs out ends the same way (the waiting itself is tested in test/state/wait-for-lock.test.ts).
    expect((await runCli(['sync', '--wait-lock', '0.2', '--config', configFile])).code).toBe(5);
  });

  it('lists and shows checkpoint entries', async () => {
    await runCli(['sync', '--config', configFile]);
    const list = await runCli(['checkpoints', 'list', '--config', configFile]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/SALES\/SalesOrders_Model\s+analytic-model\s+ds_sales\.salesorders_model/);
    const show = await runCli(['checkpoints', 'show', 'SALES/SalesOrders', '--config', configFile]);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ assetId: 'SALES/SalesOrders', syncVersion: 1, target: { database: 'ds_sales', table: 'salesorders' } });
    expect((await runCli(['checkpoints', 'show', 'SALES/Nope', '--config', configFile])).code).toBe(1);
  });

  it('validates the checkpoint, lists its backups and restores one', async () => {
    await runCli(['sync', '--config', configFile]);
    await rm(path.join(dir, 'export', 'SalesOrders_Model.json'));
    await runCli(['sync', '--force', '--config', configFile]);
    expect((await runCli(['checkpoints', 'validate', '--config', configFile])).stdout).toMatch(/valid, 5 entries/);
    const backups = await runCli(['checkpoints', 'backups', '--config', configFile]);
    expect(backups.stdout).toMatch(/valid\s+6 entries/);
    const file = path.join(dir, 'checkpoints', 'catalog-sync@datasphere_checkpoints.json');
    await writeFile(file, '{"formatVersion":1,"entries":{"x":');
    const invalid = await runCli(['checkpoints', 'validate', '--config', configFile]);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('INVALID');
    const restored = await runCli(['checkpoints', 'restore', '--config', configFile]);
    expect(restored.code).toBe(0);
    expect((await runCli(['checkpoints', 'validate', '--config', configFile])).stdout).toMatch(/valid, 6 entries/);
  });
});
