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
  const client = new GlueClient(sdkClientConfig(options));
  countGlueTraffic(client, traffic, overhead);
  return client;
}

/**
 * The configuration every AWS client of the Glue target shares (Glue, and Lake Formation for LF-Tags): region,
 * endpoint, attempts, the adaptive retry mode and the connection and request timeouts.
 */
export function sdkClientConfig(options: GlueClientOptions): GlueClientConfig {
  const config: GlueClientConfig = {
    region: options.region,
    maxAttempts: options.maxAttempts,
    retryMode: 'adaptive',
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  };
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.retryStrategy !== undefined) config.retryStrategy = options.retryStrategy;
  return config;
}
