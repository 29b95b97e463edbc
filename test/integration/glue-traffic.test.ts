import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCatalog } from '../../bench/generate-catalog.ts';
import { MemorySource } from '../../bench/memory-source.ts';
import { mutateCatalog } from '../../bench/mutate-catalog.ts';
import type { Asset } from '../../src/catalog/asset.ts';
import { silentLogger } from '../../src/engine/engine-logger.ts';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import { runSync } from '../../src/engine/run-sync.ts';
import type { SyncOptions } from '../../src/engine/run-sync.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../src/mapping/load-mapping.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import { motoEndpoint, testGlueTarget, uniquePrefix } from '../setup/glue-test-support.ts';
import { startCountingProxy } from '../support/counting-proxy.ts';
import type { CountingProxy, ProxyCount } from '../support/counting-proxy.ts';

/*
 * Every byte between the Glue target and moto passes a TCP proxy that counts it without knowing HTTP or our code:
 * the independent count the run summary's traffic figures must agree with, and the measure of what an unchanged
 * rerun, a 10 % change and a --full run really cost.
 */
const ASSETS = 100;
const options: SyncOptions = {
  job: 'nightly',
  spaces: [],
  mode: 'incremental',
  dryRun: false,
  force: true,
  concurrency: 4,
  change: { ignoreFields: [], normalizeWhitespace: true, caseSensitive: true },
  deletion: { policy: 'delete', maxCount: 1000, maxPercent: 100 },
  conflictPolicy: 'source-wins',
};

let proxy: CountingProxy;
let mapping: Mapping;
let dir: string;
const prefix = uniquePrefix('traffic');

beforeAll(async () => {
  proxy = await startCountingProxy(motoEndpoint());
  mapping = await loadMapping();
  dir = await mkdtemp(path.join(tmpdir(), 'glue-traffic-'));
});
afterAll(async () => {
  await proxy.close();
  await rm(dir, { recursive: true, force: true });
});

async function run(catalog: readonly Asset[], mode: 'incremental' | 'full' = 'incremental'): Promise<{ summary: RunSummary; wire: ProxyCount }> {
  // skipArchive false, the config's default: versions of updates are known without any read.
  const target = testGlueTarget({ endpoint: proxy.endpoint, mapping, databasePrefix: prefix, job: 'nightly', skipArchive: false });
  const checkpoints = await openCheckpointStore({ dir, sourceSystem: 'datasphere', flushEvery: 500, backups: { keep: 2, maxAgeDays: 0 } });
  proxy.reset();
  try {
    const { summary } = await runSync({ ...options, mode }, { source: new MemorySource(catalog), target, checkpoints, logger: silentLogger });
    expect(summary.status).toBe('ok');
    return { summary, wire: proxy.count() };
  } finally {
    await target.close();
  }
}

/**
 * The summary against the wire. Requests are counted exactly; bytes sent too, but for TLS-free HTTP framing the
 * SDK does not show (none here). Bytes received can fall short by headers Node merges away: moto sends `Server`
 * twice (20 bytes a response), so they agree within 2 %.
 */
function expectWireMatches(summary: RunSummary, wire: ProxyCount): void {
  expect(summary.traffic.target.bytesSent).toBe(wire.up);
  expect(summary.traffic.target.bytesReceived).toBeLessThanOrEqual(wire.down);
  expect(summary.traffic.target.bytesReceived).toBeGreaterThanOrEqual(wire.down * 0.98);
}

describe('Glue traffic on moto, counted by an independent proxy', () => {
  it('first run, unchanged rerun, 10 % change and --full: figures match the wire; an incremental run costs what changed', async () => {
    let catalog = generateCatalog({ assets: ASSETS, spaces: 1, seed: 7 });
    const first = await run(catalog);
    expectWireMatches(first.summary, first.wire);
    expect(first.summary.changes.created).toBe(ASSETS);

    // Unchanged: not one request, not one byte.
    const unchanged = await run(catalog);
    expect(unchanged.summary.traffic.target).toMatchObject({ requests: 0, writes: 0, bytesSent: 0, bytesReceived: 0 });
    expect(unchanged.wire).toEqual({ up: 0, down: 0, connections: 0 });
    expect(unchanged.summary.savingsPercent).toBe(100);

    // 10 %: 5 labels, 2 descriptions, a column added, one asset deleted, one created.
    const mutation = mutateCatalog(catalog, { metadata: 0.05, content: 0.02, schema: 0.01, deleted: 0.01, created: 0.01 }, 11, ASSETS);
    catalog = mutation.assets;
    const changed = await run(catalog);
    const s = changed.summary;
    expectWireMatches(s, changed.wire);
    const ops = Object.fromEntries(Object.entries(s.traffic.target.byOperation).map(([op, f]) => [op, f.requests]));
    // Writes are the changed tables exactly: 8 updates, 1 create, 1 batch deletion. Reads: the tables to create and
    // delete (ownership, and a write that may have happened already) and the create back for its version; the 8
    // updates go out unread, conditional on the versions our last writes produced.
    expect(ops).toEqual({ GetTable: 2 + 1, UpdateTable: 8, CreateTable: 1, BatchDeleteTable: 1 });
    // The floor is one read and one write per changed table.
    const floor = 2 * 10;
    expect(s.traffic.target.requests).toBeLessThanOrEqual(floor * 0.7);
    expect(s.verified).toEqual({ checked: 9, matched: 9, readBack: 1 });

    // --full on the same catalog: what the savings figure's baseline estimates.
    const full = await run(catalog, 'full');
    expectWireMatches(full.summary, full.wire);
    const fullBytes = full.wire.up + full.wire.down;
    expect(s.fullSyncBytes).toBeGreaterThan(fullBytes * 0.9);
    expect(s.fullSyncBytes).toBeLessThan(fullBytes * 1.1);
    const incrementalBytes = changed.wire.up + changed.wire.down;
    expect(incrementalBytes / fullBytes).toBeLessThan(0.1);
    expect(s.totalBytes).toBe(s.traffic.target.bytesSent + s.traffic.target.bytesReceived); // the memory source moves nothing
    expect(s.savingsPercent).toBeCloseTo((1 - (s.totalBytes ?? 0) / s.fullSyncBytes) * 100, 0);
  });
});
