import { describe, expect, it } from 'vitest';
import { ByteSink } from '../../src/change/byte-sink.ts';
import { canonicalJson } from '../../src/change/canonical-json.ts';

function written(s: string, capacity = 4): Buffer {
  const sink = new ByteSink(capacity);
  sink.jsonString(s);
  return Buffer.from(sink.buf.subarray(0, sink.pos));
}

/** Deterministic strings over the code units that need care: controls, quotes, escapes, surrogates, multi-byte. */
function* strings(): Generator<string> {
  const units = [0x00, 0x01, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0x1f, 0x20, 0x22, 0x2f, 0x5c, 0x41, 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0x2028, 0x2029, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfeff, 0xffff];
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 3000; i++) {
    const length = next() % 12;
    let s = '';
    for (let j = 0; j < length; j++) s += String.fromCharCode(units[next() % units.length]!);
    yield s;
  }
  yield '';
  yield 'plain ascii';
  yield '🚲 ümlaut ß 中文';
  yield 'x'.repeat(70_000);
}

describe('ByteSink', () => {
  it('writes exactly the UTF-8 bytes of JSON.stringify for every kind of code unit, lone surrogates included', () => {
    for (const s of strings()) expect(written(s).equals(Buffer.from(JSON.stringify(s), 'utf8'))).toBe(true);
  });

  it('grows from any capacity and keeps what was written before', () => {
    const sink = new ByteSink(1);
    for (let i = 0; i < 500; i++) sink.jsonString(`item ${i} ü`);
    const expected = Array.from({ length: 500 }, (_, i) => JSON.stringify(`item ${i} ü`)).join('');
    expect(Buffer.from(sink.buf.subarray(0, sink.pos)).toString('utf8')).toBe(expected);
  });

  it('writes numbers as JSON does and non-finite ones as null', () => {
    const numbers = [0, -0, 1.5e-7, 1e21, -3, 2 ** 53, 0.1 + 0.2, Number.NaN, Number.POSITIVE_INFINITY];
    const sink = new ByteSink(2);
    for (const n of numbers) sink.number(n);
    expect(Buffer.from(sink.buf.subarray(0, sink.pos)).toString()).toBe(numbers.map((n) => JSON.stringify(n)).join(''));
    expect(Buffer.from(sink.buf.subarray(0, sink.pos)).toString()).toContain('1e+21');
  });
});

describe('canonicalJson', () => {
  it('keeps its frozen rules: keys by code unit, null for non-JSON members and undefined items, keys unnormalised', () => {
    const value = { b: [1, undefined, () => 1], '10': 'ten', '2': 'two', a: { f: () => 1, u: undefined, n: Number.NaN }, K: ' Spaced  Text ' };
    expect(canonicalJson(value, (s) => s.trim().toLowerCase())).toBe('{"10":"ten","2":"two","K":"spaced  text","a":{"f":null,"n":null},"b":[1,null,null]}');
  });
});
