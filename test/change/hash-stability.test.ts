import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import type { CheckpointEntry } from '../../src/catalog/checkpoint.ts';
import type { AssetHashes } from '../../src/catalog/hashes.ts';
import type { SpaceExtract } from '../../src/catalog/source.ts';
import type { ChangeOptions } from '../../src/change/change-options.ts';
import { defaultChangeOptions } from '../../src/change/change-options.ts';
import { detectChanges } from '../../src/change/detect-changes.ts';
import { hashAsset } from '../../src/change/hash-asset.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';

/*
 * The reference in fixtures/hash-stability was written by the hashing code as it was before it was rewritten for
 * speed (see its README). A checkpoint written then must still classify every unchanged asset as UNCHANGED, whether
 * the fingerprint cache hits or the hashes are computed afresh, and every hash must come out the same.
 */
const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/hash-stability');

async function readJson<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(path.join(DIR, name), 'utf8')) as T;
}

async function reference() {
  const assets = await readJson<Asset[]>('assets.json');
  const store = await openCheckpointStore({
    dir: DIR,
    sourceSystem: 'datasphere',
    readOnly: true,
    flushEvery: 1,
    backups: { keep: 1, maxAgeDays: 0 },
  });
  return { assets, entries: store.all() };
}

function extractsOf(assets: readonly Asset[]): SpaceExtract[] {
  const bySpace = new Map<string, Asset[]>();
  for (const asset of assets) bySpace.set(asset.space, [...(bySpace.get(asset.space) ?? []), asset]);
  return [...bySpace].map(([space, list]) => ({
    space,
    complete: true,
    items: list.map((asset) => ({ state: 'extracted' as const, asset })),
    failures: [],
    warnings: [],
  }));
}

function detect(assets: readonly Asset[], entries: readonly CheckpointEntry[]) {
  const byId = new Map(entries.map((e) => [e.assetId, e]));
  return detectChanges({
    extracts: extractsOf(assets),
    checkpoint: (id) => byId.get(id),
    checkpointEntries: entries,
    options: defaultChangeOptions,
  });
}

describe('hashes stay what earlier versions wrote', () => {
  it('the reference covers every asset and is not trivially small', async () => {
    const { assets, entries } = await reference();
    expect(assets.length).toBeGreaterThan(80);
    expect(entries.map((e) => e.assetId).sort()).toEqual(assets.map((a) => a.id).sort());
  });

  it('classifies every asset of the committed checkpoint as UNCHANGED (fingerprints as stored)', async () => {
    const { assets, entries } = await reference();
    const changeSet = detect(assets, entries);
    const changed = changeSet.changes.filter((c) => c.type !== 'UNCHANGED').map((c) => `${c.assetId}: ${c.type}`);
    expect(changed).toEqual([]);
    expect(changeSet.changes).toHaveLength(assets.length);
  });

  it('classifies every asset as UNCHANGED when the hashes are computed afresh (no fingerprints)', async () => {
    const { assets, entries } = await reference();
    const bare = entries.map(({ fingerprint: _dropped, ...entry }) => entry);
    const changeSet = detect(assets, bare);
    const changed = changeSet.changes.filter((c) => c.type !== 'UNCHANGED').map((c) => `${c.assetId}: ${c.type} ${c.facets.join(',')}`);
    expect(changed).toEqual([]);
    for (const change of changeSet.changes) expect(change.hashes).toEqual(bare.find((e) => e.assetId === change.assetId)!.hashes);
  });

  it('computes the same three hashes as before under every kind of change option', async () => {
    const { assets } = await reference();
    const variants = await readJson<Record<string, { options: ChangeOptions; hashes: Record<string, AssetHashes> }>>('hashes-by-options.json');
    expect(Object.keys(variants).length).toBeGreaterThanOrEqual(5);
    for (const [name, { options, hashes }] of Object.entries(variants)) {
      const differing = assets.filter((a) => JSON.stringify(hashAsset(a, options)) !== JSON.stringify(hashes[a.id])).map((a) => a.id);
      expect({ name, differing }).toEqual({ name, differing: [] });
    }
  });

  it('sees a real change through the reference: one label edited moves only the metadata hash', async () => {
    const { assets, entries } = await reference();
    const edited = structuredClone(assets);
    const target = edited.find((a) => a.columns.length > 0)!;
    target.columns[0]!.label = `${target.columns[0]!.label ?? ''} (edited)`;
    const change = detect(edited, entries).changes.find((c) => c.assetId === target.id)!;
    expect(change.type).toBe('METADATA_CHANGED');
    expect(change.facets).toEqual(['metadata']);
  });
});
