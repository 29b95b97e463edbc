import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BatchCreatePartitionCommand, CreateDatabaseCommand, CreateTableCommand, GetPartitionsCommand, GlueClient } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoEndpoint, otherTool, uniquePrefix } from '../setup/glue-test-support.ts';
import { datePartitions, dates, icebergTable, parquetTable, viewTable } from '../support/glue-tables.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
let config: string;
let database: string;
let source: GlueClient;

beforeAll(async () => {
  const endpoint = motoEndpoint();
  source = otherTool(endpoint);
  database = `${uniquePrefix('cli')}src`;
  await source.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } }));
  for (const input of [parquetTable('events'), icebergTable('orders'), viewTable('v_orders')]) {
    await source.send(new CreateTableCommand({ DatabaseName: database, TableInput: input }));
  }
  await source.send(new BatchCreatePartitionCommand({ DatabaseName: database, TableName: 'events', PartitionInputList: datePartitions('events', dates(3)) }));
  dir = await mkdtemp(path.join(tmpdir(), 'glue-replication-cli-'));
  config = path.join(dir, 'catalog-sync.json');
  await writeFile(
    config,
    JSON.stringify({
      job: { name: 'dr' },
      source: { type: 'glue', endpoint, region: 'us-east-1', databases: [database], partitions: true, maxAttempts: 2 },
      // The same server, another region: a replica of its own.
      target: { type: 'glue', endpoint, region: 'eu-west-1', databasePrefix: 'dr_', locationRewrites: [{ from: 's3://producer-lake/', to: 's3://dr-lake/' }], maxAttempts: 2 },
      checkpoints: { dir: path.join(dir, 'checkpoints') },
      history: { file: path.join(dir, 'history.jsonl'), changeLog: path.join(dir, 'change-log.jsonl') },
      logging: { level: 'silent' },
    }),
  );
});

afterAll(async () => {
  source.destroy();
  await rm(dir, { recursive: true, force: true });
});

describe('catalog-sync with a Glue source', () => {
  it('plan, sync, plan: pending (2), replicated (0), nothing pending (0); the checkpoint is <job>@glue_checkpoints.json', async () => {
    expect((await runCli(['plan', '--config', config])).code).toBe(2);
    const synced = await runCli(['sync', '--json', '--config', config]);
    expect(synced.code, synced.stderr).toBe(0);
    const summary = JSON.parse(synced.stdout) as { source: { type: string }; changes: { created: number }; partitions: { applied: { created: number } } };
    expect(summary.source.type).toBe('glue');
    expect(summary.changes.created).toBe(3);
    expect(summary.partitions.applied.created).toBe(3);
    expect((await runCli(['plan', '--config', config])).code).toBe(0);
    expect(await readdir(path.join(dir, 'checkpoints'))).toContain('dr@glue_checkpoints.json');
    const listed = await runCli(['checkpoints', 'list', '--config', config]);
    expect(listed.stdout).toContain(`${database}/events`);
  });

  it('new partitions alone are pending changes for plan, and sync writes just them', async () => {
    await source.send(new BatchCreatePartitionCommand({ DatabaseName: database, TableName: 'events', PartitionInputList: datePartitions('events', dates(5).slice(3)) }));
    const plan = await runCli(['plan', '--json', '--config', config]);
    expect(plan.code).toBe(2);
    expect(JSON.parse(plan.stdout).partitions.planned).toEqual({ create: 2, update: 0, delete: 0 });
    const synced = await runCli(['sync', '--config', config]);
    expect(synced.code, synced.stderr).toBe(0);
    expect(synced.stdout).toMatch(/partitions: 5 in 1 table \(1 compared\): 2 created, 0 updated, 0 deleted/);
    const replica = new GlueClient({ region: 'eu-west-1', endpoint: motoEndpoint(), maxAttempts: 1 });
    const { Partitions } = await replica.send(new GetPartitionsCommand({ DatabaseName: `dr_${database}`, TableName: 'events' }));
    replica.destroy();
    expect(Partitions).toHaveLength(5);
    expect(Partitions?.every((p) => p.StorageDescriptor?.Location?.startsWith('s3://dr-lake/'))).toBe(true);
  });
});
