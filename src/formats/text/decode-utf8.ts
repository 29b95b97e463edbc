export type DecodedText = { ok: true; text: string } | { ok: false; reason: string };

const strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes → text, refusing invalid UTF-8 instead of replacing it with U+FFFD as `Buffer.toString` does. A name
 * whose bytes were damaged would otherwise arrive as another name (`Sales\uFFFDOrders` syncs as
 * `sales_orders`, a new table), so damaged input is reported as damaged. A leading byte-order mark is dropped,
 * as JSON parsers expect.
 */
export function decodeUtf8(bytes: Uint8Array): DecodedText {
  try {
    return { ok: true, text: strict.decode(bytes) };
  } catch {
    return { ok: false, reason: `not valid UTF-8 (first invalid byte at offset ${firstInvalidOffset(bytes)})` };
  }
}

/** Where the first byte sequence that is not well-formed UTF-8 (RFC 3629) starts. */
function firstInvalidOffset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return bytes.length;
}

/** Length of the well-formed sequence at `i`, or 0 when it is not one. */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] as number;
  if (b0 < 0x80) return 1;
  const cont = (k: number, low = 0x80, high = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= low && b <= high;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    // No overlong forms (E0 A0..), no surrogates (ED ..9F).
    const ok = b0 === 0xe0 ? cont(1, 0xa0) : b0 === 0xed ? cont(1, 0x80, 0x9f) : cont(1);
    return ok && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    // No overlong forms (F0 90..), nothing above U+10FFFF (F4 ..8F).
    const ok = b0 === 0xf0 ? cont(1, 0x90) : b0 === 0xf4 ? cont(1, 0x80, 0x8f) : cont(1);
    return ok && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
