export interface JsonErrorLocation {
  /** 1-based. */
  line: number;
  /** 1-based, in characters of that line. */
  column: number;
  /** The offending line, cut to a window around the column when long, and a caret under the column. */
  excerpt: string;
}

/** Lines longer than this are shown as a window around the column (comment strings in configs run long). */
const MAX_EXCERPT = 100;

/**
 * Where JSON.parse gave up. V8 names a position for most errors ("... in JSON at position 42"), newer Node
 * versions add "(line 3 column 5)"; but an unexpected literal (`tru`, `'x'`) comes with a quoted snippet and
 * no position on Node 20, so then the text is scanned for the first place that cannot be JSON.
 */
export function locateJsonError(text: string, message: string): { location: JsonErrorLocation; reason: string } {
  const reported = /\bat position (\d+)/.exec(message);
  const offset = reported ? Number(reported[1]) : firstInvalidOffset(text);
  return { location: locationAt(text, Math.min(offset, text.length)), reason: reasonOf(message) };
}

/** The engine's message without its own position, line or quoted snippet: we print our own. */
function reasonOf(message: string): string {
  return message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s+in JSON at position \d+/, '')
    .replace(/^(Unexpected token .*?), (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '$1')
    .trim();
}

export function locationAt(text: string, offset: number): JsonErrorLocation {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset);
  const column = offset - lineStart + 1;
  const content = text.slice(lineStart, lineEnd).replace(/\r$/, '');
  let shown = content;
  let caretAt = column - 1;
  if (content.length > MAX_EXCERPT) {
    const start = Math.max(0, Math.min(caretAt - MAX_EXCERPT / 2, content.length - MAX_EXCERPT));
    shown = (start > 0 ? '…' : '') + content.slice(start, start + MAX_EXCERPT) + (start + MAX_EXCERPT < content.length ? '…' : '');
    caretAt = caretAt - start + (start > 0 ? 1 : 0);
  }
  // Tabs keep their width under the caret so it lines up in a terminal.
  const pad = shown.slice(0, caretAt).replace(/[^\t]/g, ' ');
  const gutter = String(line);
  const excerpt = `  ${gutter} | ${shown}\n  ${' '.repeat(gutter.length)} | ${pad}^`;
  return { line, column, excerpt };
}

/**
 * Offset of the first character that cannot continue a JSON text (RFC 8259), or the text's length when it
 * ends too early. Only consulted when the engine did not say where; it never has to accept what JSON.parse
 * rejects, it only has to find the same place.
 */
export function firstInvalidOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i += 1;
  };
  const fail = (): never => {
    throw new Stop(i);
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i += 1;
    }
  };
  const string = () => {
    i += 1; // opening quote
    while (i < text.length) {
      const ch = text[i]!;
      if (ch === '"') {
        i += 1;
        return;
      }
      if (ch < ' ') fail();
      if (ch === '\\') {
        i += 1;
        const esc = text[i];
        if (esc === 'u') {
          for (let k = 1; k <= 4; k += 1) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) throw new Stop(i + k);
          i += 5;
          continue;
        }
        if (esc === undefined || !'"\\/bfnrt'.includes(esc)) fail();
      }
      i += 1;
    }
    fail();
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) fail();
    i += match![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i += 1;
      ws();
      if (text[i] === '}') {
        i += 1;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i += 1;
        value();
        ws();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === '}') {
          i += 1;
          return;
        }
        fail();
      }
    }
    if (ch === '[') {
      i += 1;
      ws();
      if (text[i] === ']') {
        i += 1;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === ']') {
          i += 1;
          return;
        }
        fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return number();
    fail();
  };
  try {
    value();
    ws();
    return i < text.length ? i : text.length;
  } catch (error) {
    if (error instanceof Stop) return error.offset;
    throw error;
  }
}

class Stop {
  constructor(readonly offset: number) {}
}
