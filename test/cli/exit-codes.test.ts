import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleExport } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';

/** Every exit code the CLI documents, through the real entry point, with the one JSON object `--json` promises. */
let dir: string;
let configFile: string;

async function writeConfig(source: Record<string, unknown> = { type: 'csn-files', path: 'export', space: 'SALES' }): Promise<void> {
  await writeFile(
    configFile,
    JSON.stringify({
      source,
      target: { type: 'file', path: 'target' },
      checkpoints: { dir: 'checkpoints' },
      history: { file: 'history.jsonl' },
      logging: { level: 'silent' },
    }),
  );
}

function onlyJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0] as string) as Record<string, unknown>;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-exit-'));
  await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
  configFile = path.join(dir, 'config.json');
  await writeConfig();
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('exit codes and --json in every outcome', () => {
  it('1: a source folder that does not exist is an error, not an empty catalog', async () => {
    await writeConfig({ type: 'csn-files', path: 'no-such-folder', space: 'SALES' });
    const { code, stdout, stderr } = await runCli(['sync', '--json', '--config', configFile]);
    expect(code).toBe(1);
    expect(onlyJson(stdout)).toMatchObject({ status: 'failed', error: { code: 'SOURCE_NOT_FOUND' }, exitCode: 1 });
    expect(stderr).toContain('no-such-folder does not exist');
    expect((await runCli(['plan', '--config', configFile])).code).toBe(1);
  });

  it('1: a first run that finds no assets at all says so', async () => {
    await rm(path.join(dir, 'export'), { recursive: true });
    await mkdir(path.join(dir, 'export'));
    const { code, stdout, stderr } = await runCli(['sync', '--json', '--config', configFile]);
    expect(code).toBe(1);
    expect(onlyJson(stdout)).toMatchObject({ status: 'failed', error: { code: 'NO_ASSETS' } });
    expect(stderr).toMatch(/listed no assets in SALES and nothing was synced before/);
  });

  it('1: invalid JSON in the config, with --json still one object', async () => {
    await writeFile(configFile, '{ "source": ');
    const { code, stdout } = await runCli(['sync', '--json', '--config', configFile]);
    expect(code).toBe(1);
    expect(onlyJson(stdout)).toMatchObject({ status: 'failed', error: { code: expect.stringMatching(/^CONFIG_/) }, exitCode: 1 });
  });

  it('1: an unknown option is a usage error, with --json still one object', async () => {
    const { code, stdout } = await runCli(['sync', '--json', '--no-such-option', '--config', configFile]);
    expect(code).toBe(1);
    expect(onlyJson(stdout)).toMatchObject({ status: 'failed', error: { code: 'USAGE' } });
  });

  it('3: an export file that cannot be parsed makes plan exit 3, like sync', async () => {
    await writeFile(path.join(dir, 'export', 'Broken.json'), '{ not json');
    const plan = await runCli(['plan', '--json', '--config', configFile]);
    expect(plan.code).toBe(3);
    const planned = onlyJson(plan.stdout) as { source: { incompleteSpaces: { space: string }[] } };
    expect(planned.source.incompleteSpaces.map((s) => s.space)).toEqual(['SALES']);
    const sync = await runCli(['sync', '--json', '--config', configFile]);
    expect(sync.code).toBe(3);
    expect(onlyJson(sync.stdout)).toMatchObject({ status: 'partial' });
  });

  it('0 and 2: plan after a sync has nothing pending; a change is pending', async () => {
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    expect((await runCli(['plan', '--config', configFile])).code).toBe(0);
    const file = path.join(dir, 'export', 'SalesOrders.json');
    const doc = JSON.parse(await (await import('node:fs/promises')).readFile(file, 'utf8'));
    doc.definitions.SalesOrders['@EndUserText.label'] = 'Sales orders (renamed)';
    await writeFile(file, JSON.stringify(doc));
    const plan = await runCli(['plan', '--json', '--config', configFile]);
    expect(plan.code).toBe(2);
    const summary = onlyJson(plan.stdout) as { planOnly: boolean; actions: { assetId: string; outcome: string }[] };
    expect(summary.planOnly).toBe(true);
    expect(summary.actions).toEqual([expect.objectContaining({ assetId: 'SALES/SalesOrders', outcome: 'planned' })]);
  });

  it('a write that fails is never counted as applied or as savings', async () => {
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    const file = path.join(dir, 'export', 'SalesOrders.json');
    const doc = JSON.parse(await (await import('node:fs/promises')).readFile(file, 'utf8'));
    doc.definitions.SalesOrders['@EndUserText.label'] = 'Sales orders (renamed)';
    await writeFile(file, JSON.stringify(doc));
    // Someone else's table now sits where ours was: the write is refused (ownership) and must count as failed.
    const table = path.join(dir, 'target', 'ds_sales', 'salesorders.json');
    const current = JSON.parse(await (await import('node:fs/promises')).readFile(table, 'utf8'));
    const foreign = { ...current, Parameters: { owner: 'someone else' } };
    await writeFile(table, JSON.stringify(foreign));
    const { code, stdout } = await runCli(['sync', '--json', '--config', configFile]);
    expect(code).toBe(3);
    const summary = onlyJson(stdout) as { applied: { updated: number; failed: number }; actions: { outcome: string }[]; fullSyncBytes: number; changes: { modified: number } };
    expect(summary.changes.modified).toBe(1);
    expect(summary.applied).toMatchObject({ updated: 0, failed: 1 });
    expect(summary.actions.map((a) => a.outcome)).toEqual(['failed']);
  });
});
