import { bodyExcerpt, DatasphereAuthError, DatasphereHttpError, excerpt } from './datasphere-errors.ts';
import { messageOf } from '../../catalog/message-of.ts';
import type { Redactor } from './datasphere-errors.ts';

/** The slice of the HTTP client the token provider needs: one unauthenticated POST. */
export type TokenTransport = (request: {
  url: string;
  headers: Record<string, string>;
  data: string;
}) => Promise<{ status: number; headers: Record<string, string>; body: Buffer }>;

export interface OAuthTokenProviderOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  send: TokenTransport;
  redactor: Redactor;
  now: () => number;
  onToken?: (info: { expiresInS: number; afterRejection: boolean }) => void;
}

interface CachedToken {
  value: string;
  /** When we stop using it: `expires_in` minus a safety margin. */
  renewAt: number;
  /** Fetched because the previous token was refused (401); a second refusal is not retried again. */
  afterRejection: boolean;
}

/** Used when a token response has no usable `expires_in`; short, so a wrong guess costs little. */
const FALLBACK_LIFETIME_S = 300;
/** Renew this long before expiry (at most a tenth of the lifetime, for very short-lived tokens). */
const RENEW_MARGIN_MS = 60_000;

/**
 * OAuth 2.0 client credentials against the tenant's XSUAA token endpoint (the technical user's OAuth
 * client). The token is cached and renewed shortly before `expires_in`; concurrent callers share one
 * token request. On a 401 the caller asks for a renewal once: if the refused token was already a renewal
 * after a refusal, there is no point in another, and the 401 stands.
 *
 * The client authenticates with HTTP Basic (RFC 6749 §2.3.1), so the secret travels only in a header that
 * is never logged, not in a body that an error message could quote.
 */
export class OAuthTokenProvider {
  private current: CachedToken | undefined;
  private pending: Promise<CachedToken> | undefined;

  constructor(private readonly options: OAuthTokenProviderOptions) {
    options.redactor.add(options.clientSecret);
    // The client id is half of the credentials (and names the technical user): README promises it reaches no
    // log line, and a token endpoint may echo it back in an error body.
    options.redactor.add(options.clientId);
    options.redactor.add(basicCredentials(options.clientId, options.clientSecret));
  }

  /** A valid access token, from the cache or freshly fetched. */
  async token(): Promise<string> {
    const cached = this.current;
    if (cached && this.options.now() < cached.renewAt) return cached.value;
    return (await this.fetch(false)).value;
  }

  /**
   * The server refused `rejected` (HTTP 401). Returns a token to retry with, or undefined when renewing
   * cannot help: the refused token was itself obtained after a refusal.
   */
  async renewAfterRejection(rejected: string): Promise<string | undefined> {
    const cached = this.current;
    if (cached && cached.value !== rejected) return cached.value; // someone else renewed already
    if (this.pending) return (await this.pending).value;
    if (cached?.afterRejection) return undefined;
    this.current = undefined;
    return (await this.fetch(true)).value;
  }

  private fetch(afterRejection: boolean): Promise<CachedToken> {
    this.pending ??= this.request(afterRejection).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async request(afterRejection: boolean): Promise<CachedToken> {
    const { tokenUrl, clientId, clientSecret, redactor } = this.options;
    let response;
    try {
      response = await this.options.send({
        url: tokenUrl,
        headers: {
          Authorization: `Basic ${basicCredentials(clientId, clientSecret)}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        data: 'grant_type=client_credentials',
      });
    } catch (error) {
      const detail = error instanceof DatasphereHttpError ? error.message : messageOf(error);
      throw new DatasphereAuthError(redactor.redact(`could not obtain an OAuth token from ${tokenUrl}: ${detail}`));
    }
    if (response.status !== 200) {
      throw new DatasphereAuthError(
        redactor.redact(`the OAuth token endpoint ${tokenUrl} answered HTTP ${response.status}: ${oauthError(response.body, response.headers['content-type'], redactor)}`),
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      // No excerpt: a truncated token response would put part of a token into the message.
      const type = response.headers['content-type'] ?? 'no content type';
      throw new DatasphereAuthError(`the OAuth token endpoint ${tokenUrl} did not answer JSON (${type})`);
    }
    const record = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const value = record['access_token'];
    if (typeof value !== 'string' || value === '') {
      throw new DatasphereAuthError(`the OAuth token endpoint ${tokenUrl} answered without an access_token`);
    }
    redactor.add(value);
    const expiresIn = typeof record['expires_in'] === 'number' && record['expires_in'] > 0 ? record['expires_in'] : FALLBACK_LIFETIME_S;
    const lifetimeMs = expiresIn * 1000;
    const token: CachedToken = {
      value,
      renewAt: this.options.now() + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 10),
      afterRejection,
    };
    this.current = token;
    this.options.onToken?.({ expiresInS: expiresIn, afterRejection });
    return token;
  }
}

function basicCredentials(clientId: string, clientSecret: string): string {
  // RFC 6749 §2.3.1: both parts form-urlencoded before Basic encoding.
  return Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
}

/**
 * `invalid_client: Bad credentials` from an OAuth error body; otherwise a short excerpt. Either way the text
 * is redacted before it is shortened (a description may echo the client id or secret).
 */
function oauthError(body: Buffer, contentType: string | undefined, redactor: Redactor): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    if (parsed !== null && typeof parsed === 'object' && typeof (parsed as Record<string, unknown>)['error'] === 'string') {
      const record = parsed as Record<string, unknown>;
      const description = typeof record['error_description'] === 'string' ? `: ${record['error_description']}` : '';
      return excerpt(`${String(record['error'])}${description}`, redactor, 300);
    }
  } catch {
    // not JSON: fall through to the excerpt
  }
  return bodyExcerpt(body, contentType, redactor);
}
