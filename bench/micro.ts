import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CheckpointEntry } from '../src/catalog/checkpoint.ts';
import type { TargetTable } from '../src/catalog/target.ts';
import { defaultChangeOptions } from '../src/change/change-options.ts';
import { detectChanges } from '../src/change/detect-changes.ts';
import { changeOptionsKey, fingerprintAsset } from '../src/change/fingerprint.ts';
import { hashAsset } from '../src/change/hash-asset.ts';
import { planSync } from '../src/engine/plan-sync.ts';
import { openCheckpointStore } from '../src/state/file-checkpoint-store.ts';
import { generateCatalog } from './generate-catalog.ts';
import { measure } from './measure.ts';
import { mutateCatalog, realisticMix } from './mutate-catalog.ts';

export interface MicroResults {
  assets: number;
  /** Steady state: the checkpoint carries the fingerprints a previous run left (the unchanged 90 % hit the cache). */
  hashAssetsPerSecond: number;
  /** Cold: no fingerprints (first run after an upgrade, or changed options) — every asset hashed in full. */
  hashColdAssetsPerSecond: number;
  hashClassifyMs: number;
  planMs: number;
  planChangesPerSecond: number;
  checkpointPutMs: number;
  checkpointSaveMs: number;
  checkpointLoadMs: number;
  checkpointFileBytes: number;
}

function entryFor(assetId: string, hashes: CheckpointEntry['hashes'], i: number, fingerprint?: string): CheckpointEntry {
  return {
    ...(fingerprint ? { fingerprint } : {}),
    assetId,
    assetType: 'table',
    sourceSystem: 'datasphere',
    lastSyncAt: '2026-11-22T00:00:00.000Z',
    hashes,
    syncVersion: 1,
    target: { database: `ds_space_${i % 20}`, table: assetId.split('/')[1]!.toLowerCase(), version: '1' },
    customProperties: {},
  };
}

/** Hashing + classification, planning, and checkpoint put/save/load at `count` assets, each timed alone. */
export async function runMicro(count: number): Promise<MicroResults> {
  const base = generateCatalog({ assets: count, spaces: 20, seed: 7 });
  const key = changeOptionsKey(defaultChangeOptions);
  const cold = base.map((a, i) => entryFor(a.id, hashAsset(a, defaultChangeOptions), i));
  const entries = base.map((a, i) => entryFor(a.id, cold[i]!.hashes, i, fingerprintAsset(a, key)));
  const coldById = new Map(cold.map((e) => [e.assetId, e]));
  const byId = new Map(entries.map((e) => [e.assetId, e]));
  const changed = mutateCatalog(base, realisticMix(10), 11, count).assets;
  const bySpace = new Map<string, typeof changed>();
  for (const a of changed) (bySpace.get(a.space) ?? bySpace.set(a.space, []).get(a.space)!).push(a);
  const extracts = [...bySpace].map(([space, assets]) => ({
    space,
    complete: true,
    items: assets.map((asset) => ({ state: 'extracted' as const, asset })),
    failures: [],
    warnings: [],
  }));

  const detectCold = await measure(async () =>
    detectChanges({ extracts, checkpoint: (id) => coldById.get(id), checkpointEntries: cold, options: defaultChangeOptions }),
  );
  const detect = await measure(async () =>
    detectChanges({ extracts, checkpoint: (id) => byId.get(id), checkpointEntries: entries, options: defaultChangeOptions }),
  );
  const changeSet = detect.value;

  const tables = new Map<string, TargetTable>();
  for (const e of entries) {
    tables.set(`${e.target.database}.${e.target.table}`, { ref: { database: e.target.database, table: e.target.table }, version: '1', owner: 'bench', assetId: e.assetId, hashes: e.hashes });
  }
  const plan = await measure(async () =>
    planSync(changeSet, {
      job: 'bench',
      mode: 'incremental',
      deletionPolicy: 'delete',
      conflictPolicy: 'source-wins',
      resolve: (a) => ({ database: `ds_${a.space.toLowerCase()}`, table: a.technicalName.toLowerCase() }),
      targetTables: tables,
    }),
  );

  const dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-bench-'));
  try {
    const store = await openCheckpointStore({ dir, sourceSystem: 'datasphere', flushEvery: Number.MAX_SAFE_INTEGER, backups: { keep: 2, maxAgeDays: 0 } });
    const put = await measure(async () => {
      for (const e of entries) await store.put(e);
    });
    const save = await measure(() => store.flush());
    const { stat } = await import('node:fs/promises');
    const size = (await stat(store.paths.file)).size;
    const load = await measure(() => openCheckpointStore({ dir, sourceSystem: 'datasphere', flushEvery: 1000, backups: { keep: 2, maxAgeDays: 0 } }));
    if (load.value.size !== count) throw new Error(`checkpoint reload found ${load.value.size} entries, expected ${count}`);
    return {
      assets: count,
      hashAssetsPerSecond: Math.round(changed.length / (detect.wallMs / 1000)),
      hashColdAssetsPerSecond: Math.round(changed.length / (detectCold.wallMs / 1000)),
      hashClassifyMs: Math.round(detect.wallMs),
      planMs: Math.round(plan.wallMs),
      planChangesPerSecond: Math.round(changeSet.changes.length / (plan.wallMs / 1000)),
      checkpointPutMs: Math.round(put.wallMs),
      checkpointSaveMs: Math.round(save.wallMs),
      checkpointLoadMs: Math.round(load.wallMs),
      checkpointFileBytes: size,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
