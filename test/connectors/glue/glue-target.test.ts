import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AssetHashes } from '../../../src/catalog/hashes.ts';
import type { Source } from '../../../src/catalog/source.ts';
import type { TableRef, WriteRequest } from '../../../src/catalog/target.ts';
import { emptyTraffic } from '../../../src/catalog/traffic.ts';
import { CsnFilesSource } from '../../../src/connectors/csn-files/csn-files-source.ts';
import type { GlueTarget } from '../../../src/connectors/glue/glue-target.ts';
import { GlueConflictError, InvalidGlueNameError } from '../../../src/connectors/glue/glue-target-errors.ts';
import { buildTableInput } from '../../../src/mapping/build-table-input.ts';
import type { GlueTable, GlueTableInput } from '../../../src/mapping/glue-table.ts';
import { silentLogger } from '../../../src/engine/engine-logger.ts';
import { runSync } from '../../../src/engine/run-sync.ts';
import { loadMapping } from '../../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../../src/mapping/load-mapping.ts';
import { openCheckpointStore } from '../../../src/state/file-checkpoint-store.ts';
import { CORPUS_CSN, testGlueTarget, useDummyAwsCredentials } from '../../setup/glue-test-support.ts';
import { makeAsset } from '../../support/make-asset.ts';
import { fakeGlue, glueError, NOCK_ENDPOINT, stopFakeGlue } from './nock-glue.ts';
import type { FakeGlue } from './nock-glue.ts';

const H1: AssetHashes = { content: 'c1', schema: 's1', metadata: 'm1' };
const H2: AssetHashes = { content: 'c2', schema: 's1', metadata: 'm1' };
const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

let mapping: Mapping;
let glue: FakeGlue;
const targets: GlueTarget[] = [];
const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'glue-nock-'));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  useDummyAwsCredentials();
  mapping = await loadMapping();
  nock.disableNetConnect();
});
afterAll(() => {
  nock.enableNetConnect();
});
beforeEach(() => {
  glue = fakeGlue();
});
afterEach(async () => {
  for (const t of targets.splice(0)) await t.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  stopFakeGlue();
});

function target(options: { maxAttempts?: number; databaseDescription?: string; job?: string; skipArchive?: boolean; writeUnread?: boolean } = {}): GlueTarget {
  const t = testGlueTarget({ endpoint: NOCK_ENDPOINT, mapping, ...options });
  targets.push(t);
  return t;
}

function request(t: GlueTarget, overrides: Partial<WriteRequest> = {}): WriteRequest {
  const asset = overrides.asset ?? makeAsset();
  return { asset, ref: t.resolve(asset), strategy: 'full', facets: ['content', 'schema', 'metadata'], hashes: H1, create: true, ...overrides };
}

/** An owned table as an earlier run of ours would have left it. */
function ownedInput(name: string, hashes = H1): GlueTableInput {
  const asset = makeAsset({ technicalName: name });
  return buildTableInput(asset, { job: 'nightly', hashes, databasePrefix: 'ds_', mapping }).input;
}

describe('GlueTarget on the Glue JSON protocol', () => {
  it('reads a database once, in GetTables pages of 100 with NextToken', async () => {
    for (let i = 0; i < 250; i += 1) glue.put('ds_sales', ownedInput(`T${String(i).padStart(3, '0')}`), '7');
    const t = target();
    const state = await t.readState(['ds_sales', 'ds_sales']);
    expect(state).toHaveLength(250);
    expect(state[0]).toEqual({ ref: { database: 'ds_sales', table: 't000' }, version: '7', owner: 'nightly', assetId: 'SALES/T000', hashes: H1, bytes: expect.any(Number) });
    expect(glue.bodies('GetTables')).toEqual([
      { DatabaseName: 'ds_sales', MaxResults: 100 },
      { DatabaseName: 'ds_sales', MaxResults: 100, NextToken: '100' },
      { DatabaseName: 'ds_sales', MaxResults: 100, NextToken: '200' },
    ]);
    const traffic = t.traffic();
    expect(traffic.byOperation['GetTables']).toMatchObject({ requests: 3 });
    expect(traffic.bytesReceived).toBeGreaterThan(250 * 500);
    expect(traffic.writes).toBe(0);

    // A write after readState merges onto the table read then: no GetTable before it, and none after it either
    // (without SkipArchive the version our conditional update produced is known: 7 + 1).
    const archiving = target({ skipArchive: false });
    await archiving.readState(['ds_sales']);
    const written = await archiving.write(request(archiving, { asset: makeAsset({ technicalName: 'T001', description: 'x' }), create: false, strategy: 'delta', facets: ['content'], hashes: H2 }));
    expect(glue.bodies('UpdateTable')[0]).toMatchObject({ DatabaseName: 'ds_sales', VersionId: '7', SkipArchive: false });
    expect(written.version).toBe('8');
    expect(glue.tables.get('ds_sales')?.get('t001')?.VersionId).toBe('8');
    expect(glue.count('GetTable')).toBe(0);
  });

  it('reads a few tables with GetTable and most of a database with one paged listing, by estimated bytes', async () => {
    for (let i = 0; i < 250; i++) glue.put('ds_sales', ownedInput(`T${String(i).padStart(3, '0')}`), '7');
    const refs = (n: number) => Array.from({ length: n }, (_, i) => ({ database: 'ds_sales', table: `t${String(i).padStart(3, '0')}` }));
    // The checkpoint knows 250 tables of about 2 KB there.
    const hints = new Map([['ds_sales', { tables: 250, bytes: 250 * 2_000 }]]);
    const t = target();
    const few = await t.readTables([...refs(1), { database: 'ds_sales', table: 'missing' }], hints);
    expect(few.map((x) => [x.ref.table, x.version])).toEqual([['t000', '7']]);
    expect(few[0]?.bytes).toBeGreaterThan(500);
    expect([glue.count('GetTable'), glue.count('GetTables')]).toEqual([2, 0]);
    // 100 of 250: 100 × (2 KB + ~1.2 KB of headers) is still less than 250 × 2 KB in 3 pages: single reads.
    await t.readTables(refs(100), hints);
    expect([glue.count('GetTable'), glue.count('GetTables')]).toEqual([102, 0]);
    // 240 of 250: one listing, in pages of 100.
    const most = await t.readTables(refs(240), hints);
    expect(most).toHaveLength(240);
    expect([glue.count('GetTable'), glue.count('GetTables')]).toEqual([102, 3]);
    // Nothing known of a database (no hint: new, or empty): one listing answers for every table asked about.
    const fresh = target();
    await fresh.readTables(refs(2));
    expect([glue.count('GetTable'), glue.count('GetTables')]).toEqual([102, 6]);
  });

  it('knows the version of a conditional update without reading it back; with SkipArchive it checks that once per run', async () => {
    for (const name of ['A', 'B', 'C']) glue.put('ds_sales', ownedInput(name), '4');
    const t = target({ skipArchive: true });
    const refs = ['a', 'b', 'c'].map((table) => ({ database: 'ds_sales', table }));
    await t.readTables(refs, new Map([['ds_sales', { tables: 1000 }]]));
    expect(glue.count('GetTable')).toBe(3);
    const update = (name: string) =>
      t.write(request(t, { asset: makeAsset({ technicalName: name, description: 'new' }), create: false, strategy: 'delta', facets: ['content'], hashes: H2 }));
    const versions = [(await update('A')).version, (await update('B')).version, (await update('C')).version];
    expect(versions).toEqual(['5', '5', '5']);
    expect(glue.count('GetTable')).toBe(3 + 1); // the one check that VersionId moves on under SkipArchive
    expect(glue.bodies('UpdateTable').map((b) => [b['VersionId'], b['SkipArchive']])).toEqual([['4', true], ['4', true], ['4', true]]);
  });

  it('claims no version when a catalog does not move VersionId on under SkipArchive: verification reads back instead', async () => {
    for (const name of ['A', 'B']) glue.put('ds_sales', ownedInput(name), '4');
    glue.intercept = (call, fake) => {
      if (call.operation !== 'UpdateTable') return undefined;
      const input = call.body['TableInput'] as GlueTableInput;
      fake.put('ds_sales', input, '4'); // written, VersionId left as it was
      return [200, {}];
    };
    const t = target({ skipArchive: true });
    const update = (name: string) =>
      t.write(request(t, { asset: makeAsset({ technicalName: name, description: 'new' }), create: false, strategy: 'delta', facets: ['content'], hashes: H2 }));
    expect((await update('A')).version).toBeUndefined();
    expect((await update('B')).version).toBeUndefined();
    expect(glue.count('GetTable')).toBe(2 + 1);
  });

  it('on ConcurrentModificationException re-reads the table once and re-applies onto what the other writer left', async () => {
    glue.put('ds_sales', ownedInput('Orders'), '3');
    const t = target();
    await t.readState(['ds_sales']);
    let first = true;
    glue.intercept = (call, fake) => {
      if (call.operation === 'UpdateTable' && first) {
        first = false;
        fake.touch('ds_sales', 'orders', (table) => ({ ...table, Parameters: { ...table.Parameters, 'lf.tag': 'pii' } }));
      }
      return undefined;
    };
    const result = await t.write(request(t, { asset: makeAsset({ description: 'New' }), create: false, strategy: 'delta', facets: ['content'], hashes: H2 }));
    const updates = glue.bodies('UpdateTable') as { VersionId: string; TableInput: GlueTableInput }[];
    expect(updates.map((u) => u.VersionId)).toEqual(['3', '4']);
    expect(updates[1]?.TableInput.Parameters).toMatchObject({ 'lf.tag': 'pii', 'catalog_sync.hash.content': 'c2' });
    expect(updates[1]?.TableInput.Description).toBe('Orders — New');
    // The retry was conditional on the version re-read (4): it produced 5, and the target says so.
    expect(result.version).toBe('5');
    expect(glue.tables.get('ds_sales')?.get('orders')?.VersionId).toBe('5');
    expect(glue.tables.get('ds_sales')?.get('orders')?.Parameters?.['lf.tag']).toBe('pii');
    expect(glue.count('GetTable')).toBe(2); // the re-read, and the run's one check that VersionId moves on
  });

  it('in a run: a table changed by someone else between our read and our write keeps their parameters, and the checkpoint records our version', async () => {
    const asset = makeAsset({ description: 'v1' });
    const source: Source = {
      type: 'memory',
      system: 'datasphere',
      listSpaces: async () => ['SALES'],
      extractSpace: async (space) => ({ space, complete: true, items: [{ state: 'extracted', asset: current }], failures: [], warnings: [] }),
      traffic: () => emptyTraffic(),
    };
    let current = asset;
    const checkpoints = await openCheckpointStore({ dir: await tempDir(), sourceSystem: 'datasphere', flushEvery: 25, backups: { keep: 2, maxAgeDays: 0 } });
    const options = {
      job: 'nightly', spaces: [], mode: 'incremental' as const, dryRun: false, force: false, concurrency: 2,
      change: { ignoreFields: [], normalizeWhitespace: true, caseSensitive: true },
      deletion: { policy: 'delete' as const, maxCount: 50, maxPercent: 25 },
      conflictPolicy: 'source-wins' as const,
    };
    const run = () => runSync(options, { source, target: target({ skipArchive: false }), checkpoints, logger: silentLogger });
    expect((await run()).summary.status).toBe('ok');
    expect(glue.tables.get('ds_sales')?.get('orders')?.VersionId).toBe('0'); // Glue's first version
    expect(checkpoints.get('SALES/Orders')?.target.version).toBe('0'); // learnt by reading the create back

    // The description changes in the source; while the run is between reading the table and writing it, a
    // steward tags it (their UpdateTable lands first).
    current = { ...asset, description: 'v2' };
    let first = true;
    glue.intercept = (call, fake) => {
      if (call.operation === 'UpdateTable' && first) {
        first = false;
        fake.touch('ds_sales', 'orders', (t) => ({ ...t, Parameters: { ...t.Parameters, 'steward.tag': 'pii' }, StorageDescriptor: { ...t.StorageDescriptor, Location: 's3://lake/orders/' } }));
      }
      return undefined;
    };
    const { summary } = await run();
    expect(summary.status).toBe('ok');
    const updates = glue.bodies('UpdateTable') as { VersionId: string }[];
    expect(updates.map((u) => u.VersionId)).toEqual(['0', '1']); // refused at 0, re-read, written at 1
    const stored = glue.tables.get('ds_sales')?.get('orders');
    expect(stored?.Description).toBe('Orders — v2');
    expect(stored?.Parameters?.['steward.tag']).toBe('pii');
    expect(stored?.StorageDescriptor?.Location).toBe('s3://lake/orders/');
    expect(stored?.VersionId).toBe('2');
    // Recorded from the conditional write itself: no read-back.
    expect(checkpoints.get('SALES/Orders')?.target.version).toBe('2');
    expect(summary.verified).toEqual({ checked: 1, matched: 1, readBack: 0 });
    // The write went out unread (our own table, as we left it at version 0) and was refused: drift, reported.
    expect(summary.drift).toEqual([{ assetId: 'SALES/Orders', table: 'ds_sales.orders', expectedVersion: '0', actualVersion: '1' }]);
    // Their parameters are not ours to rewrite: the next update reads the table first.
    expect(checkpoints.get('SALES/Orders')?.target.selfContained).toBeUndefined();
  });

  describe('an update of a table our last write left holding only our build (selfContained)', () => {
    const update = (t: GlueTarget, selfContained: string | undefined, overrides: Partial<WriteRequest> = {}) =>
      t.write(request(t, { asset: makeAsset({ description: 'New' }), create: false, strategy: 'delta', facets: ['content'], hashes: H2, expectedVersion: '3', ...(selfContained ? { selfContained } : {}), ...overrides }));

    async function created(t: GlueTarget): Promise<string> {
      const first = await t.write(request(t));
      expect(first.selfContained).toMatch(/^glue-build-/);
      glue.tables.get('ds_sales')?.set('orders', { ...(glue.tables.get('ds_sales')?.get('orders') as GlueTable), VersionId: '3' });
      glue.calls.length = 0;
      return first.selfContained as string;
    }

    it('goes out without a read, conditional on the version our last write produced', async () => {
      const token = await created(target({ skipArchive: false }));
      const t = target({ skipArchive: false });
      const result = await update(t, token);
      expect(glue.calls.map((c) => c.operation)).toEqual(['UpdateTable']);
      expect(glue.bodies('UpdateTable')[0]).toMatchObject({ VersionId: '3', TableInput: { Description: 'Orders — New' } });
      expect(result).toMatchObject({ version: '4', selfContained: token });
      expect(result.drift).toBeUndefined();
    });

    it('refused because someone wrote the table since: read, merged onto (their parameters and storage kept), drift reported', async () => {
      const token = await created(target({ skipArchive: false }));
      glue.touch('ds_sales', 'orders', (t) => ({ ...t, Parameters: { ...t.Parameters, 'lf.tag': 'pii' }, StorageDescriptor: { ...t.StorageDescriptor, Location: 's3://lake/orders/' } }));
      const t = target({ skipArchive: false });
      const result = await update(t, token);
      expect(glue.calls.map((c) => c.operation)).toEqual(['UpdateTable', 'GetTable', 'UpdateTable']);
      expect(glue.bodies('UpdateTable').map((b) => b['VersionId'])).toEqual(['3', '4']);
      const stored = glue.tables.get('ds_sales')?.get('orders');
      expect(stored).toMatchObject({ Description: 'Orders — New', VersionId: '5', Parameters: { 'lf.tag': 'pii' }, StorageDescriptor: { Location: 's3://lake/orders/' } });
      expect(result).toMatchObject({ version: '5', drift: { expectedVersion: '3', actualVersion: '4' } });
      expect(result.selfContained).toBeUndefined(); // it holds their parts now: read before the next write
    });

    it('refused because the table is already at the write we meant (a run that ended before saving its entry): nothing written again', async () => {
      const token = await created(target({ skipArchive: false }));
      await update(target({ skipArchive: false }), token); // written at 3 → 4; pretend its entry was never saved
      glue.calls.length = 0;
      const again = await update(target({ skipArchive: false }), token);
      expect(glue.calls.map((c) => c.operation)).toEqual(['UpdateTable', 'GetTable']);
      expect(again.version).toBe('4');
      expect(again.drift).toBeUndefined();
    });

    it('reads first with a token of other build rules (another mapping, another job) or without a recorded version; never with writeUnread false', async () => {
      const token = await created(target({ skipArchive: false }));
      await update(target({ skipArchive: false }), 'glue-build-00000000');
      await update(target({ skipArchive: false }), token, { expectedVersion: undefined });
      expect(glue.calls.map((c) => c.operation)).toEqual(['GetTable', 'UpdateTable', 'GetTable', 'UpdateTable']);
      glue.calls.length = 0;
      const careful = target({ skipArchive: false, writeUnread: false });
      const result = await update(careful, token, { expectedVersion: '5' });
      expect(glue.calls.map((c) => c.operation)).toEqual(['GetTable', 'UpdateTable']);
      expect(result.selfContained).toBeUndefined();
    });
  });

  it('reports a conflict when the table moves on again after the re-read', async () => {
    glue.put('ds_sales', ownedInput('Orders'), '3');
    const t = target();
    await t.readState(['ds_sales']);
    glue.intercept = (call, fake) => {
      if (call.operation === 'UpdateTable') fake.touch('ds_sales', 'orders', (table) => table);
      return undefined;
    };
    const write = t.write(request(t, { create: false, strategy: 'delta', facets: ['content'], hashes: H2 }));
    await expect(write).rejects.toThrow(GlueConflictError);
    await expect(write).rejects.toThrow(/conflict: ds_sales\.orders/);
    expect(glue.count('UpdateTable')).toBe(2);
  });

  it('rides out a throttling storm and a 5xx with the SDK retries, counting every attempt', async () => {
    glue.put('ds_sales', ownedInput('Other'));
    const t = target({ maxAttempts: 6 });
    await t.readState(['ds_sales']);
    let creates = 0;
    glue.intercept = (call) => {
      if (call.operation !== 'CreateTable') return undefined;
      creates += 1;
      if (creates <= 3) return glueError('ThrottlingException', 'Rate exceeded');
      if (creates === 4) return [500, { __type: 'InternalServiceException', message: 'oops' }];
      return undefined;
    };
    const result = await t.write(request(t));
    expect(result.ref).toEqual({ database: 'ds_sales', table: 'orders' });
    expect(glue.tables.get('ds_sales')?.has('orders')).toBe(true);
    const traffic = t.traffic();
    const body = JSON.stringify(glue.bodies('CreateTable')[0]);
    // Every attempt counted in full: its body, and its request line and signed headers (under 2 KB).
    const create = traffic.byOperation['CreateTable'];
    expect(create?.requests).toBe(5);
    expect(create?.bytesSent).toBeGreaterThan(5 * (utf8(body) + 500));
    expect(create?.bytesSent).toBeLessThan(5 * (utf8(body) + 2_000));
    expect(traffic.writes).toBe(5);
  });

  it('gives up after maxAttempts with an error that names the operation, the table and the attempts', async () => {
    glue.put('ds_sales', ownedInput('Other'));
    const t = target({ maxAttempts: 3 });
    await t.readState(['ds_sales']);
    glue.intercept = (call) => (call.operation === 'CreateTable' ? glueError('ThrottlingException', 'Rate exceeded') : undefined);
    await expect(t.write(request(t))).rejects.toThrow('CreateTable ds_sales.orders failed after 3 attempts: ThrottlingException: Rate exceeded');
    expect(glue.count('CreateTable')).toBe(3);
    // Error answers are counted too: each attempt's response, status line, headers and body, as received.
    const errorBody = JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' });
    const received = t.traffic().byOperation['CreateTable']?.bytesReceived ?? 0;
    expect(t.traffic().byOperation['CreateTable']?.requests).toBe(3);
    expect(received).toBeGreaterThan(3 * (utf8(errorBody) + 'HTTP/1.1 400 \r\n\r\n'.length));
    expect(received).toBeLessThan(3 * (utf8(errorBody) + 500));
  });

  it('when retries run out, that asset fails with a clear entry, the run goes on and ends partial (exit 3)', async () => {
    const t = target({ maxAttempts: 2 });
    glue.intercept = (call) => {
      const input = call.body['TableInput'] as GlueTableInput | undefined;
      return call.operation === 'CreateTable' && input?.Name === 'salesorders' ? glueError('ThrottlingException', 'Rate exceeded') : undefined;
    };
    const checkpoints = await openCheckpointStore({ dir: await tempDir(), sourceSystem: 'datasphere', flushEvery: 25, backups: { keep: 2, maxAgeDays: 0 } });
    const { summary } = await runSync(
      {
        job: 'nightly', spaces: [], mode: 'incremental', dryRun: false, force: false, concurrency: 4,
        change: { ignoreFields: [], normalizeWhitespace: true, caseSensitive: true },
        deletion: { policy: 'delete', maxCount: 50, maxPercent: 25 },
        conflictPolicy: 'source-wins',
      },
      { source: new CsnFilesSource({ path: CORPUS_CSN, space: 'SALES' }), target: t, checkpoints, logger: silentLogger },
    );
    expect(summary.status).toBe('partial'); // the CLI maps partial to exit code 3
    expect(summary.failed).toEqual([
      { assetId: 'SALES/SalesOrders', error: 'CreateTable ds_sales.salesorders failed after 2 attempts: ThrottlingException: Rate exceeded' },
    ]);
    expect(glue.tables.get('ds_sales')?.size).toBe(18);
    // 18 creates, whose version Glue does not tell: all read back (one listing of the database).
    expect(summary.verified).toEqual({ checked: 18, matched: 18, readBack: 18 });
    expect(checkpoints.get('SALES/SalesOrders')).toBeUndefined();
    expect(summary.traffic.target.byOperation['CreateTable']?.requests).toBe(18 + 2);
  });

  it('deletes 250 tables in 3 BatchDeleteTable calls and judges per-table errors one by one', async () => {
    const refs: TableRef[] = [];
    for (let i = 0; i < 250; i += 1) {
      glue.put('ds_sales', ownedInput(`T${String(i).padStart(3, '0')}`));
      refs.push({ database: 'ds_sales', table: `t${String(i).padStart(3, '0')}` });
    }
    glue.put('ds_sales', { Name: 'foreign', Parameters: { classification: 'csv' } });
    const t = target();
    await t.readState(['ds_sales']);
    glue.intercept = (call, fake) => {
      if (call.operation !== 'BatchDeleteTable') return undefined;
      const names = call.body['TablesToDelete'] as string[];
      if (!names.includes('t150')) return undefined;
      fake.tables.get('ds_sales')?.delete('t120'); // someone else deleted it first
      for (const name of names) if (name !== 't130') fake.tables.get('ds_sales')?.delete(name);
      const Errors = [
        { TableName: 't120', ErrorDetail: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'Table not found' } },
        { TableName: 't130', ErrorDetail: { ErrorCode: 'InternalServiceException', ErrorMessage: 'Internal error' } },
      ];
      return [200, { Errors }];
    };
    const outcomes = await t.delete([...refs, { database: 'ds_sales', table: 'foreign' }]);
    const sizes = glue.bodies('BatchDeleteTable').map((b) => (b['TablesToDelete'] as string[]).length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(outcomes).toHaveLength(251);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(249);
    expect(outcomes[120]).toEqual({ ref: refs[120], ok: true, alreadyGone: true });
    expect(outcomes[130]).toEqual({ ref: refs[130], ok: false, error: 'BatchDeleteTable ds_sales.t130: InternalServiceException: Internal error' });
    expect(outcomes[250]).toMatchObject({ ok: false, error: expect.stringContaining('refusing to delete ds_sales.foreign') });
    expect([...(glue.tables.get('ds_sales')?.keys() ?? [])].sort()).toEqual(['foreign', 't130']);
    expect(t.traffic().byOperation['BatchDeleteTable']?.requests).toBe(3);
  });

  it('a BatchDeleteTable call that fails outright fails only its own chunk', async () => {
    for (let i = 0; i < 150; i += 1) glue.put('ds_sales', ownedInput(`T${String(i).padStart(3, '0')}`));
    const t = target({ maxAttempts: 1 });
    glue.intercept = (call) =>
      call.operation === 'BatchDeleteTable' && (call.body['TablesToDelete'] as string[]).includes('t000') ? glueError('AccessDeniedException', 'no') : undefined;
    const refs = Array.from({ length: 150 }, (_, i) => ({ database: 'ds_sales', table: `t${String(i).padStart(3, '0')}` }));
    const outcomes = await t.delete(refs);
    expect(outcomes.slice(0, 100).every((o) => !o.ok && /AccessDeniedException/.test(o.error ?? ''))).toBe(true);
    expect(outcomes.slice(100).every((o) => o.ok)).toBe(true);
  });

  it('keeps names, descriptions, comments and parameters within Glue limits, with a warning for each cut', async () => {
    const longName = `Sales_${'Ä'.repeat(300)}`;
    const asset = makeAsset({
      technicalName: longName,
      description: `${'Beschreibung mit Umlauten äöü. '.repeat(100)}\r\nzweite Zeile`,
      columns: [
        { name: 'ID', type: { name: 'cds.Integer' }, nullable: false, key: true, label: `Line one\nline two ${'x'.repeat(400)}` },
      ],
      customProperties: { [`k${'e'.repeat(300)}`]: 'v' },
    });
    const t = target({ databaseDescription: `Space {space}: ${'d'.repeat(3000)}` });
    await t.readState(['ds_sales']);
    const result = await t.write(request(t, { asset }));
    const body = glue.bodies('CreateTable')[0] as { TableInput: GlueTableInput };
    const input = body.TableInput;
    expect(input.Name).toBe(result.ref.table);
    expect(utf8(input.Name)).toBeLessThanOrEqual(255);
    expect(input.Name).toBe(input.Name.toLowerCase());
    expect(utf8(input.Description ?? '')).toBeLessThanOrEqual(2048);
    const comment = input.StorageDescriptor?.Columns?.[0]?.Comment ?? '';
    expect(utf8(comment)).toBeLessThanOrEqual(255);
    expect(comment).not.toMatch(/[\r\n]/);
    for (const key of Object.keys(input.Parameters ?? {})) expect(utf8(key)).toBeLessThanOrEqual(255);
    expect(input.Parameters?.['datasphere.description']).toContain('zweite Zeile');
    expect(input.StorageDescriptor?.Columns?.[0]?.Parameters?.['datasphere.comment']).toContain('line two');

    const database = glue.bodies('CreateDatabase')[0] as { DatabaseInput: { Description: string; Parameters: Record<string, string> } };
    expect(database.DatabaseInput.Description.startsWith('Space SALES: ddd')).toBe(true);
    expect(utf8(database.DatabaseInput.Description)).toBeLessThanOrEqual(2048);
    expect(database.DatabaseInput.Parameters).toEqual({ 'catalog_sync.owner': 'nightly', 'datasphere.space': 'SALES' });
    expect(result.warnings.join('\n')).toMatch(/description cut from \d+ to 2048 bytes/);
    expect(result.warnings.join('\n')).toMatch(/comment cut from \d+ to 255 bytes/);
    expect(result.warnings.join('\n')).toMatch(/database ds_sales: description cut/);
    expect(result.warnings.join('\n')).toMatch(/parameter key .* cut to 255 bytes/);
  });

  it('refuses names Glue would fold, cut or reject, before sending anything', async () => {
    const t = target();
    const asset = makeAsset();
    for (const ref of [
      { database: 'ds_sales', table: 'Orders' },
      { database: 'ds_sales', table: 'x'.repeat(256) },
      { database: 'ds_sales', table: 'a\nb' },
      { database: '', table: 'orders' },
    ]) {
      await expect(t.write(request(t, { asset, ref }))).rejects.toThrow(InvalidGlueNameError);
      await expect(t.deprecate(ref, '2025-01-01T00:00:00Z')).rejects.toThrow(InvalidGlueNameError);
      expect((await t.delete([ref]))[0]).toMatchObject({ ok: false, error: expect.stringMatching(/name/) });
    }
    await expect(t.readState(['DS_SALES'])).rejects.toThrow(/not lowercase/);
    expect(glue.calls).toEqual([]);
  });

  it('creates a missing database once for concurrent writes, and asks first when it has not listed it', async () => {
    const t = target();
    await t.readState(['ds_sales']);
    await Promise.all(['A', 'B', 'C', 'D'].map((name) => t.write(request(t, { asset: makeAsset({ technicalName: name }) }))));
    expect(glue.count('CreateDatabase')).toBe(1);
    expect(glue.count('GetDatabase')).toBe(0);
    expect(glue.count('CreateTable')).toBe(4);

    const fresh = target();
    await fresh.write(request(fresh, { asset: makeAsset({ technicalName: 'E' }) }));
    expect(glue.count('GetDatabase')).toBe(1);
    expect(glue.count('CreateDatabase')).toBe(1);
  });

  it('deprecates through UpdateTable at the version read, keeping the table as it is', async () => {
    const input = { ...ownedInput('Orders'), StorageDescriptor: { ...ownedInput('Orders').StorageDescriptor, Location: 's3://lake/o/' } };
    glue.put('ds_sales', input, '2');
    const t = target();
    await t.readState(['ds_sales']);
    const result = await t.deprecate({ database: 'ds_sales', table: 'orders' }, '2025-06-01T00:00:00.000Z');
    const update = glue.bodies('UpdateTable')[0] as { VersionId: string; TableInput: GlueTableInput };
    expect(update.VersionId).toBe('2');
    expect(update.TableInput).toEqual({ ...input, Parameters: { ...input.Parameters, 'catalog_sync.deprecated_at': '2025-06-01T00:00:00.000Z' } });
    expect(result.version).toBe('3');
    expect(glue.tables.get('ds_sales')?.get('orders')?.VersionId).toBe('3');
  });
});
