/** How long to wait between attempts. */
export interface RetryTiming {
  /** First backoff step; doubles with every retry. */
  baseDelayMs: number;
  /** Ceiling of one backoff step. */
  maxDelayMs: number;
  /** Longest Retry-After we honour; a longer one fails the request instead of stalling the run. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_TIMING: Readonly<RetryTiming> = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 300_000,
};

/**
 * 429 is Datasphere's rate limit; 500/502/503/504 are the gateway and service faults that pass. Other 4xx
 * (400, 403, 404, 406, …) say something about the request itself and are answered, not retried.
 */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** Socket and DNS faults worth another attempt; ENOTFOUND is not among them — a wrong host stays wrong. */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

export function isRetryableCode(code: string | undefined): boolean {
  return code !== undefined && RETRYABLE_CODES.has(code);
}

/**
 * `Retry-After` in either form RFC 9110 allows: delay-seconds (`120`) or an HTTP date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`, measured against `now`). A date in the past means "now" (0).
 * Anything else is ignored (undefined) and the caller backs off as for any other fault.
 */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Exponential backoff with "equal jitter": the step doubles per retry (capped), and the wait is a random
 * point in its upper half — never zero, so retries still spread out, and randomised, so many clients
 * throttled at once do not return in lockstep. `retry` counts from 0; `random` returns [0, 1).
 */
export function backoffMs(retry: number, timing: RetryTiming, random: () => number): number {
  const step = Math.min(timing.maxDelayMs, timing.baseDelayMs * 2 ** Math.min(retry, 30));
  return Math.round(step / 2 + random() * (step / 2));
}
