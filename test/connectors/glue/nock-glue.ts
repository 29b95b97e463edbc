import nock from 'nock';
import type { GlueTable, GlueTableInput } from '../../../src/mapping/glue-table.ts';

/**
 * A small Glue on the JSON protocol (POST / with `X-Amz-Target: AWSGlue.<Operation>`), served by nock, for the
 * rules moto does not model: GetTables pages of MaxResults with NextToken, VersionId checks on UpdateTable
 * (ConcurrentModificationException), VersionIds starting at "0" as in Glue. `intercept` injects faults: return a
 * reply to send instead of the normal one.
 */
export const NOCK_ENDPOINT = 'http://glue.nock.test';

export interface GlueCall {
  operation: string;
  body: Record<string, unknown>;
}

export type Reply = [status: number, body: Record<string, unknown>];

export interface FakeGlue {
  calls: GlueCall[];
  databases: Map<string, Record<string, unknown>>;
  /** database → table name → stored table */
  tables: Map<string, Map<string, GlueTable>>;
  intercept?: (call: GlueCall, fake: FakeGlue) => Reply | undefined;
  count(operation: string): number;
  bodies(operation: string): Record<string, unknown>[];
  put(database: string, input: GlueTableInput, versionId?: string): GlueTable;
  /** Another writer changes a stored table: the version moves on. */
  touch(database: string, table: string, change: (t: GlueTable) => GlueTable): void;
}

export const glueError = (type: string, message = type): Reply => [400, { __type: type, message }];

function handle(fake: FakeGlue, call: GlueCall): Reply {
  const b = call.body;
  const str = (key: string): string => String(b[key] ?? '');
  const db = (name: string) => fake.tables.get(name);
  switch (call.operation) {
    case 'GetTables': {
      const tables = db(str('DatabaseName'));
      if (!tables) return glueError('EntityNotFoundException', `Database ${str('DatabaseName')} not found.`);
      const all = [...tables.values()].sort((x, y) => (x.Name < y.Name ? -1 : 1));
      const start = Number(b['NextToken'] ?? 0);
      const size = Math.min(Number(b['MaxResults'] ?? 100), 100);
      const page = all.slice(start, start + size);
      const next = start + size < all.length ? { NextToken: String(start + size) } : {};
      return [200, { TableList: page, ...next }];
    }
    case 'GetTable': {
      const table = db(str('DatabaseName'))?.get(str('Name'));
      return table ? [200, { Table: table }] : glueError('EntityNotFoundException', 'Table not found');
    }
    case 'GetDatabase':
      return fake.databases.has(str('Name')) ? [200, { Database: fake.databases.get(str('Name')) }] : glueError('EntityNotFoundException');
    case 'CreateDatabase': {
      const input = b['DatabaseInput'] as { Name: string };
      if (fake.databases.has(input.Name)) return glueError('AlreadyExistsException');
      fake.databases.set(input.Name, input);
      fake.tables.set(input.Name, new Map());
      return [200, {}];
    }
    case 'CreateTable': {
      const input = b['TableInput'] as unknown as GlueTableInput;
      if (!db(str('DatabaseName'))) return glueError('EntityNotFoundException', 'Database not found');
      if (db(str('DatabaseName'))?.has(input.Name)) return glueError('AlreadyExistsException', 'Table already exists');
      fake.put(str('DatabaseName'), input);
      return [200, {}];
    }
    case 'UpdateTable': {
      const input = b['TableInput'] as unknown as GlueTableInput;
      const current = db(str('DatabaseName'))?.get(input.Name);
      if (!current) return glueError('EntityNotFoundException', 'Table not found');
      if (b['VersionId'] !== undefined && b['VersionId'] !== current.VersionId) {
        return glueError('ConcurrentModificationException', 'Update table failed due to concurrent modifications.');
      }
      fake.put(str('DatabaseName'), input, String(Number(current.VersionId) + 1));
      return [200, {}];
    }
    case 'BatchDeleteTable': {
      const tables = db(str('DatabaseName'));
      const Errors: unknown[] = [];
      for (const name of b['TablesToDelete'] as string[]) {
        if (tables?.delete(name)) continue;
        Errors.push({ TableName: name, ErrorDetail: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'Table not found' } });
      }
      return [200, Errors.length > 0 ? { Errors } : {}];
    }
    default:
      return [400, { __type: 'InvalidInputException', message: `fake Glue does not know ${call.operation}` }];
  }
}

/** Starts intercepting NOCK_ENDPOINT; call nock.cleanAll() (see stopFakeGlue) after the test. */
export function fakeGlue(): FakeGlue {
  const fake: FakeGlue = {
    calls: [],
    databases: new Map(),
    tables: new Map(),
    count: (operation) => fake.calls.filter((c) => c.operation === operation).length,
    bodies: (operation) => fake.calls.filter((c) => c.operation === operation).map((c) => c.body),
    put(database, input, versionId = '0') {
      if (!fake.tables.has(database)) {
        fake.tables.set(database, new Map());
        fake.databases.set(database, { Name: database });
      }
      const table: GlueTable = { ...structuredClone(input), DatabaseName: database, VersionId: versionId };
      fake.tables.get(database)?.set(input.Name, table);
      return table;
    },
    touch(database, table, change) {
      const current = fake.tables.get(database)?.get(table);
      if (!current) throw new Error(`no table ${database}.${table}`);
      fake.tables.get(database)?.set(table, { ...change(structuredClone(current)), VersionId: String(Number(current.VersionId) + 1) });
    },
  };
  nock(NOCK_ENDPOINT)
    .persist()
    .post('/')
    .reply(function (_uri, body) {
      const target = this.req.headers['x-amz-target'] ?? '';
      const call: GlueCall = {
        operation: target.replace(/^AWSGlue\./, ''),
        body: (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>,
      };
      fake.calls.push(call);
      const [status, reply] = fake.intercept?.(call, fake) ?? handle(fake, call);
      return [status, JSON.stringify(reply), { 'content-type': 'application/x-amz-json-1.1' }];
    });
  return fake;
}

export function stopFakeGlue(): void {
  nock.cleanAll();
}
