import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Asset } from '../../../src/catalog/asset.ts';
import { spaceLabelling } from '../../../src/catalog/space-labels.ts';
import type { WriteRequest } from '../../../src/catalog/target.ts';
import { FileTarget } from '../../../src/connectors/file/file-target.ts';
import { loadMapping } from '../../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../../src/mapping/load-mapping.ts';
import { makeAsset } from '../../support/make-asset.ts';

let mapping: Mapping;
let root: string;
beforeAll(async () => {
  mapping = await loadMapping();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'file-target-labels-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const clock = () => new Date('2025-05-01T10:00:00.000Z');
const target = (options: { job?: string; databaseDescription?: string } = {}): FileTarget =>
  new FileTarget({ path: root, databasePrefix: 'ds_', job: options.job ?? 'nightly', mapping, now: clock, ...(options.databaseDescription !== undefined ? { databaseDescription: options.databaseDescription } : {}) });

function request(t: FileTarget, asset: Asset = makeAsset()): WriteRequest {
  return { asset, ref: t.resolve(asset), strategy: 'full', facets: ['content', 'schema', 'metadata'], hashes: { content: 'c1', schema: 's1', metadata: 'm1' }, create: true };
}

const databaseFile = (database = 'ds_sales') => join(root, database, '_database.json');
const readDatabase = async (database = 'ds_sales') => JSON.parse(await readFile(databaseFile(database), 'utf8')) as Record<string, unknown>;
const ops = (t: FileTarget) => Object.fromEntries(Object.entries(t.traffic().byOperation).map(([op, f]) => [op, f.requests]));

describe("the file target's _database.json says the space's label, as Glue's database Description would", () => {
  it('is created with the label the run gave, or the space name where there is none', async () => {
    const labelled = target();
    expect(spaceLabelling(labelled)).toBeDefined();
    expect(await labelled.labelSpaces(new Map([['SALES', 'Sales & Distribution']]))).toEqual({ changes: [], warnings: [] });
    await labelled.write(request(labelled));
    expect(await readDatabase()).toEqual({
      Name: 'ds_sales',
      Description: 'SAP Datasphere space Sales & Distribution (SALES)',
      Parameters: { 'catalog_sync.owner': 'nightly' },
      CreateTime: '2025-05-01T10:00:00.000Z',
    });
    // Read for the label (missing then), created by the write.
    expect(ops(labelled)).toEqual({ GetDatabase: 1, GetTable: 1, CreateDatabase: 1, CreateTable: 1 });

    const unlabelled = target();
    await unlabelled.write(request(unlabelled, makeAsset({ space: 'HR', technicalName: 'People' })));
    expect((await readDatabase('ds_hr'))['Description']).toBe('SAP Datasphere space HR');
  });

  it('follows a configured template, and writes none for ""', async () => {
    const templated = target({ databaseDescription: '{label} — {space}' });
    await templated.labelSpaces(new Map([['SALES', 'Sales']]));
    await templated.write(request(templated));
    expect((await readDatabase())['Description']).toBe('Sales — SALES');

    const none = target({ databaseDescription: '' });
    await none.write(request(none, makeAsset({ space: 'HR', technicalName: 'People' })));
    expect(await readDatabase('ds_hr')).not.toHaveProperty('Description');
  });

  it('brings an existing database of this job in step when the label changes: one UpdateDatabase, none when unchanged', async () => {
    const first = target();
    await first.labelSpaces(new Map([['SALES', 'Sales']]));
    await first.write(request(first));
    // Someone else's key in our database survives the update.
    await writeFile(databaseFile(), JSON.stringify({ ...(await readDatabase()), Parameters: { 'catalog_sync.owner': 'nightly', steward: 'ann' } }));

    // A preview (plan, --dry-run) says what would change, and changes nothing.
    const before = await readFile(databaseFile(), 'utf8');
    const previewed = target();
    const change = { database: 'ds_sales', space: 'SALES', from: 'SAP Datasphere space Sales (SALES)', to: 'SAP Datasphere space Sales (EMEA) (SALES)' };
    expect(await previewed.labelSpaces(new Map([['SALES', 'Sales (EMEA)']]), { preview: true })).toEqual({ changes: [change], warnings: [] });
    expect(await readFile(databaseFile(), 'utf8')).toBe(before);
    expect(ops(previewed)).toEqual({ GetDatabase: 1 });
    expect(previewed.traffic().writes).toBe(0);

    const relabel = target();
    expect(await relabel.labelSpaces(new Map([['SALES', 'Sales (EMEA)']]))).toEqual({ changes: [change], warnings: [] });
    expect(await readDatabase()).toEqual({
      Name: 'ds_sales',
      Description: 'SAP Datasphere space Sales (EMEA) (SALES)',
      Parameters: { 'catalog_sync.owner': 'nightly', steward: 'ann' },
      CreateTime: '2025-05-01T10:00:00.000Z',
    });
    expect(ops(relabel)).toEqual({ GetDatabase: 1, UpdateDatabase: 1 });
    expect(relabel.traffic().writes).toBe(1);

    const again = target();
    expect(await again.labelSpaces(new Map([['SALES', 'Sales (EMEA)']]))).toEqual({ changes: [], warnings: [] });
    expect(ops(again)).toEqual({ GetDatabase: 1 });
    expect(again.traffic().writes).toBe(0);
    // The database is known to exist now: a write into it makes no CreateDatabase.
    await again.write(request(again, makeAsset({ technicalName: 'Items' })));
    expect(ops(again)).toEqual({ GetDatabase: 1, GetTable: 1, CreateTable: 1 });
  });

  it("never touches a database someone else (or another job) owns, nor one it cannot read; creates none for a label alone", async () => {
    await mkdir(join(root, 'ds_sales'), { recursive: true });
    const theirs = `${JSON.stringify({ Name: 'ds_sales', Description: 'Curated by the lake team', Parameters: { team: 'lake' } })}\n`;
    await writeFile(databaseFile(), theirs);
    await mkdir(join(root, 'ds_hr'), { recursive: true });
    const weekly = JSON.stringify({ Name: 'ds_hr', Description: 'old', Parameters: { 'catalog_sync.owner': 'weekly' } });
    await writeFile(databaseFile('ds_hr'), weekly);
    await mkdir(join(root, 'ds_fin'), { recursive: true });
    await writeFile(databaseFile('ds_fin'), '{ not json');

    const t = target();
    const outcome = await t.labelSpaces(new Map([['SALES', 'Sales'], ['HR', 'People'], ['FIN', 'Finance'], ['NEW', 'Brand new']]));
    expect(outcome.changes).toEqual([]);
    expect(outcome.warnings).toEqual([expect.stringMatching(/^database ds_fin: could not bring its Description in step with the label of space FIN: .*not JSON/)]);
    expect(await readFile(databaseFile(), 'utf8')).toBe(theirs);
    expect(await readFile(databaseFile('ds_hr'), 'utf8')).toBe(weekly);
    expect((await readdir(root)).sort()).toEqual(['ds_fin', 'ds_hr', 'ds_sales']);
    expect(t.traffic().writes).toBe(0);
  });
});
