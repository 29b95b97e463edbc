import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateDatabaseCommand, CreateTableCommand } from '@aws-sdk/client-glue';
import type { GlueClient } from '@aws-sdk/client-glue';
import { GetResourceLFTagsCommand, LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import { motoEndpoint, otherTool, uniquePrefix } from '../setup/glue-test-support.ts';
import { icebergTable, parquetTable } from '../support/glue-tables.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
let config: string;
let database: string;
let prefix: string;
let source: GlueClient;
let lf: LakeFormationClient;

beforeAll(async () => {
  const endpoint = motoEndpoint();
  source = otherTool(endpoint);
  // The replica's Lake Formation: the target's region.
  lf = new LakeFormationClient({ region: 'eu-west-1', endpoint, maxAttempts: 1 });
  prefix = uniquePrefix('lfrepl');
  database = `${prefix}src`;
  await source.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } }));
  for (const input of [parquetTable('events'), icebergTable('orders')]) await source.send(new CreateTableCommand({ DatabaseName: database, TableInput: input }));
  dir = await mkdtemp(path.join(tmpdir(), 'lf-tags-glue-replication-'));
  config = path.join(dir, 'catalog-sync.json');
  await writeFile(
    config,
    JSON.stringify({
      job: { name: 'dr' },
      source: { type: 'glue', endpoint, region: 'us-east-1', databases: [database], maxAttempts: 2 },
      target: { type: 'glue', endpoint, region: 'eu-west-1', databasePrefix: 'dr_', maxAttempts: 2 },
      governance: { lfTags: { enabled: true, database: { [`${prefix}space`]: 'space' }, table: { [`${prefix}kind`]: 'kind' }, column: {} } },
      checkpoints: { dir: path.join(dir, 'checkpoints') },
      history: { file: path.join(dir, 'history.jsonl'), changeLog: path.join(dir, 'change-log.jsonl') },
      logging: { level: 'silent' },
    }),
  );
});

afterAll(async () => {
  source.destroy();
  lf.destroy();
  await rm(dir, { recursive: true, force: true });
});

const pairs = (list: Array<{ TagKey?: string; TagValues?: string[] }> | undefined) => Object.fromEntries((list ?? []).map((p) => [p.TagKey as string, (p.TagValues ?? []).join('|')]));

describe('LF-Tags on a Glue catalog replicated from another (moto)', () => {
  it("tags the replica's databases with the source database and its tables with their kind; a rerun has nothing to tag", async () => {
    const plan = await runCli(['plan', '--json', '--config', config]);
    expect(plan.code, plan.stderr).toBe(2);
    const planned = JSON.parse(plan.stdout) as RunSummary;
    const changes = planned.actions.flatMap((a) => (a.tags ?? []).map((t) => ({ table: a.table, ...t })));
    // One database tag (listed with the first table) and one tag per table.
    expect(changes).toHaveLength(3);
    expect(planned.tags?.definitions.map((d) => d.key).sort()).toEqual([`${prefix}kind`, `${prefix}space`]);

    const synced = await runCli(['sync', '--json', '--config', config]);
    expect(synced.code, synced.stderr).toBe(0);
    const summary = JSON.parse(synced.stdout) as RunSummary;
    expect(summary.changes.created).toBe(2);
    expect(summary.tags).toMatchObject({ changes: 3, applied: 3, removals: 0 });

    const replica = `dr_${database}`;
    const onDatabase = await lf.send(new GetResourceLFTagsCommand({ Resource: { Database: { Name: replica } } }));
    expect(pairs(onDatabase.LFTagOnDatabase)).toEqual({ [`${prefix}space`]: database });
    for (const table of ['events', 'orders']) {
      const onTable = await lf.send(new GetResourceLFTagsCommand({ Resource: { Table: { DatabaseName: replica, Name: table } } }));
      // The table's own tag (moto does not list the database's, which the table inherits in Lake Formation).
      expect(pairs(onTable.LFTagsOnTable)).toEqual({ [`${prefix}kind`]: 'table' });
    }

    const again = await runCli(['plan', '--json', '--config', config]);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as RunSummary).tags?.changes).toBe(0);
  });
});
