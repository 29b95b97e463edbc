import { describe, expect, it } from 'vitest';
import { plural } from '../../src/catalog/plural.ts';

describe('plural', () => {
  it('puts the noun in the number its count needs', () => {
    expect(plural(1, 'request')).toBe('1 request');
    expect(plural(2, 'request')).toBe('2 requests');
    expect(plural(0, 'table')).toBe('0 tables');
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
  });
});
