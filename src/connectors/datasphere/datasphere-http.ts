import axios, { AxiosHeaders, isAxiosError } from 'axios';
import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import { emptyTraffic, recordCall } from '../../catalog/traffic.ts';
import type { Traffic } from '../../catalog/traffic.ts';
import { DatasphereHttpError, DatasphereRateLimitError, isAbortError, Redactor } from './datasphere-errors.ts';
import { OAuthTokenProvider } from './oauth-token-provider.ts';
import { backoffMs, isRetryableCode, isRetryableStatus, retryAfterMs } from './retry-policy.ts';
import type { RetryTiming } from './retry-policy.ts';
import { pathOf } from './tenant-urls.ts';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Names the call in the traffic figures, e.g. `GET assets`. */
    catalogSyncOperation?: string;
  }
}

/** The minimal structured logger the connector accepts; pino's Logger satisfies it. */
export interface DatasphereLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface DatasphereHttpOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  maxRetries: number;
  /** HTTP requests in flight at once (token requests included). */
  concurrency: number;
  timing: RetryTiming;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  now: () => number;
  logger?: DatasphereLogger;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Traffic label, e.g. `assets`, `csn`, `metadata`. */
  operation: string;
  headers?: Record<string, string>;
  data?: string;
  /** Send the OAuth bearer token (every tenant call; not the token request itself). */
  bearer: boolean;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * The one way the connector talks HTTP. It owns the OAuth token, bounds concurrency, retries 429 (honouring
 * Retry-After, and pausing every request of this client meanwhile) and 5xx/network faults with exponential
 * backoff and jitter, renews the token once on a 401, and counts every attempt's bytes through axios
 * interceptors. It resolves with the final response for any status it does not retry (callers branch on
 * 304/403/404), and throws DatasphereHttpError when the retries are used up.
 */
export class DatasphereHttp {
  readonly redactor = new Redactor();
  private readonly client: AxiosInstance;
  private readonly tokens: OAuthTokenProvider;
  private readonly limit: LimitFunction;
  private readonly counters: Traffic = emptyTraffic();
  private pausedUntil = 0;

  constructor(private readonly options: DatasphereHttpOptions) {
    this.client = axios.create({
      timeout: options.timeoutMs,
      responseType: 'arraybuffer',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      // A redirect here is an SSO login page or a misconfigured URL, never data; and not following it
      // keeps the bearer token on the tenant host.
      maxRedirects: 0,
    });
    this.client.interceptors.response.use(
      (response) => {
        this.count(response.config, response.data);
        return response;
      },
      (error: unknown) => {
        if (isAxiosError(error) && error.config) this.count(error.config, error.response?.data);
        return Promise.reject(error);
      },
    );
    this.limit = pLimit(options.concurrency);
    this.tokens = new OAuthTokenProvider({
      tokenUrl: options.tokenUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      redactor: this.redactor,
      now: options.now,
      send: (request) => this.request({ method: 'POST', operation: 'token', bearer: false, ...request }),
      onToken: ({ expiresInS, afterRejection }) =>
        options.logger?.debug({ expiresInS, afterRejection }, afterRejection ? 'OAuth token renewed after a 401' : 'OAuth token obtained'),
    });
  }

  /** Fetches a token if none is cached: lets a run fail fast on bad credentials. */
  async authenticate(): Promise<void> {
    await this.tokens.token();
  }

  traffic(): Traffic {
    return structuredClone(this.counters);
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const { logger, maxRetries } = this.options;
    let retries = 0;
    let renewed = false;
    for (;;) {
      request.signal?.throwIfAborted();
      await this.waitWhilePaused(request.signal);
      const token = request.bearer ? await this.tokens.token() : undefined;
      const attempt = await this.attempt(request, token);

      if ('error' in attempt) {
        const { code, description } = attempt.error;
        if (isRetryableCode(code) && retries < maxRetries) {
          const delayMs = backoffMs(retries, this.options.timing, this.options.random);
          logger?.warn({ operation: request.operation, path: pathOf(request.url), code, retry: retries + 1, delayMs }, 'Datasphere request failed; retrying');
          await this.options.sleep(delayMs, request.signal);
          retries += 1;
          continue;
        }
        throw new DatasphereHttpError(
          this.redactor.redact(`${request.method} ${pathOf(request.url)}: ${description} (after ${retries + 1} attempt(s))`),
          request.operation,
          undefined,
          code,
        );
      }

      const { response } = attempt;
      if (response.status === 401 && token !== undefined && !renewed) {
        const fresh = await this.tokens.renewAfterRejection(token);
        if (fresh !== undefined) {
          renewed = true;
          continue;
        }
        return response;
      }
      if (!isRetryableStatus(response.status)) return response;

      const told = response.status === 429 || response.status === 503 ? retryAfterMs(response.headers['retry-after'], this.options.now()) : undefined;
      if (told !== undefined && told > this.options.timing.maxRetryAfterMs) {
        throw new DatasphereRateLimitError(
          `${request.method} ${pathOf(request.url)}: HTTP ${response.status} asks to retry after ${Math.ceil(told / 1000)} s, longer than maxRetryAfterSeconds`,
          request.operation,
          response.status,
        );
      }
      if (retries >= maxRetries) {
        throw new DatasphereHttpError(
          `${request.method} ${pathOf(request.url)}: HTTP ${response.status} (after ${retries + 1} attempt(s))`,
          request.operation,
          response.status,
        );
      }
      const delayMs = told ?? backoffMs(retries, this.options.timing, this.options.random);
      // A rate limit applies to the client, not to one URL: hold every request back, not just this one.
      if (response.status === 429) this.pausedUntil = Math.max(this.pausedUntil, this.options.now() + delayMs);
      logger?.warn(
        { operation: request.operation, path: pathOf(request.url), status: response.status, retry: retries + 1, delayMs, retryAfter: told !== undefined },
        response.status === 429 ? 'Datasphere rate limit (429); waiting' : 'Datasphere server error; retrying',
      );
      await this.options.sleep(delayMs, request.signal);
      retries += 1;
    }
  }

  private async attempt(
    request: HttpRequest,
    token: string | undefined,
  ): Promise<{ response: HttpResponse } | { error: { code: string | undefined; description: string } }> {
    const headers = new AxiosHeaders(request.headers ?? {});
    if (token !== undefined) headers.set('Authorization', `Bearer ${token}`);
    try {
      const response = await this.limit(() =>
        this.client.request({
          method: request.method,
          url: request.url,
          headers,
          ...(request.data !== undefined ? { data: request.data } : {}),
          ...(request.signal ? { signal: request.signal } : {}),
          catalogSyncOperation: `${request.method} ${request.operation}`,
        }),
      );
      const plain: Record<string, string> = {};
      for (const [name, value] of Object.entries(AxiosHeaders.from(response.headers as never).toJSON())) {
        if (typeof value === 'string') plain[name.toLowerCase()] = value;
        else if (Array.isArray(value)) plain[name.toLowerCase()] = value.join(', ');
      }
      return { response: { status: response.status, headers: plain, body: toBuffer(response.data) } };
    } catch (error) {
      // Never rethrow the axios error itself: its config holds the request headers.
      if (isAbortError(error, request.signal)) throw request.signal?.reason ?? new Error('request aborted');
      const code = isAxiosError(error) ? error.code : undefined;
      const message = error instanceof Error ? error.message : String(error);
      return { error: { code, description: code ? `${code} (${message})` : message } };
    }
  }

  private async waitWhilePaused(signal: AbortSignal | undefined): Promise<void> {
    const wait = this.pausedUntil - this.options.now();
    if (wait > 0) await this.options.sleep(wait, signal);
  }

  private count(config: InternalAxiosRequestConfig, data: unknown): void {
    const sent = typeof config.data === 'string' ? Buffer.byteLength(config.data) : Buffer.isBuffer(config.data) ? config.data.byteLength : 0;
    const received = data === undefined || data === null ? 0 : toBuffer(data).byteLength;
    recordCall(this.counters, config.catalogSyncOperation ?? `${(config.method ?? 'get').toUpperCase()} other`, sent, received, false);
  }
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.alloc(0);
}
