import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import type { ExtractOptions, Source, SpaceExtract } from '../../src/catalog/source.ts';
import { emptyTraffic } from '../../src/catalog/traffic.ts';
import { FileTarget } from '../../src/connectors/file/file-target.ts';
import { silentLogger } from '../../src/engine/engine-logger.ts';
import { runSync } from '../../src/engine/run-sync.ts';
import type { SyncOptions } from '../../src/engine/run-sync.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import { baseOptions } from '../support/file-scenario.ts';
import { makeAsset } from '../support/make-asset.ts';

/** Ten assets in two spaces, held by the test so it can change them between runs. */
class TestSource implements Source {
  readonly type = 'test';
  readonly system = 'datasphere';
  assets: Asset[] = [];
  async listSpaces(): Promise<string[]> {
    return ['A', 'B'];
  }
  async extractSpace(space: string, _options: ExtractOptions): Promise<SpaceExtract> {
    const items = this.assets.filter((a) => a.space === space).map((asset) => ({ state: 'extracted' as const, asset: structuredClone(asset) }));
    return { space, complete: true, items, failures: [], warnings: [] };
  }
  traffic() {
    return emptyTraffic();
  }
}

let root: string;
let source: TestSource;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'run-reads-'));
  source = new TestSource();
  source.assets = Array.from({ length: 10 }, (_, i) => makeAsset({ space: i < 5 ? 'A' : 'B', technicalName: `T${i}` }));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(options: Partial<SyncOptions> = {}) {
  const checkpoints = await openCheckpointStore({ dir: path.join(root, 'checkpoints'), sourceSystem: 'datasphere', flushEvery: 10, backups: { keep: 5, maxAgeDays: 0 } });
  const target = new FileTarget({ path: path.join(root, 'target'), databasePrefix: 'ds_', job: 'catalog-sync', mapping: await loadMapping() });
  try {
    const outcome = await runSync({ ...baseOptions, ...options }, { source, target, checkpoints, logger: silentLogger });
    return { outcome, operations: target.traffic().byOperation };
  } finally {
    await checkpoints.close();
  }
}

function describeAsset(i: number, text: string): void {
  source.assets[i] = { ...source.assets[i]!, description: text };
}

describe('a run over a catalog', () => {
  it('lets go of unchanged definitions it will not write, and keeps every one a --full run writes', async () => {
    await run();
    describeAsset(3, 'changed');
    const { outcome } = await run();
    const held = outcome.changeSet.changes.filter((c) => c.asset !== undefined).map((c) => c.assetId);
    expect(held).toEqual(['A/T3']);
    expect(outcome.summary.changes).toMatchObject({ modified: 1, unchanged: 9 });

    const full = await run({ mode: 'full' });
    expect(full.outcome.changeSet.changes.every((c) => c.asset !== undefined)).toBe(true);
    expect(full.outcome.summary.traffic.target.writes).toBe(10);
  });

  it('reads the tables it writes one by one up to sync.fullSyncThreshold of the assets, in bulk above it, and says so', async () => {
    await run();
    const unchanged = await run({ fullSyncThreshold: 0.2 });
    expect(unchanged.outcome.summary.reads).toEqual({ how: 'tables', tables: 0, share: 0, threshold: 0.2 });

    for (const i of [0, 1]) describeAsset(i, 'two changed');
    const below = await run({ fullSyncThreshold: 0.2 });
    expect(below.outcome.summary.reads).toEqual({ how: 'tables', tables: 2, share: 0.2, threshold: 0.2 });
    expect(below.operations.GetTable?.requests).toBe(2);
    expect(below.operations.GetTables).toBeUndefined();

    for (const i of [0, 1, 2]) describeAsset(i, 'three changed');
    const above = await run({ fullSyncThreshold: 0.2 });
    expect(above.outcome.summary.reads).toEqual({ how: 'bulk', tables: 3, share: 0.3, threshold: 0.2 });
    // One listing of database ds_a (where all three are), nothing read table by table; the same writes either way.
    expect(above.operations.GetTables?.requests).toBe(1);
    expect(above.operations.GetTable).toBeUndefined();
    expect(above.outcome.summary.applied.updated).toBe(3);
    expect(above.outcome.summary.status).toBe('ok');
  });
});
