import { describe, expect, it } from 'vitest';
import { jsonBytes, jsonBytesSpread, jsonBytesWithMember } from '../../../src/connectors/file/json-bytes.ts';

const values: unknown[] = [
  {},
  { Name: 'orders' },
  { Name: 'bestellungen_ä', Description: 'Größe — 注文 😀', Parameters: { a: '1', b: '"quoted"\n' } },
  { Name: 'x', Skipped: undefined, Columns: [{ Name: 'c', Type: 'string' }] },
];
const members: Record<string, unknown>[] = [
  {},
  { DatabaseName: 'ds_sales' },
  { DatabaseName: 'ds_späce', VersionId: '12' },
  { DatabaseName: 'db', VersionId: undefined },
];

describe('jsonBytesWithMember', () => {
  it('is the size of the whole object serialised, for every mix of members and values', () => {
    for (const own of members) {
      for (const value of values) {
        expect(jsonBytesWithMember(own, 'TableInput', jsonBytes(value))).toBe(jsonBytes({ ...own, TableInput: value }));
      }
    }
  });
});

describe('jsonBytesSpread', () => {
  it('is the size of the spread object serialised, for every mix of objects and extra members', () => {
    for (const object of values) {
      for (const extra of members) {
        expect(jsonBytesSpread(jsonBytes(object), extra)).toBe(jsonBytes({ ...(object as object), ...extra }));
      }
    }
  });
});
