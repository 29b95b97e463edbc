/** The daemon's configuration cannot work: a bad cron expression or time zone, an API exposed without a token. */
export class DaemonConfigError extends Error {
  readonly code = 'DAEMON_CONFIG' as const;
  override readonly name = 'DaemonConfigError';
  /** One line per problem, each naming the config entry. */
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = [message]) {
    super(describe(message, problems));
    this.problems = problems;
  }
}

function describe(message: string, problems: readonly string[]): string {
  if (problems.length === 1) return problems[0] === message ? message : `${message}: ${problems[0]}`;
  return `${message}:\n  ${problems.join('\n  ')}`;
}
