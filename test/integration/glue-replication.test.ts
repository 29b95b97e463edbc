import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  DeleteTableCommand,
  GetTableCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { Table, TableInput } from '@aws-sdk/client-glue';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMotoServer } from '../../scripts/ensure-moto.ts';
import { startMotoServer } from '../../scripts/moto-server.ts';
import type { RunningMoto } from '../../scripts/moto-server.ts';
import { BIG_TABLE, BIG_TABLE_PARTITIONS, countTables, SMALL_PARTITIONS } from '../../bench/glue-replication-catalog.ts';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import type { GlueTable } from '../../src/mapping/glue-table.ts';
import { toTableInput } from '../../src/mapping/to-table-input.ts';
import { motoEndpoint, uniquePrefix } from '../setup/glue-test-support.ts';
import { datePartitions, dates } from '../support/glue-tables.ts';
import { createReplicationScenario, JOB } from './glue-replication-scenario.ts';
import type { ReplicationScenario } from './glue-replication-scenario.ts';

/**
 * Glue → Glue replication across two Glue-compatible servers: the producer's catalog on the suite's moto_server,
 * the replica on a second one started here (another region on another server, as a disaster-recovery copy).
 * The tests run in order on one scenario, each on what the previous left behind, as nightly runs would.
 */

let replicaMoto: RunningMoto;
let s: ReplicationScenario;
let sales: string;
let finance: string;
let ops: string;

const ops_ = (summary: RunSummary, side: 'source' | 'target', operation: string): number =>
  summary.traffic[side].byOperation[operation]?.requests ?? 0;

const action = (summary: RunSummary, assetId: string) => summary.actions.find((a) => a.assetId === assetId);

async function sourceTable(database: string, name: string): Promise<Table> {
  return (await s.source.send(new GetTableCommand({ DatabaseName: database, Name: name }))).Table as Table;
}

async function changeSource(database: string, name: string, change: (input: TableInput) => TableInput): Promise<void> {
  const input = change(toTableInput((await sourceTable(database, name)) as unknown as GlueTable) as TableInput);
  await s.source.send(new UpdateTableCommand({ DatabaseName: database, TableInput: input }));
}

const partitionedTables = (): number => s.catalog.partitions.size;
const smallPartitions = (): number => (partitionedTables() - 1) * SMALL_PARTITIONS;

beforeAll(async () => {
  replicaMoto = await startMotoServer(await ensureMotoServer());
  s = await createReplicationScenario(motoEndpoint(), replicaMoto.endpoint, { prefix: uniquePrefix('repl') });
  [sales, finance, ops] = s.catalog.databases as [string, string, string];
  // The replica account's own table in a database the job writes to: never touched, never deleted.
  await s.replica.send(new CreateDatabaseCommand({ DatabaseInput: { Name: s.replicaDatabase(sales) } }));
  await s.replica.send(
    new CreateTableCommand({
      DatabaseName: s.replicaDatabase(sales),
      TableInput: { Name: 'analyst_scratch', TableType: 'EXTERNAL_TABLE', Parameters: { team: 'analytics' }, StorageDescriptor: { Columns: [{ Name: 'x', Type: 'int' }] } },
    }),
  );
}, 180_000);

afterAll(async () => {
  nock.cleanAll();
  await s?.cleanup();
  await replicaMoto?.stop();
});

describe('Glue → Glue replication on two servers', () => {
  it('first run: every table replicated, databases renamed, types, storage, Iceberg and views intact, locations rewritten', async () => {
    const { summary } = await s.run();
    const tables = countTables(s.catalog);
    expect(tables).toBe(200);
    expect(summary.status, JSON.stringify(summary.failed.slice(0, 3))).toBe('ok');
    expect(summary.source.type).toBe('glue');
    expect(summary.changes.created).toBe(tables);
    expect(summary.applied.created).toBe(tables);
    expect(summary.verified).toMatchObject({ checked: tables, matched: tables });

    for (const database of s.catalog.databases) {
      const replicated = await s.replicaTables(s.replicaDatabase(database));
      const byName = new Map(replicated.map((t) => [t.Name, t]));
      for (const input of s.catalog.tables.get(database) ?? []) {
        const copy = byName.get(input.Name as string);
        expect(copy, `${database}.${input.Name}`).toBeDefined();
        expect(copy?.TableType).toBe(input.TableType);
        expect(copy?.StorageDescriptor?.Columns?.map((c) => [c.Name, c.Type])).toEqual(input.StorageDescriptor?.Columns?.map((c) => [c.Name, c.Type]));
        expect(copy?.PartitionKeys ?? []).toEqual(input.PartitionKeys ?? []);
        expect(copy?.StorageDescriptor?.Location).toBe(input.StorageDescriptor?.Location?.replace('s3://producer-lake/', 's3://dr-lake/'));
        expect(copy?.StorageDescriptor?.SerdeInfo?.SerializationLibrary).toBe(input.StorageDescriptor?.SerdeInfo?.SerializationLibrary);
        expect(copy?.Parameters?.['catalog_sync.owner']).toBe(JOB);
      }
    }
    const orders = await s.replicaTable(s.replicaDatabase(sales), 'orders');
    expect(orders.Parameters).toMatchObject({ table_type: 'ICEBERG', metadata_location: expect.stringMatching(/^s3:\/\/dr-lake\/iceberg\/orders\/metadata\/00042/) });
    const view = await s.replicaTable(s.replicaDatabase(sales), 'v_orders');
    expect(view).toMatchObject({ TableType: 'VIRTUAL_VIEW', ViewOriginalText: (await sourceTable(sales, 'v_orders')).ViewOriginalText });
    const csv = await s.replicaTable(s.replicaDatabase(sales), 'raw_csv');
    expect(csv.Parameters).toMatchObject({ 'catalog_sync.owner': JOB, 'catalog_sync.source.owner': 'producer-job' });
    expect(csv.StorageDescriptor?.SerdeInfo?.Parameters?.['path']).toBe('s3://dr-lake/csv/raw_csv');

    const partitions = await s.replicaPartitions(s.replicaDatabase(sales), BIG_TABLE);
    expect(partitions).toHaveLength(BIG_TABLE_PARTITIONS);
    expect(partitions.every((p) => p.StorageDescriptor?.Location?.startsWith('s3://dr-lake/events/events/dt='))).toBe(true);
    expect(summary.partitions).toMatchObject({
      tables: partitionedTables(),
      partitions: BIG_TABLE_PARTITIONS + smallPartitions(),
      applied: { created: BIG_TABLE_PARTITIONS + smallPartitions(), updated: 0, deleted: 0, failed: 0 },
    });
    // Glue's batch limit: 100 partitions per BatchCreatePartition.
    expect(ops_(summary, 'target', 'BatchCreatePartition')).toBe(BIG_TABLE_PARTITIONS / 100 + partitionedTables() - 1);
  }, 180_000);

  it('an unchanged rerun writes nothing and reads no partitions in the replica', async () => {
    const { summary } = await s.run();
    expect(summary.status).toBe('ok');
    expect(summary.changes.unchanged).toBe(200);
    expect(summary.traffic.target.writes).toBe(0);
    expect(ops_(summary, 'target', 'GetPartitions')).toBe(0);
    expect(summary.partitions).toMatchObject({ compared: 0, planned: { create: 0, update: 0, delete: 0 } });
    // Detecting a change at all: one listing of each partitioned table in the source (1,000 per page).
    expect(ops_(summary, 'source', 'GetPartitions')).toBe(partitionedTables());
    expect(ops_(summary, 'source', 'GetTables')).toBe(3);
  });

  it('a column added in the source is a full update of the replica', async () => {
    await changeSource(finance, 't_000', (t) => ({ ...t, StorageDescriptor: { ...t.StorageDescriptor, Columns: [...(t.StorageDescriptor?.Columns ?? []), { Name: 'channel', Type: 'string' }] } }));
    const { summary } = await s.run();
    expect(action(summary, `${finance}/t_000`)).toMatchObject({ change: 'SCHEMA_CHANGED', strategy: 'full', outcome: 'done' });
    expect(summary.traffic.target.writes).toBe(1);
    const copy = await s.replicaTable(s.replicaDatabase(finance), 't_000');
    expect(copy.StorageDescriptor?.Columns?.at(-1)).toEqual({ Name: 'channel', Type: 'string' });
  });

  it('a parameter change is a metadata-only update (a new Iceberg snapshot), its location rewritten', async () => {
    await changeSource(sales, 'orders', (t) => ({ ...t, Parameters: { ...t.Parameters, metadata_location: 's3://producer-lake/iceberg/orders/metadata/00043-xyz.metadata.json' } }));
    const { summary } = await s.run();
    expect(action(summary, `${sales}/orders`)).toMatchObject({ change: 'METADATA_CHANGED', strategy: 'metadata-only', outcome: 'done' });
    const copy = await s.replicaTable(s.replicaDatabase(sales), 'orders');
    expect(copy.Parameters).toMatchObject({ table_type: 'ICEBERG', metadata_location: 's3://dr-lake/iceberg/orders/metadata/00043-xyz.metadata.json' });
  });

  it("a table dropped in the source is deleted in the replica; the replica's own tables are never touched", async () => {
    await s.source.send(new DeleteTableCommand({ DatabaseName: ops, Name: 't_002' }));
    const { summary } = await s.run();
    expect(action(summary, `${ops}/t_002`)).toMatchObject({ change: 'DELETED', action: 'delete', outcome: 'done' });
    const left = (await s.replicaTables(s.replicaDatabase(ops))).map((t) => t.Name);
    expect(left).not.toContain('t_002');
    const scratch = await s.replicaTable(s.replicaDatabase(sales), 'analyst_scratch');
    expect(scratch.Parameters).toEqual({ team: 'analytics' });
  });

  it('1,000 partitions, then 10 added and 5 removed in the source: exactly those calls in the replica', async () => {
    const all = dates(BIG_TABLE_PARTITIONS + 10);
    await s.source.send(new BatchCreatePartitionCommand({ DatabaseName: sales, TableName: BIG_TABLE, PartitionInputList: datePartitions(BIG_TABLE, all.slice(BIG_TABLE_PARTITIONS)) }));
    await s.source.send(new BatchDeletePartitionCommand({ DatabaseName: sales, TableName: BIG_TABLE, PartitionsToDelete: all.slice(0, 5).map((d) => ({ Values: [d, 'eu'] })) }));
    const { summary } = await s.run();
    expect(summary.status).toBe('ok');
    expect(summary.partitions).toMatchObject({ compared: 1, planned: { create: 10, update: 0, delete: 5 }, applied: { created: 10, updated: 0, deleted: 5, failed: 0 } });
    expect(ops_(summary, 'target', 'BatchCreatePartition')).toBe(1);
    expect(ops_(summary, 'target', 'BatchDeletePartition')).toBe(1);
    expect(ops_(summary, 'target', 'BatchUpdatePartition')).toBe(0);
    // The replica's partitions of that one table, read once to compare; its marker checked once before writing.
    expect(ops_(summary, 'target', 'GetPartitions')).toBe(1);
    expect(ops_(summary, 'target', 'GetTable')).toBe(1);
    expect(summary.traffic.target.writes).toBe(2);
    const partitions = await s.replicaPartitions(s.replicaDatabase(sales), BIG_TABLE);
    expect(partitions).toHaveLength(BIG_TABLE_PARTITIONS + 5);
    expect(partitions.map((p) => p.Values?.[0])).not.toContain(all[0]);
    expect(partitions.map((p) => p.Values?.[0])).toContain(all.at(-1));
  });

  it('max-delete counts partitions: a run that would delete more stops before deleting any', async () => {
    const gone = dates(BIG_TABLE_PARTITIONS).slice(5, 65);
    for (let i = 0; i < gone.length; i += 25) {
      await s.source.send(new BatchDeletePartitionCommand({ DatabaseName: sales, TableName: BIG_TABLE, PartitionsToDelete: gone.slice(i, i + 25).map((d) => ({ Values: [d, 'eu'] })) }));
    }
    const strict = { ...s.config, deletion: { ...s.config.deletion, maxCount: 50 } };
    const stopped = await s.run({}, strict);
    expect(stopped.summary.status).toBe('guard-stopped');
    expect(stopped.summary.guard?.message).toMatch(/0 tables and 60 partitions, more than deletion.maxCount \(50\)/);
    expect(ops_(stopped.summary, 'target', 'BatchDeletePartition')).toBe(0);
    expect(await s.replicaPartitions(s.replicaDatabase(sales), BIG_TABLE)).toHaveLength(BIG_TABLE_PARTITIONS + 5);

    const { summary } = await s.run();
    expect(summary.partitions?.applied.deleted).toBe(60);
    // 25 per BatchDeletePartition.
    expect(ops_(summary, 'target', 'BatchDeletePartition')).toBe(3);
    expect(await s.replicaPartitions(s.replicaDatabase(sales), BIG_TABLE)).toHaveLength(BIG_TABLE_PARTITIONS + 5 - 60);
  });

  it('a failed table listing deletes nothing in that database; the next run catches up', async () => {
    await s.source.send(new DeleteTableCommand({ DatabaseName: finance, Name: 't_003' }));
    const failing = { ...s.config, source: { ...s.config.source, maxAttempts: 1 } } as typeof s.config;
    const source = new URL(motoEndpoint());
    nock(source.origin, { allowUnmocked: true })
      .post('/', (body: { DatabaseName?: string }) => body.DatabaseName === finance)
      .matchHeader('x-amz-target', 'AWSGlue.GetTables')
      .reply(500, { __type: 'InternalServiceException', message: 'injected' });
    const { summary } = await s.run({}, failing);
    nock.cleanAll();
    expect(summary.status).toBe('partial');
    expect(summary.source.incompleteSpaces.map((i) => i.space)).toEqual([finance]);
    expect(summary.applied.deleted).toBe(0);
    expect((await s.replicaTables(s.replicaDatabase(finance))).map((t) => t.Name)).toContain('t_003');

    const next = await s.run();
    expect(action(next.summary, `${finance}/t_003`)).toMatchObject({ action: 'delete', outcome: 'done' });
  });

  it('a replica table of the same name that the job does not own is never touched', async () => {
    await s.replica.send(
      new CreateTableCommand({
        DatabaseName: s.replicaDatabase(ops),
        TableInput: { Name: 'shared_name', TableType: 'EXTERNAL_TABLE', Parameters: { team: 'analytics' }, StorageDescriptor: { Columns: [{ Name: 'y', Type: 'int' }] } },
      }),
    );
    await s.source.send(new CreateTableCommand({ DatabaseName: ops, TableInput: { Name: 'shared_name', TableType: 'EXTERNAL_TABLE', StorageDescriptor: { Columns: [{ Name: 'z', Type: 'string' }] } } }));
    const { summary } = await s.run();
    expect(action(summary, `${ops}/shared_name`)).toMatchObject({ action: 'blocked', outcome: 'failed' });
    expect(summary.traffic.target.writes).toBe(0);
    const kept = await s.replicaTable(s.replicaDatabase(ops), 'shared_name');
    expect(kept.Parameters).toEqual({ team: 'analytics' });
    expect(kept.StorageDescriptor?.Columns).toEqual([{ Name: 'y', Type: 'int' }]);
  });
});
