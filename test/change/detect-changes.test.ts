import { describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import type { CheckpointEntry } from '../../src/catalog/checkpoint.ts';
import type { SpaceExtract } from '../../src/catalog/source.ts';
import { defaultChangeOptions } from '../../src/change/change-options.ts';
import { classify } from '../../src/change/classify.ts';
import { detectChanges } from '../../src/change/detect-changes.ts';
import { hashAsset } from '../../src/change/hash-asset.ts';
import { changeOptionsKey, fingerprintAsset } from '../../src/change/fingerprint.ts';
import { makeAsset } from '../support/make-asset.ts';

function entryFor(asset: Asset, extra: Partial<CheckpointEntry> = {}): CheckpointEntry {
  return {
    assetId: asset.id,
    assetType: asset.kind,
    sourceSystem: 'datasphere',
    lastSyncAt: '2026-01-01T00:00:00.000Z',
    hashes: hashAsset(asset, defaultChangeOptions),
    syncVersion: 1,
    target: { database: 'ds_sales', table: asset.technicalName.toLowerCase(), version: '1' },
    customProperties: {},
    ...extra,
  };
}

function extract(space: string, assets: Asset[], complete = true): SpaceExtract {
  return {
    space,
    complete,
    items: assets.map((asset) => ({ state: 'extracted' as const, asset })),
    failures: [],
    warnings: [],
  };
}

function detect(extracts: SpaceExtract[], entries: CheckpointEntry[]) {
  const byId = new Map(entries.map((e) => [e.assetId, e]));
  return detectChanges({
    extracts,
    checkpoint: (id) => byId.get(id),
    checkpointEntries: entries,
    options: defaultChangeOptions,
  });
}

describe('classify', () => {
  const h = { content: 'c', schema: 's', metadata: 'm' };
  it('names every change type', () => {
    expect(classify(h, undefined).type).toBe('CREATED');
    expect(classify(h, { ...h }).type).toBe('UNCHANGED');
    expect(classify(h, { ...h, schema: 'x' }).type).toBe('SCHEMA_CHANGED');
    expect(classify(h, { ...h, content: 'x' }).type).toBe('MODIFIED');
    expect(classify(h, { ...h, metadata: 'x' }).type).toBe('METADATA_CHANGED');
  });

  it('lets the most severe facet win and lists every differing facet', () => {
    expect(classify(h, { content: 'x', schema: 's', metadata: 'x' })).toEqual({ type: 'MODIFIED', facets: ['content', 'metadata'] });
    expect(classify(h, { content: 'x', schema: 'x', metadata: 'x' })).toEqual({
      type: 'SCHEMA_CHANGED',
      facets: ['schema', 'content', 'metadata'],
    });
    expect(classify(h, { content: 'c', schema: 'x', metadata: 'x' })).toEqual({ type: 'SCHEMA_CHANGED', facets: ['schema', 'metadata'] });
  });
});

describe('detectChanges', () => {
  const orders = makeAsset();
  const items = makeAsset({ technicalName: 'Items' });

  it('classifies created, unchanged and deleted assets of a complete space', () => {
    const gone = makeAsset({ technicalName: 'Gone' });
    const result = detect([extract('SALES', [orders, items])], [entryFor(orders), entryFor(gone)]);
    const byId = Object.fromEntries(result.changes.map((c) => [c.assetId, c.type]));
    expect(byId).toEqual({ 'SALES/Orders': 'UNCHANGED', 'SALES/Items': 'CREATED', 'SALES/Gone': 'DELETED' });
  });

  it('never infers a deletion from an incomplete listing', () => {
    const result = detect([extract('SALES', [], false)], [entryFor(orders), entryFor(items)]);
    expect(result.changes.filter((c) => c.type === 'DELETED')).toEqual([]);
    expect(result.incompleteSpaces.map((s) => s.space)).toEqual(['SALES']);
  });

  it('never deletes an asset that was listed but failed to read', () => {
    const ex = extract('SALES', [orders]);
    ex.failures.push({ assetId: items.id, error: 'malformed' });
    const result = detect([ex], [entryFor(orders), entryFor(items)]);
    expect(result.changes.map((c) => c.type)).toEqual(['UNCHANGED']);
    expect(result.failures).toEqual([{ assetId: items.id, error: 'malformed' }]);
  });

  it('ignores checkpoint entries of spaces outside the run', () => {
    const other = makeAsset({ space: 'HR', technicalName: 'People' });
    const result = detect([extract('SALES', [orders])], [entryFor(orders), entryFor(other)]);
    expect(result.changes.map((c) => c.assetId)).toEqual(['SALES/Orders']);
  });

  it('flags a complete but empty listing where the checkpoint knows assets', () => {
    const result = detect([extract('SALES', [])], [entryFor(orders)]);
    expect(result.emptySpaces).toEqual(['SALES']);
    expect(result.changes[0]?.type).toBe('DELETED');
  });

  it('turns a not-modified answer into UNCHANGED with the checkpoint hashes', () => {
    const entry = entryFor(orders, { validator: 'W/"1"' });
    const result = detect(
      [{ space: 'SALES', complete: true, items: [{ state: 'not-modified', assetId: orders.id, validator: 'W/"1"' }], failures: [], warnings: [] }],
      [entry],
    );
    expect(result.changes[0]).toMatchObject({ type: 'UNCHANGED', hashes: entry.hashes, validator: 'W/"1"' });
  });

  it('handles a checkpoint entry with fields from a newer version', () => {
    const future = { ...entryFor(orders), schemaVersion: 9, lineage: { upstream: ['x'] } } as CheckpointEntry;
    const result = detect([extract('SALES', [orders])], [future]);
    expect(result.changes[0]?.type).toBe('UNCHANGED');
    expect(result.changes[0]?.previous).toMatchObject({ schemaVersion: 9 });
  });

  it('rewrites a deprecated table whose asset reappears, and does not re-delete deprecated entries', () => {
    const deprecated = entryFor(orders, { deprecatedAt: '2026-01-02T00:00:00.000Z' });
    const back = detect([extract('SALES', [orders])], [deprecated]);
    expect(back.changes[0]?.type).toBe('CREATED');
    const stillGone = detect([extract('SALES', [items])], [deprecated, entryFor(items)]);
    expect(stillGone.changes.map((c) => c.type)).toEqual(['UNCHANGED']);
  });

  it('reuses the stored hashes only for a byte-identical asset under the same options', () => {
    const key = changeOptionsKey(defaultChangeOptions);
    const stored = { content: 'c', schema: 's', metadata: 'm' };
    const cached = entryFor(orders, { hashes: stored, fingerprint: fingerprintAsset(orders, key) });
    const hit = detect([extract('SALES', [orders])], [cached]);
    // The cache was used: the stored (deliberately fake) hashes came back instead of being recomputed.
    expect(hit.changes[0]).toMatchObject({ type: 'UNCHANGED', hashes: stored, fingerprint: cached.fingerprint });

    const edited = makeAsset({ description: 'edited' });
    const miss = detect([extract('SALES', [edited])], [cached]);
    expect(miss.changes[0]?.hashes).toEqual(hashAsset(edited, defaultChangeOptions));

    const otherOptions = { ...defaultChangeOptions, caseSensitive: false };
    const byId = new Map([[cached.assetId, cached]]);
    const recomputed = detectChanges({ extracts: [extract('SALES', [orders])], checkpoint: (id) => byId.get(id), checkpointEntries: [cached], options: otherOptions });
    expect(recomputed.changes[0]?.hashes).toEqual(hashAsset(orders, otherOptions));
  });
});
