import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleExport } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
let configFile: string;

async function writeConfig(location: string): Promise<void> {
  await writeFile(
    configFile,
    JSON.stringify({
      source: { type: 'csn-files', path: 'export', space: 'SALES' },
      target: { type: 'file', path: 'target' },
      checkpoints: { dir: 'checkpoints' },
      history: { file: 'history.jsonl' },
      logging: { level: 'silent' },
      storage: { rules: [{ match: { name: 'SalesOrders' }, location, format: 'csv', csv: { delimiter: '|', header: true } }] },
    }),
  );
}

/** The stored table named `name` in the file target, wherever its database folder is. */
async function storedTable(name: string): Promise<Record<string, unknown>> {
  const files = (await readdir(path.join(dir, 'target'), { recursive: true })).filter((f) => f.endsWith(`${name}.json`) && !f.includes(`${path.sep}.`));
  expect(files).toHaveLength(1);
  return JSON.parse(await readFile(path.join(dir, 'target', files[0]!), 'utf8')) as Record<string, unknown>;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-storage-'));
  await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
  configFile = path.join(dir, 'config.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('storage.rules through the CLI', () => {
  it('sync writes the storage; a changed rule is a pending change in plan (exit 2) showing the move; sync applies it', async () => {
    await writeConfig('s3://lake/{space}/{technicalName}/');
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    const table = (await storedTable('salesorders')) as { StorageDescriptor: Record<string, unknown>; Parameters: Record<string, string> };
    expect(table.StorageDescriptor).toMatchObject({
      Location: 's3://lake/SALES/SalesOrders/',
      SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', Parameters: { 'field.delim': '|', 'serialization.format': '|' } },
    });
    expect(table.Parameters['skip.header.line.count']).toBe('1');
    expect((await runCli(['plan', '--config', configFile])).code).toBe(0);

    await writeConfig('s3://lake-v2/{space}/{technicalName}/');
    const plan = await runCli(['plan', '--config', configFile]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('storage location: "s3://lake/SALES/SalesOrders/" → "s3://lake-v2/SALES/SalesOrders/"');
    expect((await runCli(['sync', '--config', configFile])).code).toBe(0);
    expect(((await storedTable('salesorders')) as { StorageDescriptor: { Location: string } }).StorageDescriptor.Location).toBe('s3://lake-v2/SALES/SalesOrders/');
    expect((await runCli(['plan', '--config', configFile])).code).toBe(0);
  });

  it('an unknown placeholder stops the run with the rule named (exit 1)', async () => {
    await writeConfig('s3://lake/{tenant}/{technicalName}/');
    const out = await runCli(['sync', '--config', configFile]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('storage.rules[0].location: unknown placeholder {tenant}');
  });
});
