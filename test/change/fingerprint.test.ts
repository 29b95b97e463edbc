import { describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import { defaultChangeOptions } from '../../src/change/change-options.ts';
import { changeOptionsKey, fingerprintAsset } from '../../src/change/fingerprint.ts';
import { hashAsset } from '../../src/change/hash-asset.ts';
import { makeAsset } from '../support/make-asset.ts';

const key = changeOptionsKey(defaultChangeOptions);

/** Every way an asset's hashed content can change, one at a time. */
const edits: Record<string, (a: Asset) => void> = {
  technicalName: (a) => (a.technicalName = 'Other'),
  kind: (a) => (a.kind = 'view'),
  businessName: (a) => (a.businessName = 'Orders!'),
  description: (a) => delete a.description,
  owner: (a) => (a.owner = 'ü'),
  'column name': (a) => (a.columns[0]!.name = 'ID2'),
  'column key': (a) => (a.columns[0]!.key = false),
  'column nullable': (a) => (a.columns[0]!.nullable = true),
  'column type length': (a) => (a.columns[2]!.type.length = 6),
  'column type unknown field': (a) => ((a.columns[2]!.type as unknown as Record<string, unknown>).extra = 1),
  'column label': (a) => (a.columns[0]!.label = 'Order  ID'),
  'column description': (a) => (a.columns[0]!.description = ''),
  'column semantics': (a) => (a.columns[2]!.semantics = { 'Semantics.currencyCode': false }),
  'column order': (a) => a.columns.reverse(),
  'primary key': (a) => a.constraints.primaryKey.push('CURRENCY'),
  association: (a) => a.constraints.associations.push({ name: '_X', target: 'X' }),
  tag: (a) => a.businessContext.tags.push('new'),
  measure: (a) => (a.businessContext.measures[0]!.aggregation = 'MAX'),
  'custom property': (a) => (a.customProperties.p = 'v'),
  'string split differently': (a) => {
    a.businessName = 'Ord';
    a.description = `ers${a.description ?? ''}`;
  },
  'a wide character': (a) => (a.businessName = 'Ordērs'),
  'null for absent': (a) => ((a as unknown as Record<string, unknown>).owner = null),
};

describe('fingerprintAsset', () => {
  it('is stable for the same content, however often it is taken', () => {
    expect(fingerprintAsset(makeAsset(), key)).toBe(fingerprintAsset(makeAsset(), key));
    expect(fingerprintAsset(makeAsset(), key)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('moves with every change the hashes could see', () => {
    const seen = new Map<string, string>([[fingerprintAsset(makeAsset(), key), 'original']]);
    for (const [name, edit] of Object.entries(edits)) {
      const asset = makeAsset();
      edit(asset);
      const fp = fingerprintAsset(asset, key);
      expect({ name, clash: seen.get(fp) }).toEqual({ name, clash: undefined });
      seen.set(fp, name);
    }
  });

  it('never matches across change options, and a cache hit always means the same hashes', () => {
    const other = changeOptionsKey({ ...defaultChangeOptions, caseSensitive: false });
    const facets = changeOptionsKey({ ...defaultChangeOptions, facets: { content: true, schema: false, metadata: true } });
    expect(new Set([key, other, facets]).size).toBe(3);
    expect(changeOptionsKey({ ...defaultChangeOptions, facets: { content: true, schema: true, metadata: true } })).toBe(key);
    expect(fingerprintAsset(makeAsset(), other)).not.toBe(fingerprintAsset(makeAsset(), key));
    for (const edit of Object.values(edits)) {
      const asset = makeAsset();
      edit(asset);
      const again = structuredClone(asset);
      expect(fingerprintAsset(again, key)).toBe(fingerprintAsset(asset, key));
      expect(hashAsset(again, defaultChangeOptions)).toEqual(hashAsset(asset, defaultChangeOptions));
    }
  });

  it('reuses its buffer safely: a large asset then a small one give the small one its own fingerprint', () => {
    const small = fingerprintAsset(makeAsset(), key);
    const big = makeAsset({ description: 'x'.repeat(200_000) });
    expect(fingerprintAsset(big, key)).not.toBe(small);
    expect(fingerprintAsset(makeAsset(), key)).toBe(small);
  });
});
