import { LakeFormationClient } from '@aws-sdk/client-lakeformation';
import type { GlueClient } from '@aws-sdk/client-glue';
import type { Traffic } from '../../catalog/traffic.ts';
import type { GlueClientOptions } from './create-glue-client.ts';
import { sdkClientConfig } from './create-glue-client.ts';
import { countGlueTraffic } from './glue-traffic-middleware.ts';
import type { WireOverhead } from './glue-traffic-middleware.ts';

/**
 * The Lake Formation client the LF-Tag calls go through: the Glue target's region, endpoint (moto in tests) and
 * attempts, the SDK's default credential chain, and the same adaptive retry mode — exponential backoff with jitter
 * on throttling, 5xx and transient errors, and a client-side rate limiter once Lake Formation throttles. Its
 * requests are counted into the target's traffic, so a run's figures show every LF call. Only loaded (by
 * lf-tagging.ts, with a dynamic import) when `governance.lfTags` is enabled and a run has tags to read or write.
 */
export function createLakeFormationClient(options: GlueClientOptions, traffic: Traffic, overhead?: WireOverhead): LakeFormationClient {
  const client = new LakeFormationClient(sdkClientConfig(options));
  // The counter reads only the HTTP request and response, never a command's own types: any SDK v3 client's
  // middleware stack takes it as the Glue client's does.
  countGlueTraffic(client as unknown as GlueClient, traffic, overhead);
  return client;
}
