import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AssetHashes } from '../../../src/catalog/hashes.ts';
import { FileTarget } from '../../../src/connectors/file/file-target.ts';
import { loadMapping } from '../../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../../src/mapping/load-mapping.ts';
import { makeAsset } from '../../support/make-asset.ts';

let mapping: Mapping;
let root: string;
const ref = { database: 'ds_sales', table: 'orders' };
const hashes = (n: number): AssetHashes => ({ content: `c${n}`, schema: 's', metadata: 'm' });

beforeAll(async () => {
  mapping = await loadMapping();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'file-versions-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const target = (keepVersions?: number) => new FileTarget({ path: root, databasePrefix: 'ds_', job: 'nightly', mapping, ...(keepVersions ? { keepVersions } : {}) });

async function writeTimes(t: FileTarget, n: number): Promise<void> {
  for (let i = 1; i <= n; i += 1) {
    const asset = makeAsset({ technicalName: 'Orders', description: `v${i}` });
    await t.write({ asset, ref, strategy: 'full', facets: ['schema', 'content', 'metadata'], hashes: hashes(i), create: i === 1 });
  }
}

const kept = async () => (await readdir(join(root, 'ds_sales', '.versions', 'orders'))).sort((a, b) => Number.parseInt(a) - Number.parseInt(b));

describe('file target versions', () => {
  it('keeps the versions a write replaces, keepVersions in all with the current one, like Glue', async () => {
    const t = target(4);
    await writeTimes(t, 6);
    expect(await kept()).toEqual(['3.json', '4.json', '5.json']);
    expect(await t.readVersion(ref, '6')).toMatchObject({ VersionId: '6', Description: 'Orders — v6' });
    expect(await t.readVersion(ref, '4')).toMatchObject({ VersionId: '4', Description: 'Orders — v4' });
    expect(await t.readVersion(ref, '2')).toBeUndefined();
    // The listing of the database does not see the versions folder.
    expect((await t.readState(['ds_sales'])).map((x) => x.ref.table)).toEqual(['orders']);
  });

  it('restores a kept version as the next one, and a deleted table from its last version', async () => {
    const t = target();
    await writeTimes(t, 3);
    const v2 = await t.readVersion(ref, '2');
    expect(await t.restoreVersion(ref, v2!)).toEqual({ version: '4' });
    expect(await t.readVersion(ref, '4')).toMatchObject({ Description: 'Orders — v2', Parameters: expect.objectContaining({ 'catalog_sync.hash.content': 'c2' }) });

    const fresh = target();
    await fresh.readState(['ds_sales']);
    expect(await fresh.delete([ref])).toEqual([{ ref, ok: true }]);
    expect(await fresh.readState(['ds_sales'])).toEqual([]);
    const last = await fresh.readVersion(ref, '4');
    expect(last).toMatchObject({ Description: 'Orders — v2' });
    expect(await fresh.restoreVersion(ref, last!)).toEqual({ version: '1' });
    expect((await fresh.readState(['ds_sales'])).map((x) => x.hashes?.content)).toEqual(['c2']);
  });

  it('refuses a definition without our marker', async () => {
    const t = target();
    await expect(t.restoreVersion(ref, { Name: 'orders', Parameters: {} })).rejects.toThrow(/refusing to update ds_sales\.orders: it carries no ownership marker/);
  });

  it('leaves the table as it was when its version cannot be kept, with no temp file beside it', async () => {
    const t = target();
    await writeTimes(t, 1);
    const before = await readFile(join(root, 'ds_sales', 'orders.json'), 'utf8');
    // A file where the version's folder goes: keeping version 1 fails, so version 2 must not replace it.
    await mkdir(join(root, 'ds_sales', '.versions'), { recursive: true });
    await writeFile(join(root, 'ds_sales', '.versions', 'orders'), 'in the way');
    const asset = makeAsset({ technicalName: 'Orders', description: 'v2' });
    await expect(t.write({ asset, ref, strategy: 'full', facets: ['schema', 'content', 'metadata'], hashes: hashes(2), create: false })).rejects.toThrow();
    expect(await readFile(join(root, 'ds_sales', 'orders.json'), 'utf8')).toBe(before);
    expect((await readdir(join(root, 'ds_sales'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
