import { describe, expect, it } from 'vitest';
import {
  fitParameterKey,
  fitParameterValue,
  fitText,
  toMultiLine,
  toSingleLine,
  truncateUtf8,
  truncateWithHash,
} from '../../src/mapping/glue-limits.ts';

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('glue limits', () => {
  it('truncateUtf8 never splits a code point', () => {
    expect(truncateUtf8('aäb', 2)).toBe('a');
    expect(truncateUtf8('aäb', 3)).toBe('aä');
    expect(truncateUtf8('😀x', 3)).toBe('');
    expect(truncateUtf8('short', 100)).toBe('short');
  });

  it('truncateWithHash fits the limit and keeps different texts apart', () => {
    const a = truncateWithHash(`${'k'.repeat(300)}1`, 255);
    const b = truncateWithHash(`${'k'.repeat(300)}2`, 255);
    expect(utf8(a)).toBeLessThanOrEqual(255);
    expect(a).not.toBe(b);
  });

  it('toSingleLine removes CR/LF and control characters, keeps tabs', () => {
    expect(toSingleLine('a\r\nb\nc\td\u0007e')).toBe('a b c\td e');
    expect(toMultiLine('a\r\nb\u0007c')).toBe('a\r\nb c');
  });

  it('fitText cuts with an ellipsis and reports the original size', () => {
    expect(fitText('abc', 3)).toEqual({ value: 'abc' });
    const fitted = fitText('ü'.repeat(200), 255);
    expect(utf8(fitted.value)).toBeLessThanOrEqual(255);
    expect(fitted.value.endsWith('…')).toBe(true);
    expect(fitted.truncatedFrom).toBe(400);
  });

  it('fits parameter values to 512000 bytes and keys to 255, warning each time', () => {
    const warnings: string[] = [];
    expect(utf8(fitParameterValue('k', 'v'.repeat(600_000), warnings))).toBe(512_000);
    expect(fitParameterValue('k', 'small', warnings)).toBe('small');
    const key = fitParameterKey(`datasphere.custom.${'x'.repeat(300)}`, warnings);
    expect(utf8(key)).toBeLessThanOrEqual(255);
    expect(fitParameterKey('datasphere.custom.a\nb', warnings)).toBe('datasphere.custom.a b');
    expect(warnings).toHaveLength(2);
  });
});
