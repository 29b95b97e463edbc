import { describe, expect, it } from 'vitest';
import { colourEnabled, createColours } from '../../src/cli/colour.ts';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('colourEnabled', () => {
  it('colours a terminal and nothing else', () => {
    expect(colourEnabled({ env: {}, stream: tty })).toBe(true);
    expect(colourEnabled({ env: {}, stream: pipe })).toBe(false);
    expect(colourEnabled({ env: {}, stream: {} })).toBe(false);
    expect(colourEnabled({ env: { TERM: 'dumb' }, stream: tty })).toBe(false);
  });

  it('respects --no-color and NO_COLOR (any non-empty value) at a terminal', () => {
    expect(colourEnabled({ flag: false, env: {}, stream: tty })).toBe(false);
    expect(colourEnabled({ env: { NO_COLOR: '1' }, stream: tty })).toBe(false);
    expect(colourEnabled({ env: { NO_COLOR: '' }, stream: tty })).toBe(true);
    expect(colourEnabled({ flag: true, env: {}, stream: tty })).toBe(true);
  });

  it('FORCE_COLOR colours a pipe unless it says 0 or false; NO_COLOR and --no-color still win', () => {
    expect(colourEnabled({ env: { FORCE_COLOR: '1' }, stream: pipe })).toBe(true);
    expect(colourEnabled({ env: { FORCE_COLOR: '0' }, stream: tty })).toBe(false);
    expect(colourEnabled({ env: { FORCE_COLOR: 'false' }, stream: tty })).toBe(false);
    expect(colourEnabled({ env: { FORCE_COLOR: '1', NO_COLOR: '1' }, stream: pipe })).toBe(false);
    expect(colourEnabled({ flag: false, env: { FORCE_COLOR: '1' }, stream: pipe })).toBe(false);
  });
});

describe('createColours', () => {
  it('wraps text in ANSI codes when enabled and leaves it alone otherwise', () => {
    expect(createColours(true).green('+ a')).toBe('\u001b[32m+ a\u001b[39m');
    expect(createColours(true).red('- a')).toBe('\u001b[31m- a\u001b[39m');
    expect(createColours(false).yellow('~ a')).toBe('~ a');
  });
});
