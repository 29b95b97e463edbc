import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AssetHashes } from '../../../src/catalog/hashes.ts';
import type { WriteRequest } from '../../../src/catalog/target.ts';
import type { GlueTarget } from '../../../src/connectors/glue/glue-target.ts';
import { versionsToPrune } from '../../../src/connectors/glue/glue-table-versions.ts';
import { buildTableInput } from '../../../src/mapping/build-table-input.ts';
import type { GlueTableInput } from '../../../src/mapping/glue-table.ts';
import { loadMapping } from '../../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../../src/mapping/load-mapping.ts';
import { testGlueTarget, useDummyAwsCredentials } from '../../setup/glue-test-support.ts';
import { makeAsset } from '../../support/make-asset.ts';
import { fakeGlue, glueError, NOCK_ENDPOINT, stopFakeGlue } from './nock-glue.ts';
import type { FakeGlue } from './nock-glue.ts';

const H1: AssetHashes = { content: 'c1', schema: 's1', metadata: 'm1' };
const H2: AssetHashes = { content: 'c2', schema: 's1', metadata: 'm1' };

let mapping: Mapping;
let glue: FakeGlue;
let dir: string;
const targets: GlueTarget[] = [];

beforeAll(async () => {
  useDummyAwsCredentials();
  mapping = await loadMapping();
  nock.disableNetConnect();
});
afterAll(() => {
  nock.enableNetConnect();
});
beforeEach(async () => {
  glue = fakeGlue();
  dir = await mkdtemp(join(tmpdir(), 'glue-versions-'));
});
afterEach(async () => {
  for (const t of targets.splice(0)) await t.close();
  stopFakeGlue();
  await rm(dir, { recursive: true, force: true });
});

function target(options: { keepVersions?: number; skipArchive?: boolean } = {}): GlueTarget {
  const t = testGlueTarget({ endpoint: NOCK_ENDPOINT, mapping, skipArchive: false, deletedArchiveDir: join(dir, 'deleted'), ...options });
  targets.push(t);
  return t;
}

function ownedInput(name: string, hashes = H1): GlueTableInput {
  return buildTableInput(makeAsset({ technicalName: name }), { job: 'nightly', hashes, databasePrefix: 'ds_', mapping }).input;
}

function update(t: GlueTarget, expectedVersion?: string): WriteRequest {
  const asset = makeAsset({ technicalName: 'T', description: 'new' });
  return { asset, ref: t.resolve(asset), strategy: 'delta', facets: ['content'], hashes: H2, create: false, ...(expectedVersion ? { expectedVersion } : {}) };
}

/** BatchDeleteTableVersion and GetTableVersion, which the shared fake does not serve. */
function serveVersions(versions: Map<string, GlueTableInput>, missing: Set<string> = new Set()): void {
  glue.intercept = (call) => {
    if (call.operation === 'BatchDeleteTableVersion') {
      const Errors = (call.body['VersionIds'] as string[])
        .filter((v) => missing.has(v))
        .map((v) => ({ TableName: call.body['TableName'], VersionId: v, ErrorDetail: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'Version not found' } }));
      return [200, Errors.length > 0 ? { Errors } : {}];
    }
    if (call.operation === 'GetTableVersion') {
      const table = versions.get(String(call.body['VersionId']));
      if (!table) return glueError('EntityNotFoundException', 'Version not found');
      return [200, { TableVersion: { Table: { ...table, DatabaseName: call.body['DatabaseName'] }, VersionId: call.body['VersionId'] } }];
    }
    return undefined;
  };
}

describe('Glue table versions', () => {
  it('prunes exactly the versions beyond keepVersions that the last prune left: no listing, at most 100 ids', () => {
    expect(versionsToPrune(undefined, '5', 10)).toEqual([]);
    expect(versionsToPrune(undefined, '11', 10)).toEqual(['1']);
    expect(versionsToPrune('10', '11', 10)).toEqual(['1']);
    // Two writes by someone else since our last one (ours produced 20; now 22 → 23): three to go.
    expect(versionsToPrune('20', '23', 10)).toEqual(['11', '12', '13']);
    expect(versionsToPrune('0', '500', 10)).toHaveLength(100);
    expect(versionsToPrune('0', '500', 10).at(-1)).toBe('490');
    expect(versionsToPrune(undefined, 'not-a-number', 10)).toEqual([]);
  });

  it('after an archiving update, deletes old versions with BatchDeleteTableVersion; a version already gone is no warning', async () => {
    glue.put('ds_sales', ownedInput('T'), '12');
    serveVersions(new Map(), new Set(['2']));
    const t = target({ keepVersions: 10 });
    await t.readState(['ds_sales']);
    const result = await t.write(update(t, '11'));
    expect(result.version).toBe('13');
    expect(glue.bodies('BatchDeleteTableVersion')).toEqual([{ DatabaseName: 'ds_sales', TableName: 't', VersionIds: ['2', '3'] }]);
    expect(result.warnings).toEqual([]);
  });

  it('a failed prune is a warning on the write, never a failure; SkipArchive keeps no version and prunes none', async () => {
    glue.put('ds_sales', ownedInput('T'), '40');
    glue.intercept = (call) => (call.operation === 'BatchDeleteTableVersion' ? glueError('AccessDeniedException', 'no glue:BatchDeleteTableVersion') : undefined);
    const t = target({ keepVersions: 10 });
    await t.readState(['ds_sales']);
    const result = await t.write(update(t, '40'));
    expect(result.version).toBe('41');
    expect(result.warnings).toEqual([expect.stringMatching(/ds_sales\.t: could not delete old table versions: .*AccessDeniedException/)]);

    const skipping = target({ skipArchive: true });
    await skipping.readState(['ds_sales']);
    await skipping.write(update(skipping, '41'));
    expect(glue.count('BatchDeleteTableVersion')).toBe(1);
  });

  it('reads a version back, archives what it deletes, and restores either (UpdateTable, or CreateTable for a deleted table)', async () => {
    const v3 = ownedInput('T');
    glue.put('ds_sales', ownedInput('T', H2), '4');
    serveVersions(new Map([['3', v3]]));
    const t = target();
    expect(await t.readVersion({ database: 'ds_sales', table: 't' }, '3')).toMatchObject({ Name: 't', VersionId: '3', Parameters: expect.objectContaining({ 'catalog_sync.hash.content': 'c1' }) });
    expect(await t.readVersion({ database: 'ds_sales', table: 't' }, '2')).toBeUndefined();

    const restored = await t.restoreVersion({ database: 'ds_sales', table: 't' }, (await t.readVersion({ database: 'ds_sales', table: 't' }, '3'))!);
    expect(restored.version).toBe('5');
    expect(glue.bodies('UpdateTable').at(-1)).toMatchObject({ VersionId: '4', SkipArchive: false, TableInput: { Name: 't' } });
    expect(glue.tables.get('ds_sales')?.get('t')?.Parameters?.['catalog_sync.hash.content']).toBe('c1');

    await t.readState(['ds_sales']);
    expect(await t.delete([{ database: 'ds_sales', table: 't' }])).toEqual([{ ref: { database: 'ds_sales', table: 't' }, ok: true }]);
    const archived = JSON.parse(await readFile(join(dir, 'deleted', 'ds_sales', 't', '5.json'), 'utf8'));
    expect(archived.Parameters['catalog_sync.hash.content']).toBe('c1');
    const back = await t.readVersion({ database: 'ds_sales', table: 't' }, '5');
    expect(back).toMatchObject({ Name: 't', VersionId: '5' });
    await t.restoreVersion({ database: 'ds_sales', table: 't' }, back!);
    expect(glue.bodies('CreateTable').at(-1)).toMatchObject({ DatabaseName: 'ds_sales', TableInput: { Name: 't' } });
    expect(glue.tables.get('ds_sales')?.has('t')).toBe(true);
  });

  it('refuses to restore a definition without our marker, or over a table that is no longer ours', async () => {
    const t = target();
    const foreign = { ...ownedInput('T'), Parameters: { owner: 'someone' } };
    await expect(t.restoreVersion({ database: 'ds_sales', table: 't' }, foreign)).rejects.toThrow(/refusing to update ds_sales\.t: it carries no ownership marker/);
    glue.put('ds_sales', { ...ownedInput('T'), Parameters: { 'catalog_sync.owner': 'other-job' } }, '2');
    await expect(t.restoreVersion({ database: 'ds_sales', table: 't' }, { ...ownedInput('T') })).rejects.toThrow(/owned by job "other-job"/);
    expect(glue.count('UpdateTable') + glue.count('CreateTable')).toBe(0);
  });
});
