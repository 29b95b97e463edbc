import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import type { Target, WriteRequest } from '../../src/catalog/target.ts';
import type { AssetChange } from '../../src/change/change-set.ts';
import { FileTarget } from '../../src/connectors/file/file-target.ts';
import { previewWrites } from '../../src/engine/preview-writes.ts';
import type { PlannedAction } from '../../src/engine/sync-plan.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../src/mapping/load-mapping.ts';
import { makeAsset } from '../support/make-asset.ts';

const H = { content: 'c', schema: 's', metadata: 'm' };
let mapping: Mapping;
let root: string;
beforeAll(async () => {
  mapping = await loadMapping();
});
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'preview-writes-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function change(asset: Asset, type: AssetChange['type'] = 'CREATED'): AssetChange {
  return { assetId: asset.id, space: asset.space, type, facets: [], asset, assetKind: asset.kind, hashes: H };
}

function write(target: Target, asset: Asset, over: Partial<Extract<PlannedAction, { kind: 'write' }>> = {}): PlannedAction {
  return { kind: 'write', change: change(asset), strategy: 'full', ref: target.resolve(asset), create: true, facets: ['content', 'schema', 'metadata'], drifted: false, ...over };
}

describe('previewWrites', () => {
  it('previews every write by asset id, skips other actions, and writes nothing', async () => {
    const target = new FileTarget({ path: root, databasePrefix: 'ds_', job: 'nightly', mapping });
    const orders = makeAsset();
    const items = makeAsset({ technicalName: 'Items', description: 'Order items' });
    const actions: PlannedAction[] = [
      write(target, orders),
      write(target, items),
      { kind: 'skip', change: change(makeAsset({ technicalName: 'Same' }), 'UNCHANGED') },
      { kind: 'delete', change: change(makeAsset({ technicalName: 'Gone' }), 'DELETED'), ref: { database: 'ds_sales', table: 'gone' } },
    ];
    const diffs = await previewWrites(actions, target, 2);
    expect([...diffs.keys()].sort()).toEqual(['SALES/Items', 'SALES/Orders']);
    expect(diffs.get('SALES/Items')).toContainEqual({ path: 'description', kind: 'added', after: '"Orders — Order items"' });
    expect(diffs.get('SALES/Orders')).toContainEqual({ path: 'column currency', kind: 'added', after: 'varchar(5) "Currency"' });
    expect(await readdir(root)).toEqual([]);
    expect(target.traffic().writes).toBe(0);
  });

  it('previews the first writes of a large plan only, and says so', async () => {
    const target = new FileTarget({ path: root, databasePrefix: 'ds_', job: 'nightly', mapping });
    const actions = ['A', 'B', 'C', 'D'].map((name) => write(target, makeAsset({ technicalName: name })));
    const limits: [number, number][] = [];
    const diffs = await previewWrites(actions, target, 2, { maxWrites: 3, onLimit: (previewed, writes) => limits.push([previewed, writes]) });
    expect([...diffs.keys()].sort()).toEqual(['SALES/A', 'SALES/B', 'SALES/C']);
    expect(limits).toEqual([[3, 4]]);
  });

  it('gives an empty map for a target that cannot preview', async () => {
    const target = new FileTarget({ path: root, databasePrefix: 'ds_', job: 'nightly', mapping });
    const blind = Object.assign(Object.create(target) as Target, { previewWrite: undefined });
    expect((await previewWrites([write(target, makeAsset())], blind, 4)).size).toBe(0);
  });

  it('leaves out a preview that failed, reports it, and keeps the others', async () => {
    const target = new FileTarget({ path: root, databasePrefix: 'ds_', job: 'nightly', mapping });
    // Only previewWrite is reached; the rest of the Target is not needed here.
    const failing = {
      async previewWrite(request: WriteRequest) {
        if (request.asset.technicalName === 'Broken') throw new Error('read failed');
        return target.previewWrite(request);
      },
    } as unknown as Target;
    const errors: string[] = [];
    const diffs = await previewWrites(
      [write(target, makeAsset({ technicalName: 'Broken' })), write(target, makeAsset())],
      failing,
      1,
      { onError: (assetId, error) => errors.push(`${assetId}: ${(error as Error).message}`) },
    );
    expect([...diffs.keys()]).toEqual(['SALES/Orders']);
    expect(errors).toEqual(['SALES/Broken: read failed']);
  });
});
