import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import type { ExtractedItem, KnownAsset, Source, SpaceExtract } from '../../src/catalog/source.ts';
import { hashAsset } from '../../src/change/hash-asset.ts';
import { defaultChangeOptions } from '../../src/change/change-options.ts';

/**
 * What one source under test gives the contract: fresh source instances over one seeded catalog, and the faults
 * the contract needs, injected the way that source really fails (a file that is not JSON, an HTTP 500, a Glue
 * error answer).
 */
export interface SourceHarness {
  /** A new source over the seeded catalog, as a new process would create it. */
  source(): Source;
  /** The space the seeded assets are in. */
  space: string;
  /** Technical names of at least three seeded assets in that space. */
  names: string[];
  /** Changes one asset in the catalog (its description or label): the next extraction must show it. */
  change(name: string): Promise<void>;
  /** Makes one asset unreadable while the others stay readable. */
  breakAsset(name: string): Promise<void>;
  /** Makes the listing of the space fail, or come back cut short. */
  breakListing(): Promise<void>;
  cleanup(): Promise<void>;
}

const NO_KNOWLEDGE = { known: new Map<string, KnownAsset>() };

function idOf(item: ExtractedItem): string {
  return item.state === 'extracted' ? item.asset.id : item.assetId;
}

function assets(extract: SpaceExtract): Map<string, Asset> {
  return new Map(extract.items.flatMap((i) => (i.state === 'extracted' ? [[i.asset.technicalName, i.asset] as const] : [])));
}

/** What the engine hands back next run: the validators this run returned. */
function knownFrom(extract: SpaceExtract): { known: Map<string, KnownAsset> } {
  return { known: new Map(extract.items.map((i) => [idOf(i), i.validator === undefined ? {} : { validator: i.validator }])) };
}

/** Extracts the space, or undefined when the source says the listing failed by throwing. */
async function tryExtract(source: Source, space: string): Promise<SpaceExtract | undefined> {
  try {
    return await source.extractSpace(space, NO_KNOWLEDGE);
  } catch {
    return undefined;
  }
}

/**
 * Registers the suite every Source must pass: the promises the engine's deletion safety and incremental
 * detection rest on. `makeHarness` seeds a fresh catalog per test.
 */
export function sourceContract(label: string, makeHarness: () => Promise<SourceHarness>): void {
  describe(`Source contract: ${label}`, () => {
    let harness: SourceHarness;
    beforeEach(async () => {
      harness = await makeHarness();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('lists the space and extracts each asset once, complete, under the id <space>/<technical name>', async () => {
      const source = harness.source();
      expect(await source.listSpaces()).toContain(harness.space);
      const extract = await source.extractSpace(harness.space, NO_KNOWLEDGE);
      expect(extract.space).toBe(harness.space);
      expect(extract.complete).toBe(true);
      expect(extract.failures).toEqual([]);
      const ids = extract.items.map(idOf);
      expect(new Set(ids).size).toBe(ids.length);
      for (const item of extract.items) {
        if (item.state !== 'extracted') throw new Error(`${idOf(item)}: not-modified without any validator given`);
        expect(item.asset.id).toBe(`${harness.space}/${item.asset.technicalName}`);
        expect(item.asset.space).toBe(harness.space);
      }
      expect([...assets(extract).keys()]).toEqual(expect.arrayContaining(harness.names));
    });

    it('extracts the same assets, hashing the same, every time', async () => {
      const first = await harness.source().extractSpace(harness.space, NO_KNOWLEDGE);
      const second = await harness.source().extractSpace(harness.space, NO_KNOWLEDGE);
      const a = assets(first);
      const b = assets(second);
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      for (const [name, asset] of a) {
        expect(b.get(name), name).toEqual(asset);
        expect(hashAsset(b.get(name) as Asset, defaultChangeOptions)).toEqual(hashAsset(asset, defaultChangeOptions));
      }
    });

    it('never passes off an incomplete listing as complete', async () => {
      await harness.breakListing();
      const extract = await tryExtract(harness.source(), harness.space);
      // Thrown (the engine then treats the space as failed) or flagged: either way nothing in it is deleted.
      if (extract !== undefined) {
        expect(extract.complete).toBe(false);
        expect(extract.incompleteReason ?? '').not.toBe('');
      }
    });

    it('an asset that cannot be read is a failure of that asset only, never an absence', async () => {
      const [broken, ...others] = harness.names as [string, ...string[]];
      await harness.breakAsset(broken);
      const extract = await harness.source().extractSpace(harness.space, NO_KNOWLEDGE);
      const id = `${harness.space}/${broken}`;
      expect(extract.failures.map((f) => f.assetId)).toContain(id);
      expect(extract.failures.find((f) => f.assetId === id)?.error).toMatch(/\S/);
      expect(extract.items.map(idOf)).not.toContain(id);
      expect([...assets(extract).keys()]).toEqual(expect.arrayContaining(others));
    });

    it('validators: given back, an unchanged asset reads unchanged and a changed one comes back changed', async () => {
      const first = await harness.source().extractSpace(harness.space, NO_KNOWLEDGE);
      const before = assets(first);
      const again = await harness.source().extractSpace(harness.space, knownFrom(first));
      for (const item of again.items) {
        // Not modified, or delivered as it was: either way, detection finds no change.
        if (item.state === 'extracted') expect(item.asset, item.asset.id).toEqual(before.get(item.asset.technicalName));
      }
      expect(again.items.map(idOf).sort()).toEqual(first.items.map(idOf).sort());

      const changed = harness.names[1] as string;
      await harness.change(changed);
      const after = await harness.source().extractSpace(harness.space, knownFrom(first));
      const item = after.items.find((i) => idOf(i) === `${harness.space}/${changed}`);
      expect(item?.state).toBe('extracted');
      if (item?.state === 'extracted') expect(hashAsset(item.asset, defaultChangeOptions)).not.toEqual(hashAsset(before.get(changed) as Asset, defaultChangeOptions));
    });
  });
}
