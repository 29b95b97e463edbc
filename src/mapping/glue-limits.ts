import { createHash } from 'node:crypto';

/**
 * Limits the real Glue API enforces and moto does not, so they are ours to apply. Glue's documentation gives some
 * in characters and some in bytes; we count UTF-8 bytes everywhere, which satisfies both readings.
 */
export const GLUE_LIMITS = {
  nameBytes: 255,
  descriptionBytes: 2048,
  commentBytes: 255,
  parameterKeyBytes: 255,
  parameterValueBytes: 512_000,
} as const;

const ELLIPSIS = '…';
const HASH_LENGTH = 8;

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never splitting a code point. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = Math.max(0, maxBytes);
  // Step back over continuation bytes (10xxxxxx) to the start of the code point that did not fit.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

/** A short, stable digest, used to keep truncated names and keys apart. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, HASH_LENGTH);
}

/**
 * Cuts `text` to `maxBytes`, replacing the tail by `_<hash of the whole text>` so that two long texts sharing a
 * prefix stay distinct. Used for names and parameter keys, where a collision would merge two things.
 */
export function truncateWithHash(text: string, maxBytes: number): string {
  if (utf8Length(text) <= maxBytes) return text;
  return `${truncateUtf8(text, maxBytes - HASH_LENGTH - 1)}_${shortHash(text)}`;
}

// Glue's single-line pattern admits U+0020-U+D7FF, U+E000-U+FFFD, surrogate pairs and tab; the multi-line one adds
// CR and LF. Lone surrogates and the other control characters are replaced by a space.
const NOT_SINGLE_LINE = /[\u0000-\u0008\u000A-\u001F\uFFFE\uFFFF\uD800-\uDFFF]+/gu;
const NOT_MULTI_LINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]+/gu;

export function toSingleLine(text: string): string {
  return text.replace(NOT_SINGLE_LINE, ' ');
}

export function toMultiLine(text: string): string {
  return text.replace(NOT_MULTI_LINE, ' ');
}

export interface Fitted {
  value: string;
  /** Set when the value had to be cut; the caller adds context and reports it. */
  truncatedFrom?: number;
}

/** Cuts display text (descriptions, comments) to `maxBytes`, marking the cut with an ellipsis. */
export function fitText(text: string, maxBytes: number): Fitted {
  const length = utf8Length(text);
  if (length <= maxBytes) return { value: text };
  return { value: truncateUtf8(text, maxBytes - utf8Length(ELLIPSIS)) + ELLIPSIS, truncatedFrom: length };
}

/** Fits a Parameters value; JSON values cut here no longer parse, which the warning says. */
export function fitParameterValue(key: string, value: string, warnings: string[]): string {
  const length = utf8Length(value);
  if (length <= GLUE_LIMITS.parameterValueBytes) return value;
  warnings.push(
    `parameter ${key}: value truncated from ${length} to ${GLUE_LIMITS.parameterValueBytes} bytes (Glue limit)`,
  );
  return truncateUtf8(value, GLUE_LIMITS.parameterValueBytes);
}

/** Fits a Parameters key: single-line, at most 255 bytes, cut with a hash suffix so keys stay distinct. */
export function fitParameterKey(key: string, warnings: string[]): string {
  const line = toSingleLine(key);
  const fitted = truncateWithHash(line, GLUE_LIMITS.parameterKeyBytes);
  if (fitted !== line) {
    const shown = JSON.stringify(key.slice(0, 60));
    warnings.push(`parameter key ${shown}…: cut to ${GLUE_LIMITS.parameterKeyBytes} bytes with a hash suffix`);
  }
  return fitted;
}
