import { BatchCreatePartitionCommand, CreateDatabaseCommand, CreateTableCommand } from '@aws-sdk/client-glue';
import type { GlueClient, PartitionInput, TableInput } from '@aws-sdk/client-glue';
import pLimit from 'p-limit';
import { datePartitions, dates, icebergTable, parquetTable, sparkCsvTable, viewTable } from '../test/support/glue-tables.ts';

/**
 * A producer's Glue catalog to replicate: three databases, 200 tables of the shapes catalogs really hold
 * (crawler-made Parquet tables, partitioned or not, Iceberg tables, an Athena view, a Spark CSV table carrying
 * another catalog-sync job's parameters), and one table with 1,000 daily partitions. Shared by the replication
 * tests on moto and the measurement (bench/glue-replication.ts), so the README's figures are about the catalog the
 * tests hold to.
 */
export interface ReplicationCatalog {
  /** Database names, `<prefix>sales` first. */
  databases: string[];
  /** Tables per database, by name. */
  tables: Map<string, TableInput[]>;
  /** Partitions per `database/table`. */
  partitions: Map<string, PartitionInput[]>;
}

export const BIG_TABLE = 'events';
export const BIG_TABLE_PARTITIONS = 1000;
/** Partitions of each small partitioned table. */
export const SMALL_PARTITIONS = 4;

function unpartitioned(input: TableInput): TableInput {
  const { PartitionKeys: _keys, ...rest } = input;
  return rest;
}

/** The catalog, as inputs: `tableCount` tables over three databases (70, and the rest split evenly). */
export function replicationCatalog(prefix: string, tableCount = 200): ReplicationCatalog {
  const databases = [`${prefix}sales`, `${prefix}finance`, `${prefix}ops`];
  const tables = new Map<string, TableInput[]>(databases.map((d) => [d, []]));
  const partitions = new Map<string, PartitionInput[]>();
  const sales = databases[0]!;
  tables.get(sales)!.push(parquetTable(BIG_TABLE), icebergTable('orders'), viewTable('v_orders'), sparkCsvTable('raw_csv'));
  partitions.set(`${sales}/${BIG_TABLE}`, datePartitions(BIG_TABLE, dates(BIG_TABLE_PARTITIONS)));
  const perDatabase = [70, Math.ceil((tableCount - 70) / 2), Math.floor((tableCount - 70) / 2)];
  databases.forEach((database, d) => {
    const list = tables.get(database)!;
    for (let i = 0; list.length < perDatabase[d]!; i += 1) {
      const name = `t_${String(i).padStart(3, '0')}`;
      if (i % 3 === 0) list.push(unpartitioned(parquetTable(name)));
      else if (i % 3 === 1) {
        list.push(parquetTable(name));
        partitions.set(`${database}/${name}`, datePartitions(name, dates(SMALL_PARTITIONS)));
      } else list.push(icebergTable(name));
    }
  });
  return { databases, tables, partitions };
}

/** Creates the catalog in the source Glue: databases, tables, partitions (in batches of 100). */
export async function seedCatalog(client: GlueClient, catalog: ReplicationCatalog): Promise<void> {
  const limit = pLimit(8);
  for (const database of catalog.databases) await client.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } }));
  await Promise.all(
    [...catalog.tables].flatMap(([database, inputs]) =>
      inputs.map((input) => limit(() => client.send(new CreateTableCommand({ DatabaseName: database, TableInput: input })))),
    ),
  );
  await Promise.all(
    [...catalog.partitions].flatMap(([key, inputs]) => {
      const [database, table] = key.split('/') as [string, string];
      const batches: PartitionInput[][] = [];
      for (let i = 0; i < inputs.length; i += 100) batches.push(inputs.slice(i, i + 100));
      return batches.map((batch) =>
        limit(() => client.send(new BatchCreatePartitionCommand({ DatabaseName: database, TableName: table, PartitionInputList: batch }))),
      );
    }),
  );
}

export function countTables(catalog: ReplicationCatalog): number {
  return [...catalog.tables.values()].reduce((n, list) => n + list.length, 0);
}
