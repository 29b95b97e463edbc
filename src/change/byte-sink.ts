import { hash } from 'node:crypto';

/**
 * A growable byte buffer that JSON text is written into as UTF-8, and digested from, without ever building the text
 * as a string. Hashing is the hot loop of a run over a large catalog: concatenating a facet into a string builds a
 * rope that must then be flattened and re-encoded as UTF-8 before it can be hashed — three passes and two copies
 * where writing the bytes once is enough.
 *
 * `jsonString` writes exactly the bytes of `Buffer.from(JSON.stringify(s))`: the same escapes (`\"`, `\\`, `\b`,
 * `\f`, `\n`, `\r`, `\t`, `\u00xx` for other control characters, `\udxxx` for a lone surrogate, lowercase hex as
 * V8 writes it) and UTF-8 for everything else. The hashes are SHA-256 over those bytes, as they always were.
 */
export class ByteSink {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 16 * 1024) {
    this.buf = new Uint8Array(capacity);
  }

  reset(): void {
    this.pos = 0;
  }

  /** Room for `bytes` more. */
  ensure(bytes: number): void {
    const need = this.pos + bytes;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** Bytes known in advance (a quoted key, a literal). */
  bytes(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    if (n > 24) {
      buf.set(bytes, pos);
      pos += n;
    } else {
      for (let i = 0; i < n; i++) buf[pos++] = bytes[i]!;
    }
    this.pos = pos;
  }

  /** One ASCII byte. */
  byte(b: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** A string known to be ASCII (a number's text). */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = s.charCodeAt(i);
    this.pos = pos;
  }

  /** A JSON number as JSON.stringify writes it; non-finite numbers become null. */
  number(value: number): void {
    if (Number.isFinite(value)) this.ascii(String(value));
    else this.bytes(NULL);
  }

  /** `s` as a JSON string literal, UTF-8 encoded. */
  jsonString(s: string): void {
    const n = s.length;
    // Worst case: every code unit a six-byte escape.
    this.ensure(n * 6 + 2);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) {
          buf[pos++] = c;
          continue;
        }
        buf[pos++] = BACKSLASH;
        const short = SHORT_ESCAPES[c];
        if (short !== undefined) {
          buf[pos++] = short;
        } else {
          pos = writeUnicodeEscape(buf, pos, c);
        }
      } else if (c < 0x800) {
        buf[pos++] = 0xc0 | (c >> 6);
        buf[pos++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = ((c - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
          buf[pos++] = 0xf0 | (cp >> 18);
          buf[pos++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[pos++] = 0x80 | (cp & 0x3f);
          i++;
        } else {
          // A lone surrogate: JSON.stringify escapes it rather than writing invalid UTF-16.
          buf[pos++] = BACKSLASH;
          pos = writeUnicodeEscape(buf, pos, c);
        }
      } else {
        buf[pos++] = 0xe0 | (c >> 12);
        buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
        buf[pos++] = 0x80 | (c & 0x3f);
      }
    }
    buf[pos++] = QUOTE;
    this.pos = pos;
  }

  /** SHA-256 (hex) of the bytes written since `start`. */
  sha256(start: number): string {
    return hash('sha256', this.buf.subarray(start, this.pos), 'hex');
  }
}

/** The UTF-8 bytes of an ASCII literal. */
export function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NULL = asciiBytes('null');
const HEX = asciiBytes('0123456789abcdef');

/** The escapes JSON.stringify writes with a single letter, by code unit. */
const SHORT_ESCAPES: (number | undefined)[] = [];
SHORT_ESCAPES[0x08] = 0x62; // \b
SHORT_ESCAPES[0x09] = 0x74; // \t
SHORT_ESCAPES[0x0a] = 0x6e; // \n
SHORT_ESCAPES[0x0c] = 0x66; // \f
SHORT_ESCAPES[0x0d] = 0x72; // \r
SHORT_ESCAPES[QUOTE] = QUOTE;
SHORT_ESCAPES[BACKSLASH] = BACKSLASH;

/** `uXXXX` (the backslash is already written). */
function writeUnicodeEscape(buf: Uint8Array, pos: number, c: number): number {
  buf[pos++] = 0x75; // u
  buf[pos++] = HEX[(c >> 12) & 0xf]!;
  buf[pos++] = HEX[(c >> 8) & 0xf]!;
  buf[pos++] = HEX[(c >> 4) & 0xf]!;
  buf[pos++] = HEX[c & 0xf]!;
  return pos;
}
