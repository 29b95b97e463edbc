import pino from 'pino';
import type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  /** Values that must never reach a log line (secrets substituted from the environment). */
  secrets: readonly string[];
  /** Pretty, coloured lines for a person at a terminal; JSON lines otherwise. */
  pretty?: boolean;
}

const REDACTED = '[redacted]';

/**
 * Logs go to stderr so that stdout carries only the command's result (`sync --json` prints exactly one
 * JSON object there). Secrets are removed from the serialised line itself, whatever field or message
 * they ended up in, not only from known key paths.
 */
export function createLogger(options: LoggerOptions): Logger {
  const secrets = options.secrets.filter((s) => s.length >= 4);
  const scrub = (line: string): string => {
    let out = line;
    for (const secret of secrets) out = out.split(secret).join(REDACTED);
    for (const secret of secrets) {
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (escaped !== secret) out = out.split(escaped).join(REDACTED);
    }
    return out;
  };
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  const base = {
    level: options.level,
    redact: { paths: ['*.clientSecret', '*.client_secret', '*.authorization', '*.Authorization', '*.access_token'], censor: REDACTED },
    hooks: { streamWrite: scrub },
  };
  if (pretty) {
    return pino(base, pino.transport({ target: 'pino-pretty', options: { destination: 2, colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' } }));
  }
  return pino(base, pino.destination({ dest: 2, sync: true }));
}
