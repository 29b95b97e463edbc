import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTarget } from '../../src/cli/create-connectors.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { FIXTURES, snapshotFolder } from '../state/helpers.ts';
import { exampleExport } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
let checkpointDir: string;

/** A config file in the shared folder: every config there shares `checkpoints/` unless it says otherwise. */
async function writeConfig(name: string, target: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
  const file = path.join(dir, `${name}.json`);
  await writeFile(
    file,
    JSON.stringify({
      source: { type: 'csn-files', path: 'export', space: 'SALES' },
      target: { type: 'file', ...target },
      checkpoints: { dir: 'checkpoints' },
      history: { file: 'history.jsonl' },
      logging: { level: 'silent' },
      ...extra,
    }),
  );
  return file;
}

async function tablesIn(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const database of await readdir(folder).catch(() => [] as string[])) {
    for (const table of await readdir(path.join(folder, database))) if (!table.startsWith('_')) out.push(`${database}/${table}`);
  }
  return out.sort();
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-identity-'));
  await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
  checkpointDir = path.join(dir, 'checkpoints');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The folder's files, except the run history: a refused run is recorded there (status failed, with the reason). */
async function filesBesidesHistory(): Promise<Record<string, unknown>> {
  const files = await snapshotFolder(dir, { folderTimes: false });
  delete files['history.jsonl'];
  delete files['checkpoints/change-log.jsonl'];
  return files;
}

async function refusedRunsInHistory(): Promise<string[]> {
  const text = await readFile(path.join(dir, 'history.jsonl'), 'utf8').catch(() => '');
  return text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((r) => r.status === 'failed').map((r) => r.error.code);
}

describe('a checkpoint serves one job and one target', () => {
  it('a second config sharing the checkpoint folder against another target is refused and writes nothing', async () => {
    const dev = await writeConfig('dev', { path: 'target-dev' });
    const prod = await writeConfig('prod', { path: 'target-prod' });
    expect((await runCli(['sync', '--config', dev])).code).toBe(0);
    expect(await tablesIn(path.join(dir, 'target-dev'))).toHaveLength(6);
    // A refused sync still took and released its lock (so folder times move); every file stays as it was.
    const before = await filesBesidesHistory();

    for (const args of [['sync'], ['plan'], ['sync', '--dry-run'], ['checkpoints', 'list']]) {
      const { code, stderr } = await runCli([...args, '--config', prod]);
      expect({ args, code }).toEqual({ args, code: 1 });
      const file = path.join(checkpointDir, 'catalog-sync@datasphere_checkpoints.json');
      expect(stderr).toContain(`checkpoint file ${file} belongs to job "catalog-sync" with file target (databasePrefix=ds_, path=${path.join(dir, 'target-dev')})`);
      expect(stderr).toContain(`this config is job "catalog-sync" with file target (databasePrefix=ds_, path=${path.join(dir, 'target-prod')})`);
      expect(stderr).toContain('give each config its own `job.name` (the file name carries it) or its own `checkpoints.dir`');
      // Nothing anywhere: no checkpoint, backup or lock file, no table in either target; only the history records
      // the refused run.
      expect(await filesBesidesHistory()).toEqual(before);
    }
    const json = await runCli(['sync', '--json', '--config', prod]);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'failed', error: { code: 'CHECKPOINT_IDENTITY_MISMATCH' }, exitCode: 1 });
    expect(await filesBesidesHistory()).toEqual(before);
    expect(await refusedRunsInHistory()).toEqual(Array(4).fill('CHECKPOINT_IDENTITY_MISMATCH'));
    const validate = await runCli(['checkpoints', 'validate', '--config', prod]);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toMatch(/: valid, 6 entries\n {2}- checkpoint file .* belongs to job "catalog-sync" with file target/);

    // The fix the message names: a job name of its own gives the config a checkpoint of its own.
    const prodJob = await writeConfig('prod', { path: 'target-prod' }, { job: { name: 'prod' } });
    expect((await runCli(['sync', '--config', prodJob])).code).toBe(0);
    expect(await tablesIn(path.join(dir, 'target-prod'))).toHaveLength(6);
    // (Beside each checkpoint, its refresh bookkeeping: `<job>@<system>_refresh.json`.)
    expect((await readdir(checkpointDir)).filter((n) => n.endsWith('_checkpoints.json')).sort()).toEqual([
      'catalog-sync@datasphere_checkpoints.json',
      'prod@datasphere_checkpoints.json',
    ]);
    expect((await runCli(['sync', '--config', dev])).code).toBe(0);
  });

  it('a changed databasePrefix is another target: refused, nothing written', async () => {
    const config = await writeConfig('config', { path: 'target' });
    expect((await runCli(['sync', '--config', config])).code).toBe(0);
    const before = await filesBesidesHistory();
    await writeConfig('config', { path: 'target', databasePrefix: 'dw_' });
    const after = await filesBesidesHistory(); // only the config file changed
    const { code, stderr } = await runCli(['sync', '--config', config]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/belongs to job "catalog-sync" with file target \(databasePrefix=ds_, .*this config is job "catalog-sync" with file target \(databasePrefix=dw_,/);
    expect(await filesBesidesHistory()).toEqual(after);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(await refusedRunsInHistory()).toEqual(['CHECKPOINT_IDENTITY_MISMATCH']);
    expect((await tablesIn(path.join(dir, 'target'))).every((t) => t.startsWith('ds_'))).toBe(true);
  });

  it('a checkpoint written before owners were recorded is adopted on first use, and then belongs to that target', async () => {
    await cp(path.join(FIXTURES, 'legacy-v1'), checkpointDir, { recursive: true });
    await rm(path.join(checkpointDir, 'README.md'));
    const legacy = JSON.parse(await readFile(path.join(checkpointDir, 'datasphere_checkpoints.json'), 'utf8'));
    const config = await writeConfig('config', { path: 'target' });

    // Read-only commands read it where it is and leave it there.
    const before = await snapshotFolder(checkpointDir);
    const list = await runCli(['checkpoints', 'list', '--config', config]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('6 entries');
    const validate = await runCli(['checkpoints', 'validate', '--config', config]);
    expect(validate.stdout).toContain('under the name earlier versions used');
    expect(validate.stdout).toContain('records no job or target yet');
    expect(await snapshotFolder(checkpointDir)).toEqual(before);

    // The first sync adopts it silently: renamed with its backup, owner recorded, entries carried over.
    const { code, stderr } = await runCli(['sync', '--config', config]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const names = await readdir(checkpointDir);
    expect(names).not.toContain('datasphere_checkpoints.json');
    const adopted = JSON.parse(await readFile(path.join(checkpointDir, 'catalog-sync@datasphere_checkpoints.json'), 'utf8'));
    expect(adopted.job).toBe('catalog-sync');
    expect(adopted.target).toEqual({ databasePrefix: 'ds_', path: path.join(dir, 'target'), type: 'file' });
    expect(Object.keys(adopted.entries)).toEqual(Object.keys(legacy.entries));
    expect(await readdir(path.join(checkpointDir, 'backup'))).toContain('catalog-sync@datasphere_checkpoints_20261202T101757284Z.json');
    expect((await runCli(['checkpoints', 'validate', '--config', config])).stdout).toContain(
      `belongs to job "catalog-sync" with file target (databasePrefix=ds_, path=${path.join(dir, 'target')})`,
    );

    // From now on another target is refused.
    const other = await writeConfig('other', { path: 'elsewhere' });
    expect((await runCli(['sync', '--config', other])).code).toBe(1);
  });

  it('a target identity names the catalog and never carries a secret', async () => {
    const glue = await createTarget(
      configSchema.parse({
        source: { type: 'csn-files', path: 'export', space: 'SALES' },
        target: {
          type: 'glue',
          region: 'eu-central-1',
          endpoint: 'https://AKIDEXAMPLE:s3cr3t@glue.eu-central-1.amazonaws.com/?X-Amz-Security-Token=t0ken',
          catalogId: '123456789012',
          databasePrefix: 'lake_',
        },
      }),
    );
    try {
      expect(glue.identity).toEqual({
        type: 'glue',
        region: 'eu-central-1',
        endpoint: 'https://glue.eu-central-1.amazonaws.com',
        catalogId: '123456789012',
        databasePrefix: 'lake_',
      });
      expect(JSON.stringify(glue.identity)).not.toMatch(/s3cr3t|AKIDEXAMPLE|t0ken/);
    } finally {
      await glue.close?.();
    }
    const plain = await createTarget(
      configSchema.parse({ source: { type: 'csn-files', path: 'export', space: 'SALES' }, target: { type: 'glue' } }),
    );
    expect(plain.identity).toEqual({ type: 'glue', region: 'us-east-1', databasePrefix: 'ds_' });
    await plain.close?.();
    const file = await createTarget(
      configSchema.parse({ source: { type: 'csn-files', path: 'export', space: 'SALES' }, target: { type: 'file', path: 'relative/catalog' } }),
    );
    expect(file.identity).toEqual({ type: 'file', path: path.resolve('relative/catalog'), databasePrefix: 'ds_' });
  });
});
