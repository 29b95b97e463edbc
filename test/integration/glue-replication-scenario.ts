import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetPartitionsCommand, GetTableCommand, GetTablesCommand, GlueClient as SdkGlueClient } from '@aws-sdk/client-glue';
import type { GlueClient, Partition, Table } from '@aws-sdk/client-glue';
import { createSource, createTarget } from '../../src/cli/create-connectors.ts';
import { syncOptionsFromConfig } from '../../src/cli/sync-options.ts';
import type { Config } from '../../src/config/config-schema.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/engine/engine-logger.ts';
import { runSync } from '../../src/engine/run-sync.ts';
import type { SyncOptions, SyncOutcome } from '../../src/engine/run-sync.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import type { FileCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import { replicationCatalog, seedCatalog } from '../../bench/glue-replication-catalog.ts';
import type { ReplicationCatalog } from '../../bench/glue-replication-catalog.ts';
import { otherTool } from '../setup/glue-test-support.ts';

export const JOB = 'dr-replica';

export interface ReplicationScenario {
  prefix: string;
  catalog: ReplicationCatalog;
  /** The producer's catalog, and the replica's, each through a plain SDK client. */
  source: GlueClient;
  replica: GlueClient;
  config: Config;
  /** The replica database of a source database (the config renames `<prefix>sales`, the others get `dr_`). */
  replicaDatabase(database: string): string;
  /** One `sync`, wired as the CLI wires it (config → connectors → runSync), with its own fresh connectors. */
  run(flags?: Partial<Pick<SyncOptions, 'mode' | 'dryRun' | 'force' | 'spaces'>>, config?: Config): Promise<SyncOutcome>;
  checkpoints(): Promise<FileCheckpointStore>;
  replicaTable(database: string, table: string): Promise<Table>;
  replicaTables(database: string): Promise<Table[]>;
  replicaPartitions(database: string, table: string): Promise<Partition[]>;
  cleanup(): Promise<void>;
}

/**
 * A producer catalog (bench/glue-replication-catalog.ts: three databases, 200 tables, one of them with 1,000
 * partitions) seeded on one Glue-compatible server, replicated to another through the real CLI wiring. The
 * config is what a disaster-recovery job would use: partitions on, the bucket rewritten, one database renamed.
 */
export async function createReplicationScenario(sourceEndpoint: string, replicaEndpoint: string, options: { prefix: string; tables?: number }): Promise<ReplicationScenario> {
  const { prefix } = options;
  const catalog = replicationCatalog(prefix, options.tables ?? 200);
  const source = otherTool(sourceEndpoint);
  // The replica lives in another region (a disaster-recovery copy), on a server of its own.
  const replica = new SdkGlueClient({ region: 'eu-west-1', endpoint: replicaEndpoint, maxAttempts: 1 });
  await seedCatalog(source, catalog);
  const dir = await mkdtemp(path.join(tmpdir(), 'glue-replication-'));
  const sales = catalog.databases[0]!;
  const raw = {
    job: { name: JOB },
    source: { type: 'glue', endpoint: sourceEndpoint, region: 'us-east-1', databases: [`${prefix}*`], partitions: true },
    target: {
      type: 'glue',
      endpoint: replicaEndpoint,
      region: 'eu-west-1',
      databasePrefix: 'dr_',
      databaseRename: { [sales]: `${sales}_dr` },
      locationRewrites: [{ from: 's3://producer-lake/', to: 's3://dr-lake/' }],
      skipArchive: true,
    },
    checkpoints: { dir: path.join(dir, 'checkpoints') },
    history: { file: path.join(dir, 'history.jsonl'), changeLog: path.join(dir, 'change-log.jsonl') },
    deletion: { maxCount: 100 },
    logging: { level: 'silent' },
  };
  const { config } = parseConfig(raw, path.join(dir, 'config.json'), {});
  const checkpoints = () =>
    openCheckpointStore({ dir: config.checkpoints.dir, sourceSystem: 'glue', flushEvery: 50, backups: { keep: 3, maxAgeDays: 0 } });
  const replicaDatabase = (database: string): string => (database === sales ? `${sales}_dr` : `dr_${database}`);

  return {
    prefix,
    catalog,
    source,
    replica,
    config,
    replicaDatabase,
    checkpoints,
    async run(flags = {}, override = config) {
      const target = await createTarget(override);
      const from = createSource(override);
      const store = await checkpoints();
      try {
        return await runSync(syncOptionsFromConfig(override, flags), { source: from, target, checkpoints: store, logger: silentLogger });
      } finally {
        await store.close();
        await target.close?.();
        await (from as { close?: () => Promise<void> }).close?.();
      }
    },
    async replicaTable(database, table) {
      const out = await replica.send(new GetTableCommand({ DatabaseName: database, Name: table }));
      return out.Table as Table;
    },
    async replicaTables(database) {
      const out = await replica.send(new GetTablesCommand({ DatabaseName: database }));
      return out.TableList ?? [];
    },
    async replicaPartitions(database, table) {
      const out = await replica.send(new GetPartitionsCommand({ DatabaseName: database, TableName: table }));
      return out.Partitions ?? [];
    },
    async cleanup() {
      source.destroy();
      replica.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
