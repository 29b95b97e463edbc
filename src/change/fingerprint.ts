import { hash } from 'node:crypto';
import type { Asset } from '../catalog/asset.ts';
import { canonicalJson } from './canonical-json.ts';
import type { ChangeOptions } from './change-options.ts';

/**
 * A digest of everything the three hashes are computed from (see writeAsset), as delivered (nested objects in
 * source key order), and of the options it is compared under. It is a cache key, not a change signal: when it equals the one stored with the checkpoint, the three facet
 * hashes stored there are still right and need not be recomputed. Anything that differs (a changed value, another
 * key order, other options) simply misses the cache and the real hashes are computed.
 *
 * It costs one read of the asset: every string's code units are copied into a reused byte buffer behind a type
 * tag and a length (so the encoding is unambiguous without escaping anything), and the buffer is hashed once with
 * SHA-256. No JSON text, no intermediate strings.
 */
export function fingerprintAsset(asset: Asset, optionsKey: string): string {
  const sink = shared;
  sink.pos = 0;
  sink.unit(ENCODING_VERSION);
  sink.string(optionsKey);
  writeAsset(sink, asset);
  return hash('sha256', sink.bytes.subarray(0, sink.pos), 'hex');
}

/**
 * Every field hashAsset reads, and only those — the same inputs give the same hashes, so nothing else can make a
 * cached hash wrong. Known fields are read by name (fast, monomorphic); the open-ended parts (types with unknown
 * fields, semantics, constraints, business context, custom properties) go through the generic walk.
 */
function writeAsset(sink: UnitSink, asset: Asset): void {
  sink.value(asset.technicalName);
  sink.value(asset.kind);
  sink.value(asset.businessName);
  sink.value(asset.description);
  sink.value(asset.owner);
  const columns = asset.columns;
  if (!Array.isArray(columns)) {
    sink.value(columns);
  } else {
    sink.array(columns.length);
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      if (c === null || typeof c !== 'object') {
        sink.value(c);
        continue;
      }
      sink.unit(OBJECT);
      sink.value(c.name);
      sink.value(c.key);
      sink.value(c.nullable);
      sink.value(c.type);
      sink.value(c.label);
      sink.value(c.description);
      sink.value(c.semantics);
      sink.unit(END);
    }
  }
  sink.value(asset.constraints);
  sink.value(asset.businessContext);
  sink.value(asset.customProperties);
  // A Glue source's native part is hashed too (hash-asset.ts); only present there, so other fingerprints stay as they were.
  if (asset.glue !== undefined) sink.value(asset.glue);
  // Likewise the storage a `storage.rules` entry gave the asset: a changed rule must not reuse the old hashes.
  if (asset.storage !== undefined) sink.value(asset.storage);
}

/** Distinguishes fingerprints taken under different comparison options. Facets all on is the same as no facets. */
export function changeOptionsKey(options: ChangeOptions): string {
  const { ignoreFields, normalizeWhitespace, caseSensitive, facets } = options;
  const allOn = facets === undefined || (facets.content && facets.schema && facets.metadata);
  return `v2${canonicalJson({ caseSensitive, ignoreFields, normalizeWhitespace, ...(allOn ? {} : { facets }) })}`;
}

/** Bumped whenever the encoding below changes, so old fingerprints can never match new ones by accident. */
const ENCODING_VERSION = 2;

const STRING = 1;
const NUMBER = 2;
const TRUE = 3;
const FALSE = 4;
const NULL = 5;
const ARRAY = 6;
const OBJECT = 7;
const END = 8;
const KEY = 9;
/** A function, symbol or bigint: not JSON, but the canonical hashes see it (as null), so it must not vanish here. */
const OTHER = 10;
/** Or-ed into a string's tag when its code units are written as two bytes each. */
const WIDE = 0x80;

class UnitSink {
  bytes = new Uint8Array(32 * 1024);
  pos = 0;

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
  }

  unit(u: number): void {
    if (this.pos >= this.bytes.length) this.ensure(1);
    this.bytes[this.pos++] = u;
  }

  /**
   * Tag, length (four bytes, so any length fits) and the code units: one byte each while they are below 256 (almost
   * every catalog string), else all of them as two bytes under the wide tag.
   */
  tagged(tag: number, s: string): void {
    const n = s.length;
    this.ensure(2 * n + 5);
    const bytes = this.bytes;
    const start = this.pos;
    let pos = start;
    bytes[pos++] = tag;
    bytes[pos++] = n >>> 24;
    bytes[pos++] = (n >>> 16) & 0xff;
    bytes[pos++] = (n >>> 8) & 0xff;
    bytes[pos++] = n & 0xff;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) {
        this.pos = start;
        this.wide(tag, s);
        return;
      }
      bytes[pos++] = c;
    }
    this.pos = pos;
  }

  wide(tag: number, s: string): void {
    const n = s.length;
    const bytes = this.bytes;
    let pos = this.pos;
    bytes[pos++] = tag | WIDE;
    bytes[pos++] = n >>> 24;
    bytes[pos++] = (n >>> 16) & 0xff;
    bytes[pos++] = (n >>> 8) & 0xff;
    bytes[pos++] = n & 0xff;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      bytes[pos++] = c >>> 8;
      bytes[pos++] = c & 0xff;
    }
    this.pos = pos;
  }

  string(s: string): void {
    this.tagged(STRING, s);
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.tagged(STRING, v);
        return;
      case 'number':
        this.tagged(NUMBER, String(v));
        return;
      case 'boolean':
        this.unit(v ? TRUE : FALSE);
        return;
      case 'undefined':
        this.unit(NULL);
        return;
      case 'object':
        if (v === null) {
          this.unit(NULL);
        } else if (Array.isArray(v)) {
          this.array(v.length);
          for (let i = 0; i < v.length; i++) this.value(v[i]);
        } else {
          this.unit(OBJECT);
          const record = v as Record<string, unknown>;
          // Inherited enumerable members (none, on parsed JSON) would only make the key finer, never wrong.
          for (const key in record) {
            const member = record[key];
            if (member === undefined) continue;
            this.tagged(KEY, key);
            this.value(member);
          }
          this.unit(END);
        }
        return;
      default:
        this.unit(OTHER);
    }
  }

  array(length: number): void {
    this.ensure(5);
    const bytes = this.bytes;
    bytes[this.pos++] = ARRAY;
    bytes[this.pos++] = length >>> 24;
    bytes[this.pos++] = (length >>> 16) & 0xff;
    bytes[this.pos++] = (length >>> 8) & 0xff;
    bytes[this.pos++] = length & 0xff;
  }
}

/** Fingerprinting is synchronous, so one buffer serves every call; it grows to the largest asset seen. */
const shared = new UnitSink();
