import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  GetDatabaseCommand,
  GetDatabasesCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { GlueClient, Partition, PartitionInput, Table, TableInput } from '@aws-sdk/client-glue';
import pLimit from 'p-limit';

/**
 * The baseline the README compares Glue-to-Glue replication with: "everything, every run", the way the public
 * reference tool (the aws-samples Glue Data Catalog replication utility) works by its documentation. Every run
 * exports every database, table and partition of the source, and imports each: GetTable on the replica, then
 * CreateTable or UpdateTable for every table whatever changed, and for every partitioned table all of its
 * partitions deleted and created again. It propagates no deletions and rewrites no locations. The SNS/SQS hops
 * between its export and import functions are left out: only Glue calls are counted, as for catalog-sync.
 */
export async function naiveReplicate(source: GlueClient, replica: GlueClient, databases: readonly string[]): Promise<void> {
  const limit = pLimit(8);
  const listed = await pages(async (token) => {
    const out = await source.send(new GetDatabasesCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) }));
    return [out.DatabaseList ?? [], out.NextToken];
  });
  const wanted = new Set(databases);
  for (const database of listed.filter((d) => wanted.has(d.Name ?? ''))) {
    const name = database.Name as string;
    try {
      await replica.send(new GetDatabaseCommand({ Name: name }));
    } catch {
      await replica.send(new CreateDatabaseCommand({ DatabaseInput: { Name: name } }));
    }
    const tables = await pages(async (token) => {
      const out = await source.send(new GetTablesCommand({ DatabaseName: name, MaxResults: 100, ...(token ? { NextToken: token } : {}) }));
      return [out.TableList ?? [], out.NextToken];
    });
    await Promise.all(tables.map((table) => limit(() => importTable(source, replica, name, table))));
  }
}

async function importTable(source: GlueClient, replica: GlueClient, database: string, table: Table): Promise<void> {
  const input = tableInput(table);
  let exists = true;
  try {
    await replica.send(new GetTableCommand({ DatabaseName: database, Name: input.Name }));
  } catch {
    exists = false;
  }
  if (exists) await replica.send(new UpdateTableCommand({ DatabaseName: database, TableInput: input }));
  else await replica.send(new CreateTableCommand({ DatabaseName: database, TableInput: input }));
  if ((table.PartitionKeys ?? []).length === 0) return;

  const fromSource = await partitions(source, database, input.Name as string);
  const onReplica = await partitions(replica, database, input.Name as string);
  for (let i = 0; i < onReplica.length; i += 25) {
    const batch = onReplica.slice(i, i + 25).map((p) => ({ Values: p.Values ?? [] }));
    await replica.send(new BatchDeletePartitionCommand({ DatabaseName: database, TableName: input.Name, PartitionsToDelete: batch }));
  }
  for (let i = 0; i < fromSource.length; i += 100) {
    const batch = fromSource.slice(i, i + 100).map(partitionInput);
    await replica.send(new BatchCreatePartitionCommand({ DatabaseName: database, TableName: input.Name, PartitionInputList: batch }));
  }
}

async function partitions(client: GlueClient, database: string, table: string): Promise<Partition[]> {
  return pages(async (token) => {
    const out = await client.send(new GetPartitionsCommand({ DatabaseName: database, TableName: table, MaxResults: 1000, ...(token ? { NextToken: token } : {}) }));
    return [out.Partitions ?? [], out.NextToken];
  });
}

async function pages<T>(fetch: (token: string | undefined) => Promise<[T[], string | undefined]>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const [items, next] = await fetch(token);
    out.push(...items);
    token = next || undefined;
  } while (token);
  return out;
}

function tableInput(table: Table): TableInput {
  const { Name, Description, Owner, Retention, StorageDescriptor, PartitionKeys, ViewOriginalText, ViewExpandedText, TableType, Parameters, TargetTable } = table;
  return { Name, Description, Owner, Retention, StorageDescriptor, PartitionKeys, ViewOriginalText, ViewExpandedText, TableType, Parameters, TargetTable };
}

function partitionInput(partition: Partition): PartitionInput {
  const { Values, StorageDescriptor, Parameters, LastAccessTime, LastAnalyzedTime } = partition;
  return { Values, StorageDescriptor, Parameters, LastAccessTime, LastAnalyzedTime };
}
