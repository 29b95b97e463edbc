import { describe, expect, it, test } from 'vitest';

import { canonicalJson, canonicalize, canonicalizeOwned } from '../../src/state/canonical-json.ts';

describe('canonical JSON', () => {
  test('key order and undefined members do not matter, values do', () => {
    const a = { b: 1, a: { y: [3, { q: 1, p: 2 }], x: 'x' }, c: undefined };
    const b = { a: { x: 'x', y: [3, { p: 2, q: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"x","y":[3,{"p":2,"q":1}]},"b":1}');
    expect(canonicalJson({ ...b, b: 2 })).not.toBe(canonicalJson(b));
  });

  test('integer-like keys first, numerically; then code-unit order', () => {
    expect(canonicalJson({ b: 1, '10': 1, a: 1, '9': 1, B: 1 })).toBe('{"9":1,"10":1,"B":1,"a":1,"b":1}');
  });

  test('a __proto__ member from JSON.parse survives as data', () => {
    const parsed = JSON.parse('{"z":1,"__proto__":{"polluted":true}}') as object;
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"polluted":true},"z":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('canonicalize copies and freezes; canonicalizeOwned reuses what is already in order', () => {
    const source = { b: { d: 1, c: 2 }, a: [1] };
    const copy = canonicalize(source);
    expect(copy).toEqual(source);
    expect(copy).not.toBe(source);
    expect(Object.isFrozen(copy.b) && Object.isFrozen(copy.a)).toBe(true);
    expect(Object.isFrozen(source)).toBe(false);

    const owned = { a: { c: 1, d: 2 }, b: 'x' };
    const adopted = canonicalizeOwned(owned);
    expect(adopted).toBe(owned);
    expect(Object.isFrozen(owned.a)).toBe(true);
    const unordered = { b: 1, a: 2 };
    expect(Object.keys(canonicalizeOwned(unordered))).toEqual(['a', 'b']);
  });

  test('non-JSON values behave as in JSON.stringify', () => {
    expect(canonicalJson({ n: Number.NaN, f: () => 1, u: undefined, arr: [undefined, Infinity] })).toBe(
      '{"arr":[null,null],"n":null}',
    );
  });
});

describe('sameCanonical', () => {
  it('says equal exactly when the canonical texts are equal', async () => {
    const { canonicalize, sameCanonical, stringifyCanonical } = await import('../../src/state/canonical-json.ts');
    const values: unknown[] = [
      { a: 1, b: { c: [1, 2, { d: 'x' }] } },
      { b: { c: [1, 2, { d: 'x' }] }, a: 1 },
      { a: 1, b: { c: [1, 2, { d: 'y' }] } },
      { a: 1, b: { c: [1, 2] } },
      { a: 1, b: { c: [1, 2, { d: 'x' }] }, e: null },
      { a: '1', b: { c: [1, 2, { d: 'x' }] } },
      { a: 1, b: { c: { 0: 1, 1: 2 } } },
      [1, 2],
      [2, 1],
      null,
      'x',
      0,
      -0,
    ];
    const canonical = values.map((v) => canonicalize(v));
    for (const a of canonical) {
      for (const b of canonical) {
        expect(sameCanonical(a, b)).toBe(stringifyCanonical(a) === stringifyCanonical(b));
      }
    }
  });
});
