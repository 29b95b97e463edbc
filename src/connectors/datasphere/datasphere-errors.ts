/**
 * Errors of the Datasphere connector. Their messages are built only from an operation name, a URL path, an
 * HTTP status or network error code and (for the token endpoint) the OAuth `error` fields — never from an
 * axios error object, whose `config` carries the request headers (the bearer token, the Basic credentials)
 * and would leak them the moment anything logged or serialised it. Every message also passes the Redactor.
 */
export class DatasphereHttpError extends Error {
  override readonly name: string = 'DatasphereHttpError';

  constructor(
    message: string,
    readonly operation: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The token endpoint refused the client credentials or could not be reached: nothing else can work. */
export class DatasphereAuthError extends Error {
  override readonly name = 'DatasphereAuthError';
}

/** The server asked us to wait longer than `maxRetryAfterSeconds`; retrying sooner would only be refused again. */
export class DatasphereRateLimitError extends DatasphereHttpError {
  override readonly name = 'DatasphereRateLimitError';
}

const REDACTED = '[redacted]';

/**
 * Knows every secret this connector holds — the client secret, the Basic credentials made from it and each
 * access token it was given — and removes them from any text before it leaves the connector (error
 * messages, failure reasons, log fields). Defence in depth: messages are built not to contain them anyway.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; nothing we hold is that short.
    if (secret !== undefined && secret.length >= 6) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    return out;
  }
}

/** A short, single-line excerpt of a response body for an error message (HTML pages collapse to a hint). */
export function bodyExcerpt(body: Buffer, contentType: string | undefined, max = 200): string {
  if (contentType?.toLowerCase().includes('html')) return 'an HTML page (a login or error page?)';
  const text = body.toString('utf8').replace(/\s+/g, ' ').trim();
  if (text === '') return 'an empty body';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function isAbortError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'CanceledError');
}
