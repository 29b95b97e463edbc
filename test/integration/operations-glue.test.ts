import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteTableCommand, DeleteTableVersionCommand, GetTableCommand, GetTablesCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import type { TableInput } from '@aws-sdk/client-glue';
import type { GlueClient } from '@aws-sdk/client-glue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GlueTable } from '../../src/mapping/glue-table.ts';
import { toTableInput } from '../../src/mapping/to-table-input.ts';
import { CORPUS_CSN, motoEndpoint, otherTool, uniquePrefix } from '../setup/glue-test-support.ts';
import { runCli } from '../support/run-cli.ts';

/**
 * The operator's commands against Glue on moto, through the CLI as an operator runs them: rebuild a lost
 * checkpoint from the tables, roll a run back.
 */
let dir: string;
let configFile: string;
let database: string;
let other: GlueClient;

const cli = (...args: string[]) => runCli([...args, '--config', configFile]);
const json = async (...args: string[]) => {
  const result = await cli(...args, '--json');
  try {
    return { ...result, value: JSON.parse(result.stdout) };
  } catch {
    throw new Error(`${args.join(' ')}: exit ${result.code}, no JSON: ${result.stderr}`);
  }
};

beforeEach(async () => {
  const endpoint = motoEndpoint();
  const prefix = uniquePrefix('ops');
  database = `${prefix}sales`;
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-ops-glue-'));
  await cp(CORPUS_CSN, path.join(dir, 'csn'), { recursive: true });
  configFile = path.join(dir, 'config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      job: { name: 'nightly' },
      source: { type: 'csn-files', path: 'csn', space: 'SALES' },
      target: { type: 'glue', region: 'us-east-1', endpoint, databasePrefix: prefix, maxAttempts: 2 },
      checkpoints: { dir: 'checkpoints' },
      history: { file: 'history.jsonl', changeLog: 'changes.jsonl' },
      deletion: { maxPercent: 100 },
      logging: { level: 'silent' },
    }),
  );
  other = otherTool(endpoint);
});
afterEach(async () => {
  other.destroy();
  await rm(dir, { recursive: true, force: true });
});

/** Every table of the database as its writable definition (versions and times left out). */
async function dump(): Promise<Record<string, unknown>> {
  const out = await other.send(new GetTablesCommand({ DatabaseName: database }));
  const tables: Record<string, unknown> = {};
  for (const table of out.TableList ?? []) tables[table.Name!] = toTableInput(table as unknown as GlueTable);
  return Object.fromEntries(Object.entries(tables).sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function editCsn(file: string, edit: (doc: any) => void): Promise<void> {
  const p = path.join(dir, 'csn', file);
  const doc = JSON.parse(await readFile(p, 'utf8'));
  edit(doc);
  await writeFile(p, JSON.stringify(doc, null, 2));
}

/** Another tool rewrites a table: GetTable, change, UpdateTable. */
async function tamper(name: string, change: (input: TableInput) => TableInput): Promise<void> {
  const out = await other.send(new GetTableCommand({ DatabaseName: database, Name: name }));
  const input = toTableInput(out.Table as unknown as GlueTable) as unknown as TableInput;
  await other.send(new UpdateTableCommand({ DatabaseName: database, TableInput: change(input) }));
}

describe('operations on Glue (moto)', () => {
  it('verify finds a table edited by hand (exit 2) and names the field; missing and taken-over tables too; 0 once repaired', async () => {
    expect((await json('sync')).code).toBe(0);
    const clean = await json('verify');
    expect(clean.code).toBe(0);
    expect(clean.value).toMatchObject({ inSync: true, changed: [], missing: [], takenOver: [], untracked: [] });

    await tamper('salesorders', (t) => ({
      ...t,
      StorageDescriptor: {
        ...t.StorageDescriptor,
        Columns: t.StorageDescriptor!.Columns!.map((c) => (c.Name === 'noteid' ? { ...c, Comment: 'edited by hand' } : c)),
      },
    }));
    await other.send(new DeleteTableCommand({ DatabaseName: database, Name: 'salesorders_view' }));
    await tamper('addresses_location', (t) => ({ ...t, Parameters: { ...t.Parameters, 'catalog_sync.owner': 'someone-else' } }));

    const text = await cli('verify');
    expect(text.code).toBe(2);
    expect(text.stdout).toMatch(/^Verify: DRIFT FOUND/);
    expect(text.stdout).toMatch(new RegExp(`~ changed +${database}\\.salesorders +SALES/SalesOrders +version \\d+ → \\d+`));
    expect(text.stdout).toMatch(/fields: .*column noteid comment/);
    const { code, value } = await json('verify');
    expect(code).toBe(2);
    expect(value.changed).toEqual([expect.objectContaining({ table: `${database}.salesorders`, fields: expect.arrayContaining(['column noteid comment']) })]);
    expect(value.missing).toEqual([`${database}.salesorders_view`]);
    expect(value.takenOver).toEqual([`${database}.addresses_location`]);
    // Nothing was written by looking.
    expect(value.traffic.target.writes).toBe(0);

    // sync --refresh repairs what is ours to repair (an incremental sync reads only what it writes); the taken-over
    // table stays someone else's.
    expect((await json('sync', '--refresh')).value.applied).toMatchObject({ created: 1, updated: 1 });
    const after = await json('verify');
    expect(after.value).toMatchObject({ changed: [], missing: [], takenOver: [`${database}.addresses_location`] });
    // Given back by hand: ours again, but changed behind our back twice (no field differs from what we wrote).
    await tamper('addresses_location', (t) => ({ ...t, Parameters: { ...t.Parameters, 'catalog_sync.owner': 'nightly' } }));
    const givenBack = await json('verify');
    expect(givenBack.code).toBe(2);
    expect(givenBack.value.changed).toEqual([expect.objectContaining({ table: `${database}.addresses_location`, fields: [] })]);
    expect((await json('sync', '--refresh')).code).toBe(0);
    const repaired = await json('verify');
    expect(repaired.code, JSON.stringify(repaired.value)).toBe(0);
  });

  it('checkpoints rebuild after the checkpoint was deleted: the next sync writes nothing', async () => {
    const first = await json('sync');
    expect(first.code).toBe(0);
    const written = first.value.applied.created;
    expect(written).toBeGreaterThan(10);
    await rm(path.join(dir, 'checkpoints'), { recursive: true });

    const rebuilt = await json('checkpoints', 'rebuild');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.value).toMatchObject({ databases: [database], ownedTables: written, entries: written, skipped: [], duplicates: [] });
    const next = await json('sync');
    expect(next.code).toBe(0);
    expect(next.value.traffic.target.writes).toBe(0);
    expect(next.value.applied).toMatchObject({ created: 0, updated: 0, deleted: 0 });
  });

  it('rollback of a run that created, updated and deleted tables restores the catalog exactly', async () => {
    expect((await json('sync')).code).toBe(0);
    const before = await dump();

    await editCsn('SalesOrders.json', (doc) => {
      doc.definitions.SalesOrders['@EndUserText.label'] = 'Sales orders (renamed)';
      doc.definitions.SalesOrders.elements.NOTEID['@EndUserText.label'] = 'Note';
    });
    const added = JSON.parse(await readFile(path.join(dir, 'csn', 'SalesOrders.json'), 'utf8'));
    added.definitions = { NewOrders: { ...added.definitions.SalesOrders, '@EndUserText.label': 'New orders' } };
    await writeFile(path.join(dir, 'csn', 'NewOrders.json'), JSON.stringify(added));
    await rm(path.join(dir, 'csn', 'SalesOrders_Model.json'));
    const run = await json('sync');
    expect(run.code).toBe(0);
    expect(run.value.applied).toMatchObject({ created: 1, updated: 1, deleted: 1 });
    expect(await dump()).not.toEqual(before);
    // What the run deleted was archived beside the checkpoints, as rollback's copy.
    expect(await readdir(path.join(dir, 'checkpoints', 'deleted-tables', 'nightly', database))).toEqual(['salesorders_model']);

    const rollback = await json('rollback', run.value.runId);
    expect(rollback.code, JSON.stringify(rollback.value)).toBe(0);
    expect(rollback.value.results.map((r: any) => [r.table.split('.')[1], r.undo, r.outcome]).sort()).toEqual([
      ['neworders', 'delete', 'done'],
      ['salesorders', 'restore', 'done'],
      ['salesorders_model', 'recreate', 'done'],
    ]);
    expect(await dump()).toEqual(before);
    expect((await cli('checkpoints', 'validate')).code).toBe(0);
  });

  it('refuses to roll back an update whose previous version Glue no longer keeps, naming it', async () => {
    expect((await json('sync')).code).toBe(0);
    await editCsn('SalesOrders.json', (doc) => {
      doc.definitions.SalesOrders['@EndUserText.label'] = 'Sales orders (renamed)';
    });
    const run = await json('sync');
    const line = (await readFile(path.join(dir, 'changes.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l)).find((l) => l.runId === run.value.runId);
    expect(line).toMatchObject({ action: 'update', versionBefore: expect.any(String), versionAfter: expect.any(String) });
    // As with target.skipArchive true (moto ignores SkipArchive): the version before the update is gone.
    await other.send(new DeleteTableVersionCommand({ DatabaseName: database, TableName: line.table.split('.')[1], VersionId: line.versionBefore }));
    const refused = await json('rollback', run.value.runId);
    expect(refused.code).toBe(1);
    expect(refused.value.error).toMatchObject({ code: 'ROLLBACK_REFUSED', message: expect.stringContaining(`${line.table}: version ${line.versionBefore} is not kept any more`) });
  });
});
