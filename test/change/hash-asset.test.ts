import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/change/canonical-json.ts';
import { defaultChangeOptions } from '../../src/change/change-options.ts';
import { hashAsset, metadataFacet, needsNormalising, schemaFacet } from '../../src/change/hash-asset.ts';
import { createHash } from 'node:crypto';
import { makeAsset } from '../support/make-asset.ts';

const opts = defaultChangeOptions;

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('gives the same string for the same value built in a different key order', () => {
    const one = makeAsset();
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]))
          : v;
    const two = reverseKeys(one);
    expect(JSON.stringify(two)).not.toBe(JSON.stringify(one));
    expect(canonicalJson(two)).toBe(canonicalJson(one));
  });
});

describe('hashAsset', () => {
  const base = hashAsset(makeAsset(), opts);

  it('produces three distinct SHA-256 hex digests', () => {
    for (const h of Object.values(base)) expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(Object.values(base)).size).toBe(3);
  });

  it('moves only the content hash when the description changes', () => {
    const h = hashAsset(makeAsset({ description: 'Other' }), opts);
    expect(h.content).not.toBe(base.content);
    expect(h.schema).toBe(base.schema);
    expect(h.metadata).toBe(base.metadata);
  });

  it('moves only the schema hash when a column type changes', () => {
    const asset = makeAsset();
    asset.columns[0]!.type = { name: 'cds.Integer' };
    const h = hashAsset(asset, opts);
    expect(h.schema).not.toBe(base.schema);
    expect(h.content).toBe(base.content);
    expect(h.metadata).toBe(base.metadata);
  });

  it('moves only the metadata hash when a column label changes', () => {
    const asset = makeAsset();
    asset.columns[1]!.label = 'Gross amount';
    const h = hashAsset(asset, opts);
    expect(h.metadata).not.toBe(base.metadata);
    expect(h.content).toBe(base.content);
    expect(h.schema).toBe(base.schema);
  });

  it('treats column order as schema', () => {
    const asset = makeAsset();
    asset.columns.reverse();
    expect(hashAsset(asset, opts).schema).not.toBe(base.schema);
  });

  it('ignores configured fields, also through arrays', () => {
    const withOwner = { ...opts, ignoreFields: ['owner', 'columns.description'] };
    const a = makeAsset();
    const b = makeAsset({ owner: 'someone-else' });
    b.columns[1]!.description = 'changed';
    expect(hashAsset(b, withOwner)).toEqual(hashAsset(a, withOwner));
    expect(hashAsset(b, opts)).not.toEqual(hashAsset(a, opts));
  });

  it('normalises whitespace only when asked', () => {
    const spaced = makeAsset({ description: '  Sales \n orders ' });
    expect(hashAsset(spaced, opts).content).toBe(base.content);
    expect(hashAsset(spaced, { ...opts, normalizeWhitespace: false }).content).not.toBe(
      hashAsset(makeAsset(), { ...opts, normalizeWhitespace: false }).content,
    );
  });

  it('compares case-insensitively only when caseSensitive is false', () => {
    const upper = makeAsset({ description: 'SALES ORDERS' });
    expect(hashAsset(upper, opts).content).not.toBe(base.content);
    const ci = { ...opts, caseSensitive: false };
    expect(hashAsset(upper, ci).content).toBe(hashAsset(makeAsset(), ci).content);
  });

  it('serialises the column facets exactly as the canonical JSON of the facet objects', () => {
    const sha = (v: unknown, text?: (s: string) => string) => createHash('sha256').update(canonicalJson(v, text)).digest('hex');
    const bare = makeAsset({ columns: [{ name: 'X', type: { name: 'cds.String', length: 3 }, nullable: true, key: false }] });
    const rich = makeAsset();
    rich.columns[0]!.semantics = { 'Semantics.b': 'x', 'Semantics.a': true };
    const raw = { ...defaultChangeOptions, normalizeWhitespace: false };
    for (const a of [bare, rich, makeAsset({ columns: [] })]) {
      expect(hashAsset(a, raw).schema).toBe(sha(schemaFacet(a)));
      expect(hashAsset(a, raw).metadata).toBe(sha(metadataFacet(a)));
    }
  });
});

describe('needsNormalising', () => {
  // The regular expression it replaced: what `\s` means is the definition.
  const reference = /^\s|\s$|\s\s|[^\S ]/;
  const whitespace = [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u1680', '\u2000', '\u2005', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];
  // Not whitespace, though near it: other control characters, zero-width space, next line, Mongolian vowel separator.
  const other = ['a', 'Z', '0', '\u0000', '\u0008', '\u000e', '\u001f', '\u0085', '\u180e', '\u200b', '\u00e9', '😀', '_'];

  it('agrees with /^\\s|\\s$|\\s\\s|[^\\S ]/ on every string of up to three characters from whitespace and its neighbours', () => {
    const alphabet = [...whitespace, ...other];
    // Every code unit is whitespace to exactly the same degree as to the reference.
    for (let c = 0; c <= 0xffff; c++) {
      const one = String.fromCharCode(c);
      expect(needsNormalising(one), `U+${c.toString(16)}`).toBe(reference.test(one));
    }
    for (const a of ['', ...alphabet]) {
      for (const b of alphabet) {
        for (const c of ['', ...alphabet]) {
          const s = `${a}${b}${c}`;
          expect(needsNormalising(s), JSON.stringify(s)).toBe(reference.test(s));
        }
      }
    }
    for (const s of ['', 'Sales Order', 'Sales  Order', ' Sales', 'Sales ', 'Sales\u00a0Order', 'a b c d', 'a b  c']) {
      expect(needsNormalising(s), JSON.stringify(s)).toBe(reference.test(s));
    }
  });
});
