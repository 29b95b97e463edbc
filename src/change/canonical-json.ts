import { ByteSink, asciiBytes } from './byte-sink.ts';

/**
 * Deterministic JSON: object keys sorted (by UTF-16 code unit), undefined members dropped, arrays kept in order.
 * Two values that mean the same serialise to the same text, which is what makes a hash over them a change signal.
 * `text` lets the caller normalise every string value on the way (whitespace, case) without a second pass; keys
 * are written as they are.
 *
 * The hashes are taken over these bytes, so the rules are frozen: non-finite numbers, functions, symbols and
 * bigints write `null` (also as object members — unlike JSON.stringify, which drops them), an undefined array item
 * writes `null`. test/change/hash-stability.test.ts holds them to the hashes earlier versions wrote.
 */
export function canonicalJson(value: unknown, text: (s: string) => string = identity): string {
  const sink = new ByteSink(256);
  writeCanonicalJson(sink, value, text);
  return decoder.decode(sink.buf.subarray(0, sink.pos));
}

const decoder = new TextDecoder();

function identity(s: string): string {
  return s;
}

/** Writes the canonical JSON of `value` into `sink` as UTF-8 (see canonicalJson). */
export function writeCanonicalJson(sink: ByteSink, value: unknown, text: (s: string) => string): void {
  if (value === null) {
    sink.bytes(NULL);
    return;
  }
  switch (typeof value) {
    case 'string':
      sink.jsonString(text(value));
      return;
    case 'number':
      sink.number(value);
      return;
    case 'boolean':
      sink.bytes(value ? TRUE : FALSE);
      return;
    case 'object': {
      if (Array.isArray(value)) {
        sink.byte(OPEN_ARRAY);
        for (let i = 0; i < value.length; i++) {
          if (i > 0) sink.byte(COMMA);
          const item: unknown = value[i];
          if (item === undefined) sink.bytes(NULL);
          else writeCanonicalJson(sink, item, text);
        }
        sink.byte(CLOSE_ARRAY);
        return;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (!isSorted(keys)) keys.sort();
      sink.byte(OPEN_OBJECT);
      let first = true;
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) continue;
        if (!first) sink.byte(COMMA);
        first = false;
        sink.bytes(quotedKey(key));
        writeCanonicalJson(sink, member, text);
      }
      sink.byte(CLOSE_OBJECT);
      return;
    }
    default:
      // functions, symbols, bigint: not part of the model; treat as absent
      sink.bytes(NULL);
  }
}

/** Keys repeat across every asset (`name`, `type`, `label`…): encode each once. Bounded so odd inputs can't grow it. */
const quotedKeys = new Map<string, Uint8Array>();
const keySink = new ByteSink(256);

/** The bytes of `"key":`. */
export function quotedKey(key: string): Uint8Array {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    keySink.reset();
    keySink.jsonString(key);
    keySink.byte(COLON);
    quoted = keySink.buf.slice(0, keySink.pos);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** Objects built in key order (the hash facets are) skip the sort: checking is cheaper than sorting. */
function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}

const NULL = asciiBytes('null');
const TRUE = asciiBytes('true');
const FALSE = asciiBytes('false');
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;
