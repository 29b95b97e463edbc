import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AssetHashes } from '../../../src/catalog/hashes.ts';
import { spaceLabelling } from '../../../src/catalog/space-labels.ts';
import type { WriteRequest } from '../../../src/catalog/target.ts';
import type { GlueTarget } from '../../../src/connectors/glue/glue-target.ts';
import { loadMapping } from '../../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../../src/mapping/load-mapping.ts';
import { testGlueTarget, useDummyAwsCredentials } from '../../setup/glue-test-support.ts';
import { makeAsset } from '../../support/make-asset.ts';
import { fakeGlue, glueError, NOCK_ENDPOINT, stopFakeGlue } from './nock-glue.ts';
import type { FakeGlue } from './nock-glue.ts';

const H1: AssetHashes = { content: 'c1', schema: 's1', metadata: 'm1' };
const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

let mapping: Mapping;
let glue: FakeGlue;
const targets: GlueTarget[] = [];

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
  // The fake's UpdateDatabase: the input replaces the definition, as Glue's does.
  glue.intercept = (call, fake) => {
    if (call.operation !== 'UpdateDatabase') return undefined;
    const name = String(call.body['Name']);
    if (!fake.databases.has(name)) return glueError('EntityNotFoundException');
    fake.databases.set(name, call.body['DatabaseInput'] as Record<string, unknown>);
    return [200, {}];
  };
});
afterEach(async () => {
  for (const t of targets.splice(0)) await t.close();
  stopFakeGlue();
});

function target(options: { databaseDescription?: string } = {}): GlueTarget {
  const t = testGlueTarget({ endpoint: NOCK_ENDPOINT, mapping, maxAttempts: 1, ...options });
  targets.push(t);
  return t;
}

function request(t: GlueTarget): WriteRequest {
  const asset = makeAsset();
  return { asset, ref: t.resolve(asset), strategy: 'full', facets: ['content', 'schema', 'metadata'], hashes: H1, create: true };
}

/** A database this job created, as Lake Formation and others may have left it. */
const ours = {
  Name: 'ds_sales',
  Description: 'SAP Datasphere space Sales (SALES)',
  LocationUri: 's3://lake/sales/',
  Parameters: { 'catalog_sync.owner': 'nightly', 'datasphere.space': 'SALES', steward: 'ann' },
  CreateTableDefaultPermissions: [{ Principal: { DataLakePrincipalIdentifier: 'IAM_ALLOWED_PRINCIPALS' }, Permissions: ['ALL'] }],
};

describe('GlueTarget: database Descriptions from space labels (Glue JSON protocol)', () => {
  it('updates a database of this job with everything else it holds sent back as it was read', async () => {
    glue.databases.set('ds_sales', structuredClone(ours));
    const change = { database: 'ds_sales', space: 'SALES', from: 'SAP Datasphere space Sales (SALES)', to: 'SAP Datasphere space Sales & Distribution (SALES)' };
    // A preview (plan, --dry-run) reads and says what would change, and sends no update.
    expect(await target().labelSpaces(new Map([['SALES', 'Sales & Distribution']]), { preview: true })).toEqual({ changes: [change], warnings: [] });
    expect(glue.calls.map((c) => c.operation)).toEqual(['GetDatabase']);
    glue.calls.length = 0;

    const t = target();
    expect(spaceLabelling(t)).toBeDefined();
    expect(await t.labelSpaces(new Map([['SALES', 'Sales & Distribution']]))).toEqual({ changes: [change], warnings: [] });
    expect(glue.calls.map((c) => c.operation)).toEqual(['GetDatabase', 'UpdateDatabase']);
    expect(glue.bodies('UpdateDatabase')[0]).toEqual({
      Name: 'ds_sales',
      DatabaseInput: { ...ours, Description: 'SAP Datasphere space Sales & Distribution (SALES)' },
    });
  });

  it('makes no UpdateDatabase when the Description already says it, or for a database that is not ours', async () => {
    glue.databases.set('ds_sales', structuredClone(ours));
    glue.databases.set('ds_hr', { Name: 'ds_hr', Description: 'HR, curated by hand', Parameters: { team: 'people' } });
    const t = target();
    expect(await t.labelSpaces(new Map([['SALES', 'Sales'], ['HR', 'People']]))).toEqual({ changes: [], warnings: [] });
    expect(glue.count('GetDatabase')).toBe(2);
    expect(glue.count('UpdateDatabase')).toBe(0);
  });

  it('creates a missing database with the label, learning from its one GetDatabase that it is missing', async () => {
    const t = target();
    await t.labelSpaces(new Map([['SALES', 'Sales & Distribution']]));
    await t.write(request(t));
    expect(glue.count('GetDatabase')).toBe(1);
    expect(glue.bodies('CreateDatabase')).toEqual([
      { DatabaseInput: { Name: 'ds_sales', Description: 'SAP Datasphere space Sales & Distribution (SALES)', Parameters: { 'catalog_sync.owner': 'nightly', 'datasphere.space': 'SALES' } } },
    ]);
  });

  it('a configured template says {label} and {space}; a label too long for Glue is cut to 2048 bytes with a warning', async () => {
    glue.databases.set('ds_sales', structuredClone(ours));
    const t = target({ databaseDescription: 'Space {label} ({space}) — kept in step by catalog-sync' });
    const outcome = await t.labelSpaces(new Map([['SALES', 'é'.repeat(1100)]]));
    expect(outcome.changes.map((c) => c.database)).toEqual(['ds_sales']);
    expect(outcome.warnings).toEqual([expect.stringMatching(/^database ds_sales: description cut from \d+ to 2048 bytes/)]);
    const sent = (glue.bodies('UpdateDatabase')[0]?.['DatabaseInput'] as { Description: string }).Description;
    expect(utf8(sent)).toBeLessThanOrEqual(2048);
    expect(sent.startsWith('Space ééé')).toBe(true);
    // What Glue stores is what the next run compares with: no second update for the same label.
    glue.calls.length = 0;
    await target({ databaseDescription: 'Space {label} ({space}) — kept in step by catalog-sync' }).labelSpaces(new Map([['SALES', 'é'.repeat(1100)]]));
    expect(glue.calls.map((c) => c.operation)).toEqual(['GetDatabase']);
  });

  it('a database it may not update, or cannot read, is a warning, and the others are still labelled', async () => {
    glue.databases.set('ds_sales', structuredClone(ours));
    glue.databases.set('ds_hr', { Name: 'ds_hr', Parameters: { 'catalog_sync.owner': 'nightly' } });
    glue.databases.set('ds_fin', { Name: 'ds_fin', Parameters: { 'catalog_sync.owner': 'nightly' } });
    const base = glue.intercept;
    glue.intercept = (call, fake) => {
      if (call.operation === 'UpdateDatabase' && call.body['Name'] === 'ds_hr') return glueError('AccessDeniedException', 'not authorized to perform: glue:UpdateDatabase');
      if (call.operation === 'GetDatabase' && call.body['Name'] === 'ds_fin') return glueError('AccessDeniedException', 'not authorized to perform: glue:GetDatabase');
      return base?.(call, fake);
    };
    const outcome = await target().labelSpaces(new Map([['SALES', 'Sales & Distribution'], ['HR', 'People'], ['FIN', 'Finance']]));
    expect(outcome.changes.map((c) => c.database)).toEqual(['ds_sales']);
    expect(outcome.warnings.sort()).toEqual([
      expect.stringMatching(/^database ds_fin: could not read it .*space FIN: .*AccessDeniedException/),
      expect.stringMatching(/^database ds_hr: could not update its Description .*space HR: .*AccessDeniedException/),
    ]);
    expect(glue.databases.get('ds_sales')?.['Description']).toBe('SAP Datasphere space Sales & Distribution (SALES)');
  });
});
