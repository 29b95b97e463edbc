/**
 * ANSI colour for human output, decided once per stream. Off unless the stream is a terminal; `NO_COLOR` (any
 * non-empty value, https://no-color.org) and `--no-color` turn it off, `FORCE_COLOR` (other than `0` or `false`)
 * turns it on even in a pipe. Five styles are all the output needs, so no colour library is loaded for them.
 */
export interface Colours {
  readonly enabled: boolean;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

export interface ColourChoice {
  /** `false` when `--no-color` was given (commander's negated option). */
  flag?: boolean;
  env?: NodeJS.ProcessEnv;
  stream?: { isTTY?: boolean };
}

export function colourEnabled(choice: ColourChoice = {}): boolean {
  const env = choice.env ?? process.env;
  if (choice.flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.TERM === 'dumb') return false;
  return (choice.stream ?? process.stdout).isTTY === true;
}

const style = (open: number, close: number) => (text: string): string => `\u001b[${open}m${text}\u001b[${close}m`;

const plain = (text: string): string => text;

export function createColours(enabled: boolean): Colours {
  if (!enabled) return { enabled, green: plain, red: plain, yellow: plain, bold: plain, dim: plain };
  return { enabled, green: style(32, 39), red: style(31, 39), yellow: style(33, 39), bold: style(1, 22), dim: style(2, 22) };
}

export const noColours: Colours = createColours(false);
