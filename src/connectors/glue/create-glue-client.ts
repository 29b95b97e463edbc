import { GlueClient } from '@aws-sdk/client-glue';
import type { GlueClientConfig } from '@aws-sdk/client-glue';
import type { Traffic } from '../../catalog/traffic.ts';
import { countGlueTraffic } from './glue-traffic-middleware.ts';
import type { WireOverhead } from './glue-traffic-middleware.ts';

export interface GlueClientOptions {
  region: string;
  /** moto, LocalStack or a VPC endpoint; the SDK's regional endpoint when not set. */
  endpoint?: string;
  /** Attempts per call, first try included (the SDK's `maxAttempts`). */
  maxAttempts: number;
  /**
   * Replaces the SDK's adaptive strategy. Only tests set it, to keep the adaptive behaviour with millisecond
   * backoffs; production always runs `retryMode: 'adaptive'`.
   */
  retryStrategy?: GlueClientConfig['retryStrategy'];
}

/** A hung connection must fail the one call, not stall the run; the SDK's retries then take over. */
const CONNECTION_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * The Glue client every call of the target goes through. Credentials are deliberately not an option: the SDK's
 * default provider chain (environment, shared profile, SSO, container or instance role) finds them, so they never
 * sit in our config file. Retries use the SDK's adaptive mode — exponential backoff with jitter for throttling,
 * 5xx and transient errors, plus a client-side rate limiter that slows the whole client down once Glue starts
 * throttling — and every HTTP attempt is counted into `traffic` (its header bytes alone also into `overhead`).
 */
export function createGlueClient(options: GlueClientOptions, traffic: Traffic, overhead?: WireOverhead): GlueClient {
  const config: GlueClientConfig = {
    region: options.region,
    maxAttempts: options.maxAttempts,
    retryMode: 'adaptive',
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.retryStrategy !== undefined) config.retryStrategy = options.retryStrategy;
  const client = new GlueClient(config);
  countGlueTraffic(client, traffic, overhead);
  return client;
}
