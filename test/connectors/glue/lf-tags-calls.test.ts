import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Asset } from '../../../src/catalog/asset.ts';
import type { AssetTags, TagRequest } from '../../../src/catalog/resource-tags.ts';
import { emptyTraffic } from '../../../src/catalog/traffic.ts';
import { LfTagging } from '../../../src/connectors/glue/lf-tagging.ts';
import { LF_TAGS_PARAMETER } from '../../../src/connectors/glue/lf-tags-record.ts';
import type { GlueTable } from '../../../src/mapping/glue-table.ts';
import { fastRetryStrategy, useDummyAwsCredentials } from '../../setup/glue-test-support.ts';
import { makeAsset } from '../../support/make-asset.ts';

/*
 * Lake Formation as it behaves (and as moto does not: there AddLFTagsToResource replaces a resource's whole list),
 * on its REST-JSON protocol (POST /<Operation>), served by nock: what the Glue target's LF-Tags send, in which order,
 * and that a key it does not manage is never in a request.
 */
const ENDPOINT = 'http://lakeformation.nock.test';

type Tags = Record<string, string>;
interface Call {
  operation: string;
  body: Record<string, unknown>;
}

/** Lake Formation's state: definitions, and tags per resource (`db`, `db.table`, `db.table#column`). */
class FakeLakeFormation {
  readonly definitions = new Map<string, Set<string>>();
  readonly tags = new Map<string, Tags>();
  readonly calls: Call[] = [];
  /** Per operation, errors to answer before the real answer (ThrottlingException, say). */
  readonly faults = new Map<string, Array<[number, string]>>();

  operations(): string[] {
    return this.calls.map((c) => c.operation);
  }

  bodies(operation: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.operation === operation).map((c) => c.body);
  }

  handle(operation: string, body: Record<string, unknown>): [number, unknown, Record<string, string>?] {
    this.calls.push({ operation, body });
    const fault = this.faults.get(operation)?.shift();
    if (fault) return error(fault[0], fault[1]);
    switch (operation) {
      case 'GetLFTag': {
        const values = this.definitions.get(String(body['TagKey']));
        return values ? [200, { TagKey: body['TagKey'], TagValues: [...values] }] : error(400, 'EntityNotFoundException');
      }
      case 'CreateLFTag':
        if (this.definitions.has(String(body['TagKey']))) return error(400, 'AlreadyExistsException');
        this.definitions.set(String(body['TagKey']), new Set(body['TagValues'] as string[]));
        return [200, {}];
      case 'UpdateLFTag':
        for (const value of (body['TagValuesToAdd'] as string[]) ?? []) this.definitions.get(String(body['TagKey']))?.add(value);
        return [200, {}];
      case 'GetResourceLFTags': {
        const resource = body['Resource'] as Resource;
        if (resource.Database) return [200, { LFTagOnDatabase: pairs(this.tags.get(resource.Database.Name)) }];
        if (resource.Table) return [200, { LFTagsOnTable: pairs(this.tags.get(`${resource.Table.DatabaseName}.${resource.Table.Name}`)) }];
        const t = resource.TableWithColumns!;
        const columns = t.ColumnNames.map((c) => ({ Name: c, LFTags: pairs(this.tags.get(`${t.DatabaseName}.${t.Name}#${c}`)) })).filter((c) => c.LFTags.length > 0);
        return [200, { LFTagsOnColumns: columns }];
      }
      case 'AddLFTagsToResource':
      case 'RemoveLFTagsFromResource': {
        const failures = [];
        for (const key of resourceKeys(body['Resource'] as Resource)) {
          const tags = { ...this.tags.get(key) };
          for (const pair of body['LFTags'] as Array<{ TagKey: string; TagValues: string[] }>) {
            const value = pair.TagValues[0]!;
            if (operation === 'RemoveLFTagsFromResource') {
              delete tags[pair.TagKey];
            } else if (!this.definitions.get(pair.TagKey)?.has(value)) {
              failures.push({ LFTag: pair, Error: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'Tag or tag value does not exist.' } });
            } else {
              // Lake Formation: one value per key on a resource; assigning another replaces it, other keys stay.
              tags[pair.TagKey] = value;
            }
          }
          this.tags.set(key, tags);
        }
        return [200, { Failures: failures }];
      }
      default:
        return error(400, 'InvalidInputException');
    }
  }
}

interface Resource {
  Database?: { Name: string };
  Table?: { DatabaseName: string; Name: string };
  TableWithColumns?: { DatabaseName: string; Name: string; ColumnNames: string[] };
}

function resourceKeys(resource: Resource): string[] {
  if (resource.Database) return [resource.Database.Name];
  if (resource.Table) return [`${resource.Table.DatabaseName}.${resource.Table.Name}`];
  const t = resource.TableWithColumns!;
  return t.ColumnNames.map((c) => `${t.DatabaseName}.${t.Name}#${c}`);
}

function pairs(tags: Tags | undefined) {
  return Object.entries(tags ?? {}).map(([TagKey, value]) => ({ TagKey, TagValues: [value] }));
}

function error(status: number, type: string): [number, unknown, Record<string, string>] {
  return [status, { __type: type, message: type }, { 'x-amzn-errortype': type }];
}

let lf: FakeLakeFormation;
beforeEach(() => {
  useDummyAwsCredentials();
  lf = new FakeLakeFormation();
  nock(ENDPOINT)
    .persist()
    .post(/^\/[A-Za-z]+$/)
    .reply(function (uri, body) {
      const [status, reply, headers] = lf.handle(uri.slice(1), body as Record<string, unknown>);
      return [status, JSON.stringify(reply), { 'content-type': 'application/json', ...headers }];
    });
});
afterEach(() => {
  nock.cleanAll();
});

const REF = { database: 'ds_sales', table: 'orders' };
const KEYS = { database: ['ds_space'], table: ['ds_pattern'], column: ['ds_role', 'ds_sem'] };

/** The table as Glue holds it: our columns, and the record of what this job tagged before (none: never tagged). */
function glueTable(recorded: AssetTags['keys'] | undefined): GlueTable {
  return {
    Name: REF.table,
    DatabaseName: REF.database,
    StorageDescriptor: { Columns: [{ Name: 'id' }, { Name: 'amount' }, { Name: 'currency' }] },
    Parameters: recorded ? { [LF_TAGS_PARAMETER]: JSON.stringify({ digest: 'earlier', keys: recorded }) } : {},
  };
}

function tagged(tags: Omit<AssetTags, 'keys'>): Asset {
  const asset = makeAsset();
  return { ...asset, businessContext: { ...asset.businessContext, lfTags: { keys: KEYS, ...tags } } };
}

function tagging(table: GlueTable | undefined): LfTagging {
  return new LfTagging({
    client: { region: 'us-east-1', endpoint: ENDPOINT, maxAttempts: 3, retryStrategy: fastRetryStrategy(3) },
    traffic: emptyTraffic(),
    maxConcurrency: 2,
    currentTable: async () => table,
    columnNames: (asset) => new Map(asset.columns.map((c) => [c.name, c.name.toLowerCase()])),
  });
}

const request = (asset: Asset): TagRequest => ({ asset, ref: REF, force: false });

describe('LF-Tag calls of the Glue target (Lake Formation semantics, on the wire)', () => {
  it("changes a column's value with one AddLFTagsToResource of this job's keys only; others' keys are never sent and stay", async () => {
    for (const [key, values] of Object.entries({ ds_space: ['sales'], ds_pattern: ['fact'], ds_role: ['dimension', 'measure', 'attribute'], pii: ['yes'], team: ['finance'] })) {
      lf.definitions.set(key, new Set(values));
    }
    lf.tags.set('ds_sales', { ds_space: 'sales' });
    lf.tags.set('ds_sales.orders', { ds_pattern: 'fact', team: 'finance' });
    lf.tags.set('ds_sales.orders#amount', { ds_role: 'dimension', pii: 'yes' });
    lf.tags.set('ds_sales.orders#id', { ds_role: 'attribute' });
    const asset = tagged({ database: { ds_space: 'sales' }, table: { ds_pattern: 'fact' }, columns: { ID: { ds_role: 'attribute' }, AMOUNT: { ds_role: 'measure' } } });
    const lfTags = tagging(glueTable({ database: ['ds_space'], table: ['ds_pattern'], column: ['ds_role'] }));

    const changes = await lfTags.plan(request(asset));
    expect(changes).toEqual([{ resource: 'column', name: 'amount', key: 'ds_role', kind: 'changed', before: 'dimension', after: 'measure' }]);
    expect(await lfTags.apply(request(asset))).toBe(1);

    expect(lf.bodies('AddLFTagsToResource')).toEqual([
      { Resource: { TableWithColumns: { DatabaseName: 'ds_sales', Name: 'orders', ColumnNames: ['amount'] } }, LFTags: [{ TagKey: 'ds_role', TagValues: ['measure'] }] },
    ]);
    expect(lf.operations()).not.toContain('RemoveLFTagsFromResource');
    expect(JSON.stringify(lf.calls)).not.toMatch(/pii|team/);
    expect(lf.tags.get('ds_sales.orders#amount')).toEqual({ ds_role: 'measure', pii: 'yes' });
    expect(lf.tags.get('ds_sales.orders')).toEqual({ ds_pattern: 'fact', team: 'finance' });
  });

  it('makes its calls in order — read, define, remove, add — and a resource it never tagged is not read', async () => {
    lf.definitions.set('ds_role', new Set(['dimension']));
    lf.tags.set('ds_sales.orders#currency', { ds_role: 'attribute', ds_sem: 'currencycode' });
    const asset = tagged({
      database: { ds_space: 'sales' },
      table: { ds_pattern: 'fact' },
      columns: { ID: { ds_role: 'attribute' }, AMOUNT: { ds_role: 'attribute' }, CURRENCY: { ds_role: 'attribute' } },
    });
    // Only columns were tagged before: the table and the database are taken as carrying none of our keys.
    const lfTags = tagging(glueTable({ database: [], table: [], column: ['ds_role', 'ds_sem'] }));
    const changes = await lfTags.plan(request(asset));
    expect(changes.map((c) => `${c.kind} ${c.resource} ${c.name} ${c.key}`)).toEqual([
      'added database ds_sales ds_space',
      'added table orders ds_pattern',
      'added column amount ds_role',
      'removed column currency ds_sem',
      'added column id ds_role',
    ]);
    expect(await lfTags.definitions(changes)).toEqual([
      { key: 'ds_pattern', create: true, values: ['fact'] },
      { key: 'ds_role', create: false, values: ['attribute'] },
      { key: 'ds_space', create: true, values: ['sales'] },
    ]);
    await lfTags.apply(request(asset));

    expect(lf.operations()).toEqual([
      'GetResourceLFTags',
      'GetLFTag',
      'GetLFTag',
      'GetLFTag',
      'CreateLFTag',
      'UpdateLFTag',
      'CreateLFTag',
      'RemoveLFTagsFromResource',
      'AddLFTagsToResource',
      'AddLFTagsToResource',
      'AddLFTagsToResource',
    ]);
    expect(lf.bodies('GetResourceLFTags')).toEqual([
      { Resource: { TableWithColumns: { DatabaseName: 'ds_sales', Name: 'orders', ColumnNames: ['id', 'amount', 'currency'] } }, ShowAssignedLFTags: true },
    ]);
    expect(lf.bodies('RemoveLFTagsFromResource')).toEqual([
      { Resource: { TableWithColumns: { DatabaseName: 'ds_sales', Name: 'orders', ColumnNames: ['currency'] } }, LFTags: [{ TagKey: 'ds_sem', TagValues: ['currencycode'] }] },
    ]);
    // Database, then table, then columns; columns wanting the same tags share one call.
    expect(lf.bodies('AddLFTagsToResource').map((b) => b['Resource'])).toEqual([
      { Database: { Name: 'ds_sales' } },
      { Table: { DatabaseName: 'ds_sales', Name: 'orders' } },
      { TableWithColumns: { DatabaseName: 'ds_sales', Name: 'orders', ColumnNames: ['amount', 'id'] } },
    ]);
    expect(lf.tags.get('ds_sales')).toEqual({ ds_space: 'sales' });
    expect(lf.tags.get('ds_sales.orders#currency')).toEqual({ ds_role: 'attribute' });
    expect(lf.tags.get('ds_sales.orders#amount')).toEqual({ ds_role: 'attribute' });
  });

  it("throttling is retried by the SDK; a tag Lake Formation refuses in the body fails the table's tags", async () => {
    lf.faults.set('GetLFTag', [
      [400, 'ThrottlingException'],
      [400, 'ThrottlingException'],
    ]);
    const asset = tagged({ database: {}, table: { ds_pattern: 'fact' }, columns: {} });
    const lfTags = tagging(undefined);
    await lfTags.plan(request(asset));
    await lfTags.apply(request(asset));
    expect(lf.operations().filter((op) => op === 'GetLFTag')).toHaveLength(3);
    expect(lf.tags.get('ds_sales.orders')).toEqual({ ds_pattern: 'fact' });

    // A definition someone deleted between our read and our write: the body says so, and the call is an error.
    const again = tagging(undefined);
    const other = tagged({ database: {}, table: { ds_pattern: 'dimension' }, columns: {} });
    await again.plan(request(other));
    lf.definitions.get('ds_pattern')?.add('dimension');
    const original = lf.handle.bind(lf);
    lf.handle = (operation, body) => {
      if (operation === 'AddLFTagsToResource') lf.definitions.get('ds_pattern')?.delete('dimension');
      return original(operation, body);
    };
    await expect(again.apply(request(other))).rejects.toThrow(/AddLFTagsToResource table ds_sales\.orders failed: EntityNotFoundException: ds_pattern=dimension/);
  });
});
