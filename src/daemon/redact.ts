const REDACTED = '[redacted]';

/** Removes known secret values from what the job API answers with. */
export interface Redact {
  text(value: string): string;
  value<T>(value: T): T;
}

/**
 * The API is an output channel like the log: error messages and summaries pass through this before they are kept
 * on a job, so a secret that slipped into a message never reaches a client. Values shorter than 4 characters are
 * not treated as secrets (they would mangle ordinary text), as in the logger.
 */
export function createRedact(secrets: readonly string[]): Redact {
  const known = secrets.filter((s) => s.length >= 4);
  const text = (value: string): string => {
    let out = value;
    for (const secret of known) out = out.split(secret).join(REDACTED);
    return out;
  };
  return {
    text,
    value<T>(value: T): T {
      if (known.length === 0) return value;
      const json = JSON.stringify(value);
      const scrubbed = known.reduce((acc, secret) => acc.split(JSON.stringify(secret).slice(1, -1)).join(REDACTED), text(json));
      return scrubbed === json ? value : (JSON.parse(scrubbed) as T);
    },
  };
}
