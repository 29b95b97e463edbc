import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import type { AssetHashes } from '../../src/catalog/hashes.ts';
import type { TableRef, Target, WriteRequest } from '../../src/catalog/target.ts';
import { buildTableInput, createTableRequestBytes } from '../../src/mapping/build-table-input.ts';
import type { GlueTable, GlueTableInput } from '../../src/mapping/glue-table.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../src/mapping/load-mapping.ts';
import { makeAsset } from '../support/make-asset.ts';

/**
 * What one target under test gives the contract: fresh target instances over one store, and direct access to that
 * store, playing "another tool" (a crawler, a person in the console) that writes tables behind our back.
 */
export interface ContractHarness {
  /** A new target instance over the same store, as a new process would create it. */
  target(job?: string): Target;
  /** Creates a table directly (and its database if needed), without our marker unless the input carries it. */
  putForeignTable(database: string, input: GlueTableInput): Promise<void>;
  /** The table as the store holds it now. */
  readTable(ref: TableRef): Promise<GlueTable | undefined>;
  /** Rewrites a stored table directly. */
  changeTable(ref: TableRef, change: (table: GlueTableInput) => GlueTableInput): Promise<void>;
  cleanup(): Promise<void>;
}

export interface ContractContext {
  mapping: Mapping;
  /** The database prefix the harness's targets must use; unique per test where the store is shared. */
  databasePrefix: string;
}

const JOB = 'nightly';
const H1: AssetHashes = { content: 'c1', schema: 's1', metadata: 'm1' };
const H2: AssetHashes = { content: 'c2', schema: 's1', metadata: 'm1' };
const H3: AssetHashes = { content: 'c1', schema: 's1', metadata: 'm2' };

function request(target: Target, asset: Asset, overrides: Partial<WriteRequest> = {}): WriteRequest {
  return {
    asset,
    ref: target.resolve(asset),
    strategy: 'full',
    facets: ['content', 'schema', 'metadata'],
    hashes: H1,
    create: true,
    ...overrides,
  };
}

/** Registers the suite every Target must pass. `label` names it; `makeHarness` builds a fresh store per test. */
export function targetContract(label: string, makeHarness: (ctx: ContractContext) => Promise<ContractHarness>): void {
  describe(`Target contract: ${label}`, () => {
    let mapping: Mapping;
    let harness: ContractHarness;
    let prefix: string;
    let seq = 0;
    const targets: Target[] = [];
    const open = (job = JOB): Target => {
      const t = harness.target(job);
      targets.push(t);
      return t;
    };

    beforeAll(async () => {
      mapping = await loadMapping();
    });
    beforeEach(async () => {
      seq += 1;
      prefix = `c${Date.now().toString(36)}${seq}_`;
      harness = await makeHarness({ mapping, databasePrefix: prefix });
    });
    afterEach(async () => {
      for (const t of targets.splice(0)) await t.close?.();
      await harness.cleanup();
    });

    const sales = (): string => `${prefix}sales`;

    it('creates a table and reads back owner, asset id, hashes and version', async () => {
      const t = open();
      const asset = makeAsset();
      const result = await t.write(request(t, asset));
      expect(result.ref).toEqual({ database: sales(), table: 'orders' });
      const stored = await harness.readTable(result.ref);
      expect(stored?.VersionId).toBeTypeOf('string');
      // A target reports the new version if its write call answers with it; otherwise a re-read learns it.
      expect([undefined, stored?.VersionId]).toContain(result.version);

      const state = await open().readState([sales(), `${prefix}missing`]);
      expect(state).toEqual([
        { ref: { database: sales(), table: 'orders' }, version: stored?.VersionId, owner: JOB, assetId: 'SALES/Orders', hashes: H1, bytes: expect.any(Number) },
      ]);
      expect(stored?.StorageDescriptor?.Columns?.map((c) => [c.Name, c.Type])).toEqual([
        ['id', 'bigint'],
        ['amount', 'decimal(15,2)'],
        ['currency', 'varchar(5)'],
      ]);
    });

    it('an update keeps parameters and storage that others wrote', async () => {
      const t = open();
      const { ref } = await t.write(request(t, makeAsset()));
      await harness.changeTable(ref, (table) => ({
        ...table,
        Parameters: { ...table.Parameters, classification: 'parquet', 'crawler.owner': 'lake-team' },
        StorageDescriptor: {
          ...table.StorageDescriptor,
          Location: 's3://lake/sales/orders/',
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      }));

      const next = open();
      await next.readState([sales()]);
      const written = await next.write(
        request(next, makeAsset({ description: 'New text' }), { create: false, strategy: 'delta', facets: ['content'], hashes: H2 }),
      );
      const stored = await harness.readTable(ref);
      expect(stored?.Description).toBe('Orders — New text');
      expect(stored?.Parameters).toMatchObject({
        classification: 'parquet',
        'crawler.owner': 'lake-team',
        'catalog_sync.hash.content': 'c2',
        'catalog_sync.owner': JOB,
      });
      expect(stored?.StorageDescriptor).toMatchObject({
        Location: 's3://lake/sales/orders/',
        SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
      });
      expect([undefined, stored?.VersionId]).toContain(written.version);
    });

    it('re-reads chosen tables with their current versions, leaving out missing ones', async () => {
      const t = open();
      const { ref } = await t.write(request(t, makeAsset()));
      const other = await t.write(request(t, makeAsset({ technicalName: 'Items' })));
      const reader = open();
      await reader.readState([sales()]);
      const refs = [ref, { database: sales(), table: 'nope' }];
      const read = reader.readTables ? await reader.readTables(refs) : (await reader.readState([sales()])).filter((x) => x.ref.table === 'orders');
      expect(read).toEqual([
        { ref, version: (await harness.readTable(ref))?.VersionId, owner: JOB, assetId: 'SALES/Orders', hashes: H1, bytes: expect.any(Number) },
      ]);
      expect(other.ref.table).toBe('items');
    });

    it('a metadata-only write keeps column names, types and order and replaces comments', async () => {
      const t = open();
      const { ref } = await t.write(request(t, makeAsset()));
      const changed = makeAsset({
        columns: [
          { name: 'ID', type: { name: 'cds.String', length: 10 }, nullable: false, key: true, label: 'Order number' },
          { name: 'AMOUNT', type: { name: 'cds.Double' }, nullable: true, key: false, label: 'Gross amount' },
          { name: 'CURRENCY', type: { name: 'cds.String', length: 5 }, nullable: true, key: false, label: 'Currency' },
        ],
      });
      const next = open();
      await next.readState([sales()]);
      await next.write(request(next, changed, { create: false, strategy: 'metadata-only', facets: ['metadata'], hashes: H3 }));
      const columns = (await harness.readTable(ref))?.StorageDescriptor?.Columns ?? [];
      expect(columns.map((c) => [c.Name, c.Type, c.Comment])).toEqual([
        ['id', 'bigint', 'Order number'],
        ['amount', 'decimal(15,2)', 'Gross amount'],
        ['currency', 'varchar(5)', 'Currency'],
      ]);
    });

    it('previews a write field by field and writes nothing', async () => {
      const t = open();
      expect(t.previewWrite).toBeTypeOf('function');
      const asset = makeAsset();
      const ref = t.resolve(asset);
      const created = await t.previewWrite!(request(t, asset));
      expect(created).toContainEqual({ path: 'column id', kind: 'added', after: 'bigint "Order ID"' });
      expect(created).toContainEqual({ path: 'description', kind: 'added', after: '"Orders — Sales orders"' });
      expect(await harness.readTable(ref)).toBeUndefined();

      await t.write(request(t, asset));
      const before = await harness.readTable(ref);
      const changed = makeAsset({
        columns: [
          { name: 'ID', type: { name: 'cds.Integer64' }, nullable: false, key: true, label: 'Order number' },
          { name: 'AMOUNT', type: { name: 'cds.Double' }, nullable: true, key: false, label: 'Amount', description: 'Gross amount in document currency' },
          { name: 'CURRENCY', type: { name: 'cds.String', length: 5 }, nullable: true, key: false, label: 'Currency', semantics: { 'Semantics.currencyCode': true } },
          { name: 'TAX', type: { name: 'cds.Integer' }, nullable: true, key: false },
        ],
      });
      const next = open();
      await next.readState([sales()]);
      const diff = await next.previewWrite!(request(next, changed, { create: false, hashes: H3 }));
      expect(diff).toContainEqual({ path: 'column id comment', kind: 'changed', before: '"Order ID"', after: '"Order number"' });
      expect(diff).toContainEqual({ path: 'column amount type', kind: 'changed', before: 'decimal(15,2)', after: 'double' });
      expect(diff).toContainEqual({ path: 'column tax', kind: 'added', after: 'int' });
      expect(diff.some((c) => c.path.includes('catalog_sync.'))).toBe(false);
      expect(await harness.readTable(ref)).toEqual(before);
    });

    it('previews a changed business name as a change of the Description, which says name and description', async () => {
      const t = open();
      const { ref } = await t.write(request(t, makeAsset()));
      const next = open();
      await next.readState([sales()]);
      const renamed = makeAsset({ businessName: 'Sales Orders' });
      const delta = request(next, renamed, { create: false, strategy: 'delta', facets: ['content'], hashes: H2 });
      const diff = await next.previewWrite!(delta);
      expect(diff).toContainEqual({ path: 'description', kind: 'changed', before: '"Orders — Sales orders"', after: '"Sales Orders — Sales orders"' });
      await next.write(delta);
      expect((await harness.readTable(ref))?.Description).toBe('Sales Orders — Sales orders');
    });

    it('deletes owned tables and reports missing ones as already gone', async () => {
      const t = open();
      const { ref } = await t.write(request(t, makeAsset()));
      const next = open();
      await next.readState([sales()]);
      const missing = { database: sales(), table: 'nothing_here' };
      const nowhere = { database: `${prefix}nowhere`, table: 'orders' };
      expect(await next.delete([ref, missing, nowhere])).toEqual([
        { ref, ok: true },
        { ref: missing, ok: true, alreadyGone: true },
        { ref: nowhere, ok: true, alreadyGone: true },
      ]);
      expect(await harness.readTable(ref)).toBeUndefined();
      expect(await open().readState([sales()])).toEqual([]);
    });

    it('never changes or deletes a table it does not own', async () => {
      await harness.putForeignTable(sales(), {
        Name: 'orders',
        Parameters: { classification: 'csv' },
        StorageDescriptor: { Columns: [{ Name: 'x', Type: 'int' }], Location: 's3://lake/orders/' },
      });
      const other = open('other-job');
      await other.readState([sales()]);
      const ref = { database: sales(), table: 'orders' };
      const before = await harness.readTable(ref);
      const t = open();
      await t.readState([sales()]);
      await expect(t.write(request(t, makeAsset(), { create: false }))).rejects.toThrow(/refusing to update .*orders.*no ownership marker/);
      await expect(t.write(request(t, makeAsset(), { create: true }))).rejects.toThrow(/refusing to update/);
      await expect(t.deprecate(ref, '2025-06-01T00:00:00.000Z')).rejects.toThrow(/refusing to deprecate/);
      const [outcome] = await t.delete([ref]);
      expect(outcome).toMatchObject({ ref, ok: false, error: expect.stringContaining('no ownership marker') });
      expect(await harness.readTable(ref)).toEqual(before);
      expect(t.traffic().writes).toBe(0);

      const owned = open('other-job');
      await owned.write(request(owned, makeAsset({ technicalName: 'Items' })));
      const [theirs] = await t.delete([{ database: sales(), table: 'items' }]);
      expect(theirs).toMatchObject({ ok: false, error: expect.stringContaining('owned by job "other-job"') });
    });

    it('deprecate sets the marker and keeps everything else', async () => {
      const t = open();
      const { ref } = await t.write(request(t, makeAsset()));
      const before = (await harness.readTable(ref)) as GlueTable;
      const result = await open().deprecate(ref, '2025-06-01T00:00:00.000Z');
      const after = (await harness.readTable(ref)) as GlueTable;
      expect([undefined, after.VersionId]).toContain(result.version);
      expect(after.VersionId).not.toBe(before.VersionId);
      expect(after.Parameters).toEqual({ ...before.Parameters, 'catalog_sync.deprecated_at': '2025-06-01T00:00:00.000Z' });
      expect(after.StorageDescriptor).toEqual(before.StorageDescriptor);
      expect(after.Description).toBe(before.Description);
      expect((await open().readState([sales()]))[0]?.deprecatedAt).toBe('2025-06-01T00:00:00.000Z');
    });

    it('counts its traffic in Glue operation terms', async () => {
      const t = open();
      const asset = makeAsset();
      const { ref, fullWriteBytes } = await t.write(request(t, asset));
      expect(fullWriteBytes).toBe(t.fullWriteBytes(asset, ref, H1));
      await t.readState([sales()]);
      const traffic = t.traffic();
      expect(traffic.byOperation['CreateTable']?.requests).toBe(1);
      expect(traffic.byOperation['CreateDatabase']?.requests).toBe(1);
      expect(traffic.byOperation['GetTables']?.requests).toBe(1);
      expect(traffic.writes).toBe(2);
      // A create sends the full-write body, plus the request line and headers where the target counts the wire.
      const framing = (traffic.byOperation['CreateTable']?.bytesSent ?? 0) - t.fullWriteBytes(asset, ref, H1);
      expect(framing).toBeGreaterThanOrEqual(0);
      expect(framing).toBeLessThanOrEqual(t.trafficModel?.().requestOverheadBytes ?? 0);
      expect(traffic.bytesReceived).toBeGreaterThan(0);
      const sum = Object.values(traffic.byOperation).reduce((n, op) => n + op.requests, 0);
      expect(sum).toBe(traffic.requests);
    });

    it('fullWriteBytes is the size of the CreateTable request for the mapped TableInput', () => {
      const t = open();
      const asset = makeAsset();
      const ref = t.resolve(asset);
      const expected = createTableRequestBytes(ref, buildTableInput(asset, { job: JOB, hashes: H1, databasePrefix: prefix, mapping, ref }).input);
      expect(expected).toBeGreaterThan(0);
      expect(t.fullWriteBytes(asset, ref, H1)).toBe(expected);
    });
  });
}
