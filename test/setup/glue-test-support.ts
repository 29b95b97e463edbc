import type { SyncOptions } from '../../src/engine/run-sync.ts';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GlueClient } from '@aws-sdk/client-glue';
import { AdaptiveRetryStrategy, DefaultRateLimiter } from '@smithy/core/retry';
import { inject } from 'vitest';
import { GlueTarget } from '../../src/connectors/glue/glue-target.ts';
import type { GlueTargetOptions } from '../../src/connectors/glue/glue-target.ts';
import type { Mapping } from '../../src/mapping/load-mapping.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CORPUS_CSN = path.resolve(REPO_ROOT, 'test/fixtures/corpus/csn');

/**
 * Dummy credentials for the SDK's default provider chain, set in this test process only: moto accepts any, and
 * nock never sees them. Also quiets the SDK's Node-version notice, which says nothing about our code.
 */
export function useDummyAwsCredentials(): void {
  process.env['AWS_ACCESS_KEY_ID'] = 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
  delete process.env['AWS_SESSION_TOKEN'];
  delete process.env['AWS_PROFILE'];
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
}

/** The moto_server the global setup started, with dummy credentials in place. */
export function motoEndpoint(): string {
  useDummyAwsCredentials();
  return inject('motoEndpoint');
}

/** A database prefix no other test uses, so tests share one moto without resets. */
export function uniquePrefix(label: string): string {
  return `t${randomBytes(4).toString('hex')}_${label.toLowerCase().replace(/[^a-z0-9]/g, '_')}_`;
}

/**
 * The SDK's adaptive strategy with millisecond backoffs and a rate limiter that refills at once: same retry
 * decisions (which errors, how many attempts), none of the waiting.
 */
export function fastRetryStrategy(maxAttempts: number): AdaptiveRetryStrategy {
  return new AdaptiveRetryStrategy(maxAttempts, {
    maxAttempts,
    backoff: { computeNextBackoffDelay: () => 1, setDelayBase: () => {} },
    rateLimiter: new DefaultRateLimiter({ minFillRate: 10_000, minCapacity: 10_000 }),
  });
}

export interface TestGlueTargetOptions extends Partial<GlueTargetOptions> {
  endpoint: string;
  mapping: Mapping;
}

export function testGlueTarget(options: TestGlueTargetOptions): GlueTarget {
  const maxAttempts = options.maxAttempts ?? 3;
  return new GlueTarget({
    region: 'us-east-1',
    databasePrefix: 'ds_',
    skipArchive: true,
    maxConcurrency: 4,
    job: 'nightly',
    retryStrategy: fastRetryStrategy(maxAttempts),
    ...options,
    maxAttempts,
  });
}

/** A plain SDK client: "another tool" changing tables behind the target's back. */
export function otherTool(endpoint: string): GlueClient {
  useDummyAwsCredentials();
  return new GlueClient({ region: 'us-east-1', endpoint, maxAttempts: 1 });
}

/** The sync options the Glue scenarios run with: an incremental run of every space, a 50-table / 25 % delete guard. */
export function scenarioSyncOptions(job: string, concurrency: number, overrides: Partial<SyncOptions> = {}): SyncOptions {
  return {
    job,
    spaces: [],
    mode: 'incremental',
    dryRun: false,
    force: false,
    concurrency,
    change: { ignoreFields: [], normalizeWhitespace: true, caseSensitive: true },
    deletion: { policy: 'delete', maxCount: 50, maxPercent: 25 },
    conflictPolicy: 'source-wins',
    ...overrides,
  };
}
