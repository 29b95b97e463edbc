import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KnownAsset } from '../../../src/catalog/source.ts';
import { createGlueClient } from '../../../src/connectors/glue/create-glue-client.ts';
import { GluePartitionApi } from '../../../src/connectors/glue/glue-partition-api.ts';
import { GlueReplicaPartitions } from '../../../src/connectors/glue/glue-replica-target.ts';
import { GlueSource } from '../../../src/connectors/glue/glue-source.ts';
import { emptyTraffic } from '../../../src/catalog/traffic.ts';
import type { Partition } from '../../../src/catalog/partitions.ts';
import { fastRetryStrategy, useDummyAwsCredentials } from '../../setup/glue-test-support.ts';
import { fakeGlue, glueError, NOCK_ENDPOINT, stopFakeGlue } from './nock-glue.ts';
import type { FakeGlue, Reply } from './nock-glue.ts';
import { parquetTable } from '../../support/glue-tables.ts';

const NO_KNOWLEDGE = { known: new Map<string, KnownAsset>() };

beforeAll(() => {
  useDummyAwsCredentials();
  nock.disableNetConnect();
});
afterEach(() => stopFakeGlue());

function source(overrides: Partial<ConstructorParameters<typeof GlueSource>[0]> = {}): GlueSource {
  return new GlueSource({
    region: 'us-east-1',
    endpoint: NOCK_ENDPOINT,
    maxAttempts: 1,
    retryStrategy: fastRetryStrategy(1),
    databases: [],
    excludeDatabases: [],
    tables: [],
    excludeTables: [],
    partitions: true,
    maxConcurrency: 4,
    ...overrides,
  });
}

/** Pages of `size` with a numeric NextToken, as the fake serves GetTables. */
function page<T>(items: T[], body: Record<string, unknown>, size: number, key: string): Reply {
  const start = Number(body['NextToken'] ?? 0);
  const next = start + size < items.length ? { NextToken: String(start + size) } : {};
  return [200, { [key]: items.slice(start, start + size), ...next }];
}

const names = (n: number, stem: string) => Array.from({ length: n }, (_, i) => `${stem}${String(i).padStart(3, '0')}`);

function partitions(n: number): Partition[] {
  return names(n, 'd').map((d) => ({ values: [d], definition: { StorageDescriptor: { Location: `s3://producer-lake/t/dt=${d}/` }, Parameters: { n: d } } }));
}

describe('Glue source listings (paging Glue serves and moto does not)', () => {
  it('pages GetDatabases to the end, 100 at a time, and selects by lowercase globs', async () => {
    const fake = fakeGlue();
    const databases = [...names(230, 'sales_'), 'finance', 'has/slash'].map((Name) => ({ Name }));
    fake.intercept = (call) => (call.operation === 'GetDatabases' ? page(databases, call.body, 100, 'DatabaseList') : undefined);
    const spaces = await source({ databases: ['SALES_*', 'has*'], excludeDatabases: ['sales_1*'] }).listSpaces();
    expect(fake.bodies('GetDatabases').map((b) => [b['MaxResults'], b['NextToken']])).toEqual([
      [100, undefined],
      [100, '100'],
      [100, '200'],
    ]);
    expect(spaces).toHaveLength(130);
    expect(spaces[0]).toBe('sales_000');
    expect(spaces).not.toContain('finance');
    expect(spaces).not.toContain('sales_100');
    // A name that cannot be a space is left out rather than mangled.
    expect(spaces).not.toContain('has/slash');
  });

  it('a database listing that fails throws: the run stops before it reads or deletes anything', async () => {
    const fake = fakeGlue();
    let pages = 0;
    fake.intercept = (call) => {
      if (call.operation !== 'GetDatabases') return undefined;
      return ++pages === 1 ? [200, { DatabaseList: [{ Name: 'sales' }], NextToken: '1' }] : glueError('AccessDeniedException', 'not allowed');
    };
    await expect(source().listSpaces()).rejects.toThrow(/GetDatabases the catalog failed: AccessDeniedException/);
  });

  it('pages GetTables to the end; a page that fails fails the whole listing', async () => {
    const fake = fakeGlue();
    for (const name of names(230, 't')) fake.put('sales', parquetTable(name) as never);
    const extract = await source().extractSpace('sales', NO_KNOWLEDGE);
    expect(extract.complete).toBe(true);
    expect(extract.items).toHaveLength(230);
    expect(fake.count('GetTables')).toBe(3);

    let pages = 0;
    fake.intercept = (call) => (call.operation === 'GetTables' && ++pages === 2 ? glueError('InternalServiceException', 'page lost') : undefined);
    await expect(source().extractSpace('sales', NO_KNOWLEDGE)).rejects.toThrow(/GetTables sales failed: InternalServiceException/);
  });

  it('a server repeating its NextToken fails the listing instead of paging forever', async () => {
    const fake = fakeGlue();
    fake.put('sales', parquetTable('a') as never);
    fake.intercept = (call) => (call.operation === 'GetTables' ? [200, { TableList: [], NextToken: 'same' }] : undefined);
    await expect(source().extractSpace('sales', NO_KNOWLEDGE)).rejects.toThrow(/same NextToken came back twice/);
  });

  it('a database gone between the two listings fails its space, with the reason', async () => {
    fakeGlue();
    await expect(source().extractSpace('vanished', NO_KNOWLEDGE)).rejects.toThrow(/database vanished no longer exists/);
  });

  it('pages GetPartitions with 1,000 per page, columns included', async () => {
    const fake = fakeGlue();
    const all = partitions(2500).map((p) => ({ Values: p.values, ...p.definition, CreationTime: 1_700_000_000, DatabaseName: 'sales', TableName: 't' }));
    fake.intercept = (call) => (call.operation === 'GetPartitions' ? page(all, call.body, 1000, 'Partitions') : undefined);
    const listed = await source().partitions?.list('sales/t');
    expect(listed).toHaveLength(2500);
    expect(listed?.[0]).toEqual({ values: ['d000'], definition: { StorageDescriptor: { Location: 's3://producer-lake/t/dt=d000/' }, Parameters: { n: 'd000' } } });
    expect(fake.bodies('GetPartitions').map((b) => [b['MaxResults'], b['ExcludeColumnSchema'], b['TableName']])).toEqual([
      [1000, undefined, 't'],
      [1000, undefined, 't'],
      [1000, undefined, 't'],
    ]);
  });
});

describe('replica partition writes (batch limits and per-partition errors)', () => {
  function replica(fake: FakeGlue, owner: string | undefined) {
    fake.put('sales_dr', { Name: 't', Parameters: owner ? { 'catalog_sync.owner': owner } : {} });
    const api = new GluePartitionApi(createGlueClient({ region: 'us-east-1', endpoint: NOCK_ENDPOINT, maxAttempts: 1, retryStrategy: fastRetryStrategy(1) }, emptyTraffic()), { maxConcurrency: 2 });
    return new GlueReplicaPartitions(api, 'dr', [{ from: 's3://producer-lake/', to: 's3://dr-lake/' }]);
  }

  it('sends creates in batches of 100, updates of 100, deletes of 25, and reports refused partitions one by one', async () => {
    const fake = fakeGlue();
    fake.intercept = (call) => {
      if (call.operation === 'BatchCreatePartition') {
        const list = call.body['PartitionInputList'] as Array<{ Values: string[] }>;
        const refused = list.filter((p) => p.Values[0] === 'd007');
        return [200, refused.length ? { Errors: refused.map((p) => ({ PartitionValues: p.Values, ErrorDetail: { ErrorCode: 'AlreadyExistsException', ErrorMessage: 'exists' } })) } : {}];
      }
      if (call.operation === 'BatchUpdatePartition' || call.operation === 'BatchDeletePartition') return [200, {}];
      return undefined;
    };
    const target = replica(fake, 'dr');
    const creates = partitions(230).map((p) => target.map(p));
    const result = await target.write({ database: 'sales_dr', table: 't' }, { create: creates, update: partitions(101), delete: partitions(60).map((p) => p.values) });
    expect(fake.bodies('BatchCreatePartition').map((b) => (b['PartitionInputList'] as unknown[]).length).sort((a, b) => b - a)).toEqual([100, 100, 30]);
    expect(fake.bodies('BatchUpdatePartition').map((b) => (b['Entries'] as unknown[]).length).sort((a, b) => b - a)).toEqual([100, 1]);
    expect(fake.bodies('BatchDeletePartition').map((b) => (b['PartitionsToDelete'] as unknown[]).length).sort((a, b) => b - a)).toEqual([25, 25, 10]);
    const sent = (fake.bodies('BatchCreatePartition')[0]?.['PartitionInputList'] as Array<{ StorageDescriptor: { Location: string } }>)[0];
    expect(sent?.StorageDescriptor.Location).toMatch(/^s3:\/\/dr-lake\/t\/dt=/);
    expect(result).toEqual({ created: 229, updated: 101, deleted: 60, failures: [{ values: ['d007'], action: 'create', error: 'AlreadyExistsException: exists' }] });
  });

  it('never writes the partitions of a table this job does not own', async () => {
    const fake = fakeGlue();
    const target = replica(fake, 'someone-else');
    await expect(target.write({ database: 'sales_dr', table: 't' }, { create: partitions(3), update: [], delete: [] })).rejects.toThrow(/owned by job "someone-else"/);
    expect(fake.count('BatchCreatePartition')).toBe(0);
  });
});
