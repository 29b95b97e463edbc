/** The daemon's configuration cannot work: a bad cron expression or time zone, an API exposed without a token. */
export class DaemonConfigError extends Error {
  readonly code = 'DAEMON_CONFIG' as const;
  override readonly name = 'DaemonConfigError';

  constructor(
    message: string,
    /** One line per problem, each naming the config entry. */
    readonly problems: readonly string[] = [message],
  ) {
    super(problems.length > 1 ? `${message}:\n  ${problems.join('\n  ')}` : message);
  }
}
