/**
 * Name selection for spaces and assets (Datasphere spaces and assets, Glue databases and tables): glob patterns
 * where `*` matches any run of characters and `?` one character, matched against the whole technical name,
 * case-sensitively (Datasphere technical names are; Glue names are lowercase). Everything else in a pattern is
 * literal, so `SAP.TIME.*` means exactly the dots it shows.
 */
export class NamePatterns {
  private readonly include: RegExp[];
  private readonly exclude: RegExp[];

  constructor(include: readonly string[], exclude: readonly string[] = []) {
    this.include = include.map(globToRegExp);
    this.exclude = exclude.map(globToRegExp);
  }

  /** Included (by any include pattern, or all when there are none) and not excluded. */
  matches(name: string): boolean {
    if (this.include.length > 0 && !this.include.some((pattern) => pattern.test(name))) return false;
    return !this.exclude.some((pattern) => pattern.test(name));
  }
}

export function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'su');
}
