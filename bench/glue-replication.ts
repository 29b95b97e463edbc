/**
 * What Glue-to-Glue replication costs in Glue calls and bytes, against "everything every run" on the same catalog:
 * bench/glue-replication-catalog.ts (3 databases, 200 tables, a table with 1,000 partitions and 22 small
 * partitioned ones) seeded on one moto_server and replicated to another.
 *
 *   node --import tsx bench/glue-replication.ts [--json]
 *
 * catalog-sync runs through the CLI's wiring (config schema, createSource, createTarget, runSync): a first
 * replication, an unchanged rerun, and a rerun after a typical day (one Iceberg snapshot, 10 new partitions).
 * The baseline (bench/naive-glue-replication.ts) replicates the same catalog into another region of the replica
 * server, twice. Every Glue request of both is counted by the same SDK middleware: whole HTTP messages, headers
 * included. Last, one listing of the 1,000-partition table gives the bytes per partition a GetPartitions page
 * carries, from which the README's figure for a 100,000-partition table is extrapolated.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BatchCreatePartitionCommand, GetTableCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import type { TableInput } from '@aws-sdk/client-glue';
import { createSource, createTarget } from '../src/cli/create-connectors.ts';
import { syncOptionsFromConfig } from '../src/cli/sync-options.ts';
import { emptyTraffic } from '../src/catalog/traffic.ts';
import type { Traffic } from '../src/catalog/traffic.ts';
import { parseConfig } from '../src/config/load-config.ts';
import { createGlueClient } from '../src/connectors/glue/create-glue-client.ts';
import { GluePartitionApi } from '../src/connectors/glue/glue-partition-api.ts';
import { silentLogger } from '../src/engine/engine-logger.ts';
import type { GlueTable } from '../src/mapping/glue-table.ts';
import { toTableInput } from '../src/mapping/to-table-input.ts';
import { runSync } from '../src/engine/run-sync.ts';
import { openCheckpointStore } from '../src/state/file-checkpoint-store.ts';
import { ensureMotoServer } from '../scripts/ensure-moto.ts';
import { startMotoServer } from '../scripts/moto-server.ts';
import { datePartitions, dates } from '../test/support/glue-tables.ts';
import { BIG_TABLE, BIG_TABLE_PARTITIONS, countTables, replicationCatalog, seedCatalog } from './glue-replication-catalog.ts';
import { naiveReplicate } from './naive-glue-replication.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });

interface Row {
  run: string;
  source: Traffic;
  target: Traffic;
}

function counting(endpoint: string, region: string, traffic: Traffic) {
  return createGlueClient({ region, endpoint, maxAttempts: 3 }, traffic);
}

async function catalogSync(sourceEndpoint: string, replicaEndpoint: string, databases: string[]): Promise<Row[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-glue-replication-'));
  try {
    const { config } = parseConfig(
      {
        job: { name: 'dr-replica' },
        source: { type: 'glue', endpoint: sourceEndpoint, region: 'us-east-1', databases, partitions: true },
        target: { type: 'glue', endpoint: replicaEndpoint, region: 'eu-west-1', databasePrefix: '', locationRewrites: [{ from: 's3://producer-lake/', to: 's3://dr-lake/' }] },
        checkpoints: { dir: path.join(dir, 'checkpoints') },
        deletion: { maxCount: 500 },
      },
      path.join(dir, 'config.json'),
      {},
    );
    const rows: Row[] = [];
    for (const run of ['first replication', 'unchanged rerun', 'after a day: 1 Iceberg snapshot, 10 new partitions']) {
      if (run.startsWith('after')) await typicalDay(sourceEndpoint, databases[0] as string);
      const source = createSource(config);
      const target = await createTarget(config);
      const checkpoints = await openCheckpointStore({ dir: config.checkpoints.dir, sourceSystem: 'glue', flushEvery: 50, backups: { keep: 2, maxAgeDays: 0 } });
      try {
        const { summary } = await runSync(syncOptionsFromConfig(config), { source, target, checkpoints, logger: silentLogger });
        if (summary.status !== 'ok') throw new Error(`${run}: ${summary.status} ${JSON.stringify(summary.failed.slice(0, 3))}`);
        rows.push({ run: `catalog-sync, ${run}`, source: source.traffic(), target: target.traffic() });
      } finally {
        await checkpoints.close();
        await target.close?.();
        await (source as { close?: () => Promise<void> }).close?.();
      }
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One Iceberg commit (a new metadata file) and ten new daily partitions of the big table. */
async function typicalDay(endpoint: string, sales: string): Promise<void> {
  const client = counting(endpoint, 'us-east-1', emptyTraffic());
  const { Table } = await client.send(new GetTableCommand({ DatabaseName: sales, Name: 'orders' }));
  const input = toTableInput(Table as unknown as GlueTable) as TableInput;
  const next = { ...input, Parameters: { ...input.Parameters, metadata_location: 's3://producer-lake/iceberg/orders/metadata/00043-new.metadata.json' } };
  await client.send(new UpdateTableCommand({ DatabaseName: sales, TableInput: next }));
  const more = dates(BIG_TABLE_PARTITIONS + 10).slice(BIG_TABLE_PARTITIONS);
  await client.send(new BatchCreatePartitionCommand({ DatabaseName: sales, TableName: BIG_TABLE, PartitionInputList: datePartitions(BIG_TABLE, more) }));
  client.destroy();
}

async function naive(sourceEndpoint: string, replicaEndpoint: string, databases: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const run of ['first replication', 'rerun']) {
    const source = emptyTraffic();
    const target = emptyTraffic();
    const from = counting(sourceEndpoint, 'us-east-1', source);
    // Another region of the replica server: a replica of its own, beside catalog-sync's.
    const to = counting(replicaEndpoint, 'ap-southeast-2', target);
    await naiveReplicate(from, to, databases);
    from.destroy();
    to.destroy();
    rows.push({ run: `everything every run, ${run}`, source, target });
  }
  return rows;
}

/** Bytes one partition takes in a GetPartitions page (columns included), measured on the 1,000-partition table. */
async function bytesPerPartition(endpoint: string, sales: string): Promise<{ perPartition: number; perRequest: number }> {
  const traffic = emptyTraffic();
  const api = new GluePartitionApi(counting(endpoint, 'us-east-1', traffic), { maxConcurrency: 1 });
  const listed = await api.partitions({ database: sales, table: BIG_TABLE });
  api.destroy();
  const op = traffic.byOperation['GetPartitions'];
  if (!op) throw new Error('no GetPartitions counted');
  return { perPartition: (op.bytesReceived + op.bytesSent) / listed.length, perRequest: (op.bytesReceived + op.bytesSent) / op.requests };
}

const total = (t: Traffic): number => t.bytesSent + t.bytesReceived;
const mb = (bytes: number): string => `${(bytes / 1_000_000).toFixed(2)} MB`;

function print(rows: Row[], partition: { perPartition: number }): void {
  const head = ['source req', 'source bytes', 'replica req', 'writes', 'replica bytes', 'total bytes'];
  console.log(`${'run'.padEnd(66)} ${head.map((h) => h.padStart(13)).join(' ')}`);
  for (const row of rows) {
    const cells = [row.source.requests, mb(total(row.source)), row.target.requests, row.target.writes, mb(total(row.target)), mb(total(row.source) + total(row.target))];
    console.log(`${row.run.padEnd(66)} ${cells.map((c) => String(c).padStart(13)).join(' ')}`);
  }
  const at100k = 100_000 * partition.perPartition;
  console.log(`\nGetPartitions: ${Math.round(partition.perPartition)} bytes per partition listed; a 100,000-partition table: 100 requests, ${mb(at100k)} per run to detect a change`);
}

async function main(): Promise<void> {
  process.env['AWS_ACCESS_KEY_ID'] ??= 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'testing';
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const command = await ensureMotoServer();
  const [sourceMoto, replicaMoto] = await Promise.all([startMotoServer(command), startMotoServer(command)]);
  try {
    const catalog = replicationCatalog('');
    const seeder = counting(sourceMoto.endpoint, 'us-east-1', emptyTraffic());
    await seedCatalog(seeder, catalog);
    seeder.destroy();
    const rows = [...(await catalogSync(sourceMoto.endpoint, replicaMoto.endpoint, catalog.databases)), ...(await naive(sourceMoto.endpoint, replicaMoto.endpoint, catalog.databases))];
    const partition = await bytesPerPartition(sourceMoto.endpoint, catalog.databases[0] as string);
    if (values.json) {
      console.log(JSON.stringify({ tables: countTables(catalog), partitionedTables: catalog.partitions.size, rows, partition }, null, 2));
    } else {
      console.log(`${countTables(catalog)} tables in ${catalog.databases.length} databases, ${catalog.partitions.size} partitioned (one with ${BIG_TABLE_PARTITIONS} partitions)\n`);
      print(rows, partition);
    }
  } finally {
    await Promise.all([sourceMoto.stop(), replicaMoto.stop()]);
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
