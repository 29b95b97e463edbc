import { CreateDatabaseCommand, CreateTableCommand, DeleteDatabaseCommand, GetTableCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import type { TableInput } from '@aws-sdk/client-glue';
import nock from 'nock';
import { GlueSource } from '../../src/connectors/glue/glue-source.ts';
import { toTableInput } from '../../src/mapping/to-table-input.ts';
import type { GlueTable } from '../../src/mapping/glue-table.ts';
import { fastRetryStrategy, motoEndpoint, otherTool, uniquePrefix } from '../setup/glue-test-support.ts';
import { icebergTable, parquetTable, viewTable } from '../support/glue-tables.ts';
import { sourceContract } from './source-contract.ts';

sourceContract('glue (moto)', async () => {
  const endpoint = motoEndpoint();
  const other = otherTool(endpoint);
  const database = `${uniquePrefix('contract')}src`;
  await other.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } }));
  const tables: TableInput[] = [parquetTable('events'), icebergTable('orders'), viewTable('v_orders'), parquetTable('clicks')];
  for (const input of tables) await other.send(new CreateTableCommand({ DatabaseName: database, TableInput: input }));
  const rewrite = async (name: string, change: (input: TableInput) => TableInput): Promise<void> => {
    const { Table } = await other.send(new GetTableCommand({ DatabaseName: database, Name: name }));
    const input = change(toTableInput(Table as unknown as GlueTable) as TableInput);
    await other.send(new UpdateTableCommand({ DatabaseName: database, TableInput: input }));
  };
  return {
    source: () =>
      new GlueSource({
        region: 'us-east-1',
        endpoint,
        maxAttempts: 2,
        retryStrategy: fastRetryStrategy(2),
        databases: [database],
        excludeDatabases: [],
        tables: [],
        excludeTables: [],
        partitions: false,
        maxConcurrency: 4,
      }),
    space: database,
    names: ['events', 'orders', 'v_orders'],
    change: (name) => rewrite(name, (input) => ({ ...input, Description: 'Changed by the contract' })),
    // A column without a name: Glue-compatible servers store it, a replica could not be made of it.
    breakAsset: (name) =>
      rewrite(name, (input) => ({
        ...input,
        StorageDescriptor: { ...input.StorageDescriptor, Columns: [...(input.StorageDescriptor?.Columns ?? []), { Type: 'string' } as never] },
      })),
    // GetTables answers 500 on every attempt (moto answers everything else).
    breakListing: async () => {
      nock(endpoint, { allowUnmocked: true })
        .post('/')
        .matchHeader('x-amz-target', 'AWSGlue.GetTables')
        .times(10)
        .reply(500, { __type: 'InternalServiceException', message: 'injected' });
    },
    cleanup: async () => {
      nock.cleanAll();
      await other.send(new DeleteDatabaseCommand({ Name: database }));
      other.destroy();
    },
  };
});
