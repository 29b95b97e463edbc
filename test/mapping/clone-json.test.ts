import { describe, expect, it } from 'vitest';
import { cloneJson } from '../../src/mapping/clone-json.ts';

describe('cloneJson', () => {
  it('copies a table input deeply: equal, and sharing no object with the original', () => {
    const input = {
      Name: 't',
      StorageDescriptor: { Columns: [{ Name: 'a', Type: 'int', Parameters: { k: 'v' } }], Compressed: false, NumberOfBuckets: 0 },
      PartitionKeys: [],
      Parameters: { x: 'y' },
      Retention: null,
    };
    const copy = cloneJson(input);
    expect(copy).toStrictEqual(input);
    expect(copy.StorageDescriptor).not.toBe(input.StorageDescriptor);
    expect(copy.StorageDescriptor.Columns[0]).not.toBe(input.StorageDescriptor.Columns[0]);
    copy.StorageDescriptor.Columns[0]!.Parameters.k = 'changed';
    expect(input.StorageDescriptor.Columns[0]!.Parameters.k).toBe('v');
  });

  it('keeps a "__proto__" key as an own member, as JSON.parse does, without touching the prototype', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    const copy = cloneJson(parsed);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
    expect(JSON.stringify(copy)).toBe(JSON.stringify(parsed));
  });
});
