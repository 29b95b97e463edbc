import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Asset } from '../src/catalog/asset.ts';
import type { Target } from '../src/catalog/target.ts';
import type { Traffic } from '../src/catalog/traffic.ts';
import { defaultChangeOptions } from '../src/change/change-options.ts';
import { runSync } from '../src/engine/run-sync.ts';
import { openCheckpointStore } from '../src/state/file-checkpoint-store.ts';
import { generateCatalog } from './generate-catalog.ts';
import { measure } from './measure.ts';
import { MemorySource } from './memory-source.ts';
import type { ChangeMix, Mutation } from './mutate-catalog.ts';
import { mutateCatalog, realisticMix } from './mutate-catalog.ts';
import type { NaiveUpsert } from './naive-upsert.ts';

export interface RunRecord {
  name: string;
  target: string;
  assets: number;
  changedPercent: number;
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  requests: number;
  writes: number;
  bytesSent: number;
  bytesReceived: number;
  assetsPerSecond: number;
  byOperation: Record<string, number>;
  /** Changes the mutator applied before this run (absent for the initial and unchanged runs). */
  mutation?: Mutation['counts'];
  status?: string;
}

export interface TargetKit {
  name: string;
  /** A fresh target for one run (a real run builds its target anew, with fresh traffic counters). */
  createTarget(): Target;
  /** A fresh baseline with its own traffic counters. */
  createBaseline(): { upsert: NaiveUpsert; traffic: Traffic };
}

interface Step {
  name: string;
  percent: number;
  mix?: ChangeMix;
}

const STEPS: Step[] = [
  { name: 'initial sync', percent: 100 },
  { name: 'unchanged rerun', percent: 0 },
  { name: 'incremental 1%', percent: 1, mix: realisticMix(1) },
  { name: 'incremental 10%', percent: 10, mix: realisticMix(10) },
  { name: 'incremental 50%', percent: 50, mix: realisticMix(50) },
  { name: 'metadata-only 5%', percent: 5, mix: { metadata: 0.05, content: 0, schema: 0, deleted: 0, created: 0 } },
];

function record(name: string, target: string, assets: number, percent: number, m: { wallMs: number; cpuMs: number; peakRssBytes: number }, t: Traffic): RunRecord {
  return {
    name,
    target,
    assets,
    changedPercent: percent,
    wallMs: Math.round(m.wallMs),
    cpuMs: Math.round(m.cpuMs),
    peakRssBytes: m.peakRssBytes,
    requests: t.requests,
    writes: t.writes,
    bytesSent: t.bytesSent,
    bytesReceived: t.bytesReceived,
    assetsPerSecond: Math.round(assets / (m.wallMs / 1000)),
    byOperation: Object.fromEntries(Object.entries(t.byOperation).map(([op, v]) => [op, v.requests])),
  };
}

/**
 * Every step on the same evolving catalog, in this process: catalog-sync's incremental run, then the naive
 * baseline on exactly the same catalog state. `steps` limits the run to the first few (e.g. 100k: initial only).
 */
export async function runSyncBench(kit: TargetKit, assets: number, log: (line: string) => void, steps: number = STEPS.length): Promise<RunRecord[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-bench-'));
  const records: RunRecord[] = [];
  try {
    let catalog: Asset[] = generateCatalog({ assets, spaces: Math.max(1, Math.round(assets / 1000)), seed: 42 });
    let nextIndex = assets;
    const source = new MemorySource(catalog);
    for (const [i, step] of STEPS.slice(0, steps).entries()) {
      let mutation: Mutation | undefined;
      if (step.mix) {
        mutation = mutateCatalog(catalog, step.mix, 1000 + i, nextIndex);
        catalog = mutation.assets;
        nextIndex += mutation.counts.created;
        source.set(catalog);
      }
      const target = kit.createTarget();
      const checkpoints = await openCheckpointStore({ dir, sourceSystem: 'datasphere', flushEvery: 500, flushIntervalMs: 1000, backups: { keep: 3, maxAgeDays: 0 } });
      const measured = await measure(() =>
        runSync(
          {
            job: 'bench',
            spaces: [],
            mode: 'incremental',
            dryRun: false,
            force: true,
            concurrency: 8,
            change: defaultChangeOptions,
            deletion: { policy: 'delete', maxCount: 1_000_000, maxPercent: 100 },
            conflictPolicy: 'source-wins',
          },
          { source, target, checkpoints, logger: { debug() {}, info() {}, warn() {}, error() {} } },
        ),
      );
      const summary = measured.value.summary;
      const traffic = target.traffic();
      const rec = record(step.name, kit.name, catalog.length, step.percent, measured, traffic);
      rec.status = summary.status;
      if (mutation) rec.mutation = mutation.counts;
      records.push(rec);
      if (summary.failed.length > 0) log(`  ! ${summary.failed.length} failed, first: ${summary.failed[0]?.error}`);
      log(`  ${kit.name} ${catalog.length} ${step.name}: ${rec.wallMs} ms, ${rec.writes} writes, ${rec.bytesSent} B sent`);

      const baseline = kit.createBaseline();
      const base = await measure(() => baseline.upsert.run(catalog));
      const brec = record(`${step.name} (baseline)`, kit.name, catalog.length, step.percent, base, baseline.traffic);
      records.push(brec);
      log(`  ${kit.name} ${catalog.length} ${brec.name}: ${brec.wallMs} ms, ${brec.writes} writes, ${brec.bytesSent} B sent`);
    }
    return records;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

