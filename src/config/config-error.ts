import type { JsonErrorLocation } from './json-error-location.ts';

/** One wrong value: the dotted config path (`deletion.maxCount`, `(root)`) and what was expected there. */
export interface ConfigProblem {
  path: string;
  message: string;
}

export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_NOT_FOUND';

/** The configuration could not be read or is invalid; the message names the path and what was expected. */
export class ConfigError extends Error {
  readonly code: ConfigErrorCode;
  readonly problems: ConfigProblem[];
  /** Where a file that is not valid JSON went wrong. */
  readonly location: JsonErrorLocation | undefined;

  constructor(message: string, problems: ConfigProblem[] = [], options: { code?: ConfigErrorCode; location?: JsonErrorLocation } = {}) {
    const issues = problems.map(formatProblem);
    super(issues.length > 0 ? `${message}\n${issues.map((i) => `  - ${i}`).join('\n')}` : message);
    this.name = 'ConfigError';
    this.code = options.code ?? 'CONFIG_INVALID';
    this.problems = problems;
    this.location = options.location;
  }

  /** Each problem as printed: `path: message`. */
  get issues(): string[] {
    return this.problems.map(formatProblem);
  }
}

function formatProblem(problem: ConfigProblem): string {
  return `${problem.path}: ${problem.message}`;
}
