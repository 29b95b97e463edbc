import { messageOf } from '../../catalog/message-of.ts';
import { boundText } from '../../catalog/bounded-text.ts';

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
 * Knows every value this connector must not print — the client secret, the client id, the Basic credentials
 * made from them and each access token it was given — and removes them from any text before it leaves the
 * connector (error messages, failure reasons, log fields). Defence in depth: messages are built not to contain
 * them anyway, but a server may echo them back in a response body we quote.
 *
 * Redaction must come before any cut: text cut first can end in the first characters of a secret, which no
 * longer matches the whole value and would be printed as it is (see bodyExcerpt).
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  /** Longest first, so a value that contains another is removed whole. */
  private ordered: string[] = [];

  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; nothing we hold is that short.
    if (secret === undefined || secret.length < 6) return;
    // A server echoing what it was sent may quote it form-encoded or JSON-escaped rather than as it is.
    for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) this.secrets.add(form);
    this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }
}

/** How much of a response body a message quotes. */
const EXCERPT_MAX = 200;

/**
 * A short, single-line excerpt of a response body for an error message (HTML pages collapse to a hint). The
 * whole body is redacted before it is shortened, so a secret that straddles the cut cannot leave its first
 * characters behind.
 */
export function bodyExcerpt(body: Buffer, contentType: string | undefined, redactor: Redactor, max = EXCERPT_MAX): string {
  if (contentType?.toLowerCase().includes('html')) return 'an HTML page (a login or error page?)';
  return excerpt(body.toString('utf8'), redactor, max);
}

/** Redact, collapse whitespace, then cut: the order that keeps partial secrets out. */
export function excerpt(text: string, redactor: Redactor, max = EXCERPT_MAX): string {
  // Again after collapsing: joining lines must not assemble a value that was split across them.
  const line = redactor.redact(redactor.redact(text).replace(/\s+/g, ' ').trim());
  if (line === '') return 'an empty body';
  return boundText(line, max);
}


/**
 * Why JSON.parse refused a body, without the window of the body V8 quotes (`Unexpected token 'x', "…" is not
 * valid JSON`): that window is cut from the raw text, so it could end in the first characters of a secret
 * that the Redactor, matching whole values, would not recognise.
 */
export function jsonErrorOf(error: unknown): string {
  const message = messageOf(error);
  const quoted = message.indexOf(', "');
  return quoted >= 0 && message.endsWith('is not valid JSON') ? `${message.slice(0, quoted)}: not valid JSON` : message;
}

export function isAbortError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'CanceledError');
}
