import { describe, expect, it } from 'vitest';
import { firstInvalidOffset, locateJsonError, locationAt } from '../../src/config/json-error-location.ts';

/** Broken config texts of the kinds people write: V8 names a position for these. */
const POSITIONED = [
  '{\n  "a": 1\n  "b": 2\n}', // missing comma
  '{\n  "a": 1,\n}', // trailing comma
  "{\n  'a': 1\n}", // single-quoted key
  '{\n  a: 1\n}', // unquoted key
  '{\n  "a": 1 // comment\n}',
  '{\n  "a": "x\ny"\n}', // raw newline in a string
  '{\n  "a": 01\n}',
  '{"a": 1} {"b": 2}', // two documents
  '{\n  "a": "\\x"\n}', // bad escape
];

function v8Message(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`valid JSON: ${text}`);
}

describe('locating a JSON syntax error', () => {
  it.each(POSITIONED)('finds the same place as the engine in %j', (text) => {
    const reported = /at position (\d+)/.exec(v8Message(text));
    expect(reported).not.toBeNull();
    expect(firstInvalidOffset(text)).toBe(Number(reported![1]));
  });

  it.each([
    '{\n  "a": [1, 2,]\n}',
    '{\n  "a": tru\n}',
    '{\n  "a": flase\n}',
    "{\n  \"a\": 'single'\n}",
    '{\n  "a": abc\n}',
  ])('finds the token the engine names without a position in %j', (text) => {
    const token = /^Unexpected token '([\s\S])'/.exec(v8Message(text));
    expect(token).not.toBeNull();
    expect(text[firstInvalidOffset(text)]).toBe(token![1]);
  });

  it('finds a bad literal the engine reports without a position (Node 20)', () => {
    const text = '{\n  "source": {\n    "designTime": tru\n  }\n}';
    const { location, reason } = locateJsonError(text, v8Message(text));
    expect(location.line).toBe(3);
    expect(location.column).toBe(22);
    expect(reason).toMatch(/^Unexpected token/);
    expect(reason).not.toMatch(/is not valid JSON|"/);
  });

  it('points at the end of a truncated file', () => {
    const text = '{\n  "a": {\n    "b": 1';
    const { location, reason } = locateJsonError(text, v8Message(text));
    expect(location).toMatchObject({ line: 3, column: 11 });
    expect(reason).not.toMatch(/position/);
  });

  it('drops the position and line the engine adds itself (Node 22 and later)', () => {
    const { location, reason } = locateJsonError('{\n  "a": 1\n  "b": 2\n}', "Expected ',' or '}' after property value in JSON at position 13 (line 3 column 3)");
    expect(reason).toBe("Expected ',' or '}' after property value");
    expect(location).toMatchObject({ line: 3, column: 3 });
  });

  it('quotes the line with a caret under the column', () => {
    const { excerpt } = locationAt('{\n  "a": 1\n  "b": 2\n}', 13);
    expect(excerpt).toBe('  3 |   "b": 2\n    |   ^');
  });

  it('shows a window of a long line around the column', () => {
    const long = `{ "//": "${'x'.repeat(300)}", oops }`;
    const offset = long.indexOf('oops');
    const { excerpt, column } = locationAt(long, offset);
    expect(column).toBe(offset + 1);
    const [quoted, caret] = excerpt.split('\n') as [string, string];
    expect(quoted.length).toBeLessThan(120);
    expect(quoted).toContain('oops');
    expect(quoted.indexOf('oops')).toBe(caret.indexOf('^'));
  });
});
