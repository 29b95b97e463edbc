import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/state/canonical-json.ts';
import { parseEntry } from '../../src/state/checkpoint-schema.ts';
import { FAST_PATH, snapshotEntry } from '../../src/state/entry-snapshot.ts';
import { makeEntry } from './helpers.ts';

/** Variants of a valid entry, valid and invalid, covering every field the hand check looks at. */
function variants(): Record<string, unknown>[] {
  const base = { ...makeEntry(1), fingerprint: 'f'.repeat(64), definitionFormat: 'csn', fullWriteBytes: 10, tableBytes: 20, sourceBytes: 30, validator: '' } as Record<string, unknown>;
  const out: Record<string, unknown>[] = [base, makeEntry(2) as unknown as Record<string, unknown>];
  const set = (path: string[], value: unknown) => {
    const copy = structuredClone(base);
    let at = copy;
    for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
    if (value === DELETE) delete at[path.at(-1)!];
    else at[path.at(-1)!] = value;
    out.push(copy);
  };
  const times = ['2026-02-31T00:00:00.000Z', '2024-02-29T00:00:00.000Z', '2026-11-22T24:00:00.000Z', '2026-11-22T17:07:30Z', '2026-11-22T17:07:30.123+01:00', '0000-01-01T00:00:00.000Z', 'yesterday', '', 5];
  for (const t of times) {
    set(['lastSyncAt'], t);
    set(['deprecatedAt'], t);
  }
  for (const [field, values] of Object.entries({
    assetId: ['', 'x', 1, DELETE],
    assetType: ['', 'hierarchy', 'future-kind', null, DELETE],
    sourceSystem: ['', 'other', DELETE],
    syncVersion: [0, -1, 1.5, 2 ** 53, '1', DELETE],
    fullWriteBytes: [0, -1, 0.5, '1', undefined],
    tableBytes: [-5, 7, null],
    sourceBytes: [Number.NaN, 3],
    definitionFormat: ['', 'edmx', 3],
    fingerprint: ['', 'x', false],
    validator: ['', 'W/"etag"', 4],
    customProperties: [{}, { a: 'b', A: 'c', '2': 'x', '10': 'y' }, { a: 1 }, [], null, DELETE, { __proto__: 'p' }],
    hashes: [{ content: 'a', schema: 'b', metadata: 'c' }, { content: 'a', schema: 'b' }, { content: '', schema: 'b', metadata: 'c' }, { content: 'a', schema: 'b', metadata: 'c', extra: 1 }, 'x'],
    target: [{ database: 'd', table: 't' }, { database: 'd', table: 't', version: 3 }, { database: '', table: 't' }, { database: 'd', table: 't', version: '2', glue: 'x' }, {}, { database: 'd', table: 't', selfContained: 'tok' }, { database: 'd', table: 't', selfContained: '' }, { database: 'd', table: 't', selfContained: 1 }],
    newerField: ['kept', { nested: true }],
  })) {
    for (const value of values) set([field], value);
  }
  set(['hashes', 'schema'], 7);
  set(['target', 'version'], undefined);
  out.push({ ...base, __proto__: null } as Record<string, unknown>);
  out.push(Object.assign(Object.create({ inherited: 1 }) as object, base) as Record<string, unknown>);
  return out;
}
const DELETE = Symbol('delete');

describe('snapshotEntry', () => {
  it('knows every field of the entry schema, so loads and puts take the fast path (add a new field to entry-snapshot.ts)', () => {
    expect(FAST_PATH).toBe(true);
  });

  it('accepts exactly what the zod schema accepts, and snapshots it as the canonical copy would', () => {
    for (const value of variants()) {
      const fast = snapshotEntry(value);
      const zod = parseEntry(value);
      expect({ value, ok: fast.ok }).toEqual({ value, ok: zod.ok });
      if (fast.ok && zod.ok) {
        expect(JSON.stringify(fast.entry)).toBe(JSON.stringify(canonicalize(zod.entry)));
        expect(Object.isFrozen(fast.entry)).toBe(true);
        expect(Object.isFrozen(fast.entry.hashes) && Object.isFrozen(fast.entry.target) && Object.isFrozen(fast.entry.customProperties)).toBe(true);
      }
      if (!fast.ok && !zod.ok) expect(fast.issues).toEqual(zod.issues);
    }
  });

  it('agrees with zod on the calendar: the last days of every month, leap years and century years included', () => {
    for (const year of ['1900', '2000', '2023', '2024', '2100']) {
      for (let month = 1; month <= 12; month++) {
        for (const day of [28, 29, 30, 31, 32]) {
          const time = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T10:20:30.456Z`;
          const value = { ...makeEntry(1), lastSyncAt: time };
          expect({ time, ok: snapshotEntry(value).ok }).toEqual({ time, ok: parseEntry(value).ok });
        }
      }
    }
  });

  it('copies: later changes to the caller\'s object never reach the snapshot', () => {
    const entry = makeEntry(3);
    const result = snapshotEntry(entry);
    expect(result.ok).toBe(true);
    entry.hashes.schema = 'changed';
    entry.customProperties.owner = 'changed';
    if (result.ok) {
      expect(result.entry.hashes.schema).not.toBe('changed');
      expect(result.entry.customProperties.owner).toBe('data-team');
    }
  });
});
