import { describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import type { CheckpointEntry } from '../../src/catalog/checkpoint.ts';
import type { SpaceExtract } from '../../src/catalog/source.ts';
import { ChangeDetector } from '../../src/change/change-detector.ts';
import type { ChangeOptions } from '../../src/change/change-options.ts';
import { DISABLED_FACET, defaultChangeOptions } from '../../src/change/change-options.ts';
import { detectChanges } from '../../src/change/detect-changes.ts';
import { changeOptionsKey, fingerprintAsset } from '../../src/change/fingerprint.ts';
import { hashAsset } from '../../src/change/hash-asset.ts';
import { makeAsset } from '../support/make-asset.ts';

function entryFor(asset: Asset, options: ChangeOptions = defaultChangeOptions): CheckpointEntry {
  return {
    assetId: asset.id,
    assetType: asset.kind,
    sourceSystem: 'datasphere',
    lastSyncAt: '2026-01-01T00:00:00.000Z',
    hashes: hashAsset(asset, options),
    fingerprint: fingerprintAsset(asset, changeOptionsKey(options)),
    syncVersion: 1,
    target: { database: `ds_${asset.space.toLowerCase()}`, table: asset.technicalName.toLowerCase(), version: '1' },
    customProperties: {},
  };
}

function extract(space: string, assets: Asset[]): SpaceExtract {
  return { space, complete: true, items: assets.map((asset) => ({ state: 'extracted' as const, asset })), failures: [], warnings: [] };
}

const a = makeAsset({ space: 'A', technicalName: 'ONE' });
const b = makeAsset({ space: 'A', technicalName: 'TWO' });
const c = makeAsset({ space: 'B', technicalName: 'THREE' });
const gone = makeAsset({ space: 'B', technicalName: 'GONE' });

describe('ChangeDetector', () => {
  it('gives the same change set space by space, page by page, as all at once', () => {
    const entries = [a, b, c, gone].map((x) => entryFor(x));
    const byId = new Map(entries.map((e) => [e.assetId, e]));
    const changedB = { ...b, description: 'changed' };
    const now = [extract('A', [a, changedB]), extract('B', [c])];
    const oneShot = detectChanges({ extracts: now, checkpoint: (id) => byId.get(id), checkpointEntries: entries, options: defaultChangeOptions });

    const detector = new ChangeDetector({ checkpoint: (id) => byId.get(id), options: defaultChangeOptions });
    detector.add(extract('A', [a]));
    detector.add(extract('A', [changedB]));
    detector.add(extract('B', [c]));
    const streamed = detector.finish(entries);
    expect(streamed).toEqual(oneShot);
    expect(streamed.changes.map((x) => `${x.assetId}:${x.type}`)).toEqual(['A/ONE:UNCHANGED', 'A/TWO:MODIFIED', 'B/THREE:UNCHANGED', 'B/GONE:DELETED']);
  });

  it('lets go of unchanged definitions it is told it will not need, and keeps every other one', () => {
    const entries = [a, b].map((x) => entryFor(x));
    const byId = new Map(entries.map((e) => [e.assetId, e]));
    const fresh = makeAsset({ space: 'A', technicalName: 'NEW' });
    const detector = new ChangeDetector({
      checkpoint: (id) => byId.get(id),
      options: defaultChangeOptions,
      keepUnchanged: (asset, previous) => previous.assetId === b.id && asset.id === b.id,
    });
    detector.add(extract('A', [a, b, { ...a, id: 'A/X', technicalName: 'X' }, fresh]));
    const changes = detector.finish(entries).changes;
    const held = Object.fromEntries(changes.map((x) => [x.assetId, x.asset !== undefined]));
    expect(held).toEqual({ 'A/ONE': false, 'A/TWO': true, 'A/X': true, 'A/NEW': true });
    // A cache hit keeps the checkpoint's own fingerprint and hashes rather than new copies.
    const one = changes.find((x) => x.assetId === a.id)!;
    expect(one.fingerprint).toBe(byId.get(a.id)!.fingerprint);
    expect(one.hashes).toBe(byId.get(a.id)!.hashes);
  });

  it('neither hashes nor compares a facet that is switched off, and finds its changes once it is on again', () => {
    const noSchema: ChangeOptions = { ...defaultChangeOptions, facets: { content: true, schema: false, metadata: true } };
    const before = entryFor(a);
    const widened = structuredClone(a);
    widened.columns[2]!.type.length = 99; // a schema change only
    expect(hashAsset(widened, noSchema).schema).toBe(DISABLED_FACET);

    const off = detectChanges({ extracts: [extract('A', [widened])], checkpoint: () => before, checkpointEntries: [before], options: noSchema });
    expect(off.changes[0]).toMatchObject({ type: 'UNCHANGED', facets: [] });
    expect(off.changes[0]!.hashes.schema).toBe(before.hashes.schema);

    // A new asset seen while the facet is off records the placeholder, never a digest that could match.
    const created = detectChanges({ extracts: [extract('A', [b])], checkpoint: () => undefined, checkpointEntries: [], options: noSchema });
    expect(created.changes[0]!.hashes.schema).toBe(DISABLED_FACET);

    const stored = { ...before, hashes: off.changes[0]!.hashes, fingerprint: off.changes[0]!.fingerprint! };
    const on = detectChanges({ extracts: [extract('A', [widened])], checkpoint: () => stored, checkpointEntries: [stored], options: defaultChangeOptions });
    expect(on.changes[0]).toMatchObject({ type: 'SCHEMA_CHANGED', facets: ['schema'] });

    const label = structuredClone(a);
    label.columns[0]!.label = 'renamed';
    const metaOff: ChangeOptions = { ...defaultChangeOptions, facets: { content: true, schema: true, metadata: false } };
    const still = detectChanges({ extracts: [extract('A', [label])], checkpoint: () => before, checkpointEntries: [before], options: metaOff });
    expect(still.changes[0]!.type).toBe('UNCHANGED');
  });
});
