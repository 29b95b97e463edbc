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

/** incremental: catalog-sync as it runs every night. full: `sync --full`. naive: the blind upsert baseline. */
export type BenchMode = 'incremental' | 'full' | 'naive';

export interface RunRecord {
  /** The step: `initial sync`, `unchanged rerun`, `incremental 10%`, … */
  name: string;
  mode: BenchMode;
  target: string;
  assets: number;
  changedPercent: number;
  /** Tables the step changed (created, updated or deleted): every asset for the initial sync. */
  changed: number;
  /** Databases (spaces) in the catalog. */
  databases: number;
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  requests: number;
  /** Requests real Glue would take: listings counted at 100 tables a page (moto answers a listing in one). */
  glueRequests: number;
  writes: number;
  bytesSent: number;
  bytesReceived: number;
  assetsPerSecond: number;
  /** Requests per operation. */
  byOperation: Record<string, number>;
  /** Bytes per operation, both directions. */
  byOperationBytes: Record<string, number>;
  /** Changes the mutator applied before this step (absent for the initial and unchanged runs). */
  mutation?: Mutation['counts'];
  status?: string;
  /** The run summary's own figures (catalog-sync runs only). */
  savingsPercent?: number;
  fullSyncBytes?: number;
  /**
   * The floor of this step: one read and one write of each changed table, in bytes both ways — the changed tables
   * times the mean bytes of one single-table read (measured on this catalog) and of one UpdateTable (this step's
   * `--full` run, which updates every table). Null where either is unknown.
   */
  floorBytes?: number | null;
}

export interface TargetKit {
  name: string;
  /** A fresh target for one run, on the catalog of `mode` (each mode keeps a catalog of its own). */
  createTarget(mode: 'incremental' | 'full'): Target;
  /** A fresh baseline with its own traffic counters. */
  createBaseline(): { upsert: NaiveUpsert; traffic: Traffic };
  /** Requests Glue would take for what `target` did (listings paged at 100); the raw count where it pages itself. */
  glueRequests?(target: Target, traffic: Traffic): number;
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

export interface BenchOptions {
  /** Run only the first few steps (e.g. 100k: initial, unchanged, 1 %, 10 %). */
  steps?: number;
  modes?: readonly BenchMode[];
}

interface Measured {
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
}

function record(step: Step, mode: BenchMode, kit: TargetKit, assets: number, changed: number, databases: number, m: Measured, t: Traffic, glueRequests: number): RunRecord {
  return {
    name: step.name,
    mode,
    target: kit.name,
    assets,
    changedPercent: step.percent,
    changed,
    databases,
    wallMs: Math.round(m.wallMs),
    cpuMs: Math.round(m.cpuMs),
    peakRssBytes: m.peakRssBytes,
    requests: t.requests,
    glueRequests,
    writes: t.writes,
    bytesSent: t.bytesSent,
    bytesReceived: t.bytesReceived,
    assetsPerSecond: Math.round(assets / (m.wallMs / 1000)),
    byOperation: Object.fromEntries(Object.entries(t.byOperation).map(([op, v]) => [op, v.requests])),
    byOperationBytes: Object.fromEntries(Object.entries(t.byOperation).map(([op, v]) => [op, v.bytesSent + v.bytesReceived])),
  };
}

/** Bytes both ways of reading one existing table on its own (GetTable), over a sample of the catalog's tables. */
async function meanReadBytes(kit: TargetKit, catalog: readonly Asset[]): Promise<number | undefined> {
  const target = kit.createTarget('incremental');
  try {
    const refs = catalog.slice(0, 20).map((asset) => target.resolve(asset));
    // A hint of a huge database: single reads, whatever the target would choose for these few.
    const hints = new Map(refs.map((ref) => [ref.database, { tables: 1_000_000 }]));
    const read = target.readTables ? await target.readTables(refs, hints) : [];
    const traffic = target.traffic();
    return read.length > 0 && traffic.requests > 0 ? (traffic.bytesSent + traffic.bytesReceived) / traffic.requests : undefined;
  } finally {
    await target.close?.();
  }
}

/**
 * Every step on the same evolving catalog, in this process, side by side: before each step the catalog changes,
 * then catalog-sync's incremental run, `sync --full` and the naive upsert each bring a catalog of their own (all
 * three in the same state before the step) to the new state. Their figures therefore compare one to one.
 */
export async function runSyncBench(kit: TargetKit, assets: number, log: (line: string) => void, options: BenchOptions = {}): Promise<RunRecord[]> {
  const modes = options.modes ?? ['incremental', 'full', 'naive'];
  const dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-bench-'));
  const records: RunRecord[] = [];
  let readBytes: number | undefined;
  try {
    const spaces = Math.max(1, Math.round(assets / 1000));
    let catalog: Asset[] = generateCatalog({ assets, spaces, seed: 42 });
    let nextIndex = assets;
    const source = new MemorySource(catalog);
    for (const [i, step] of STEPS.slice(0, options.steps ?? STEPS.length).entries()) {
      let mutation: Mutation | undefined;
      if (step.mix) {
        mutation = mutateCatalog(catalog, step.mix, 1000 + i, nextIndex);
        catalog = mutation.assets;
        nextIndex += mutation.counts.created;
        source.set(catalog);
      }
      const m = mutation?.counts;
      const changed = step.percent === 100 ? catalog.length : m ? m.metadata + m.content + m.schema + m.deleted + m.created : 0;

      const stepRecords: RunRecord[] = [];
      for (const mode of modes) {
        if (mode === 'naive') {
          const baseline = kit.createBaseline();
          const base = await measure(() => baseline.upsert.run(catalog));
          const rec = record(step, 'naive', kit, catalog.length, changed, spaces, base, baseline.traffic, baseline.traffic.requests);
          stepRecords.push(rec);
          log(`  ${kit.name} ${catalog.length} ${step.name} naive: ${rec.wallMs} ms, ${rec.requests} requests, ${rec.bytesSent + rec.bytesReceived} B`);
          continue;
        }
        const target = kit.createTarget(mode);
        const checkpoints = await openCheckpointStore({ dir: path.join(dir, mode), sourceSystem: 'datasphere', flushEvery: 500, flushIntervalMs: 1000, backups: { keep: 3, maxAgeDays: 0 } });
        const measured = await measure(() =>
          runSync(
            {
              job: 'bench',
              spaces: [],
              mode,
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
        const rec = record(step, mode, kit, catalog.length, changed, spaces, measured, traffic, kit.glueRequests?.(target, traffic) ?? traffic.requests);
        rec.status = summary.status;
        rec.savingsPercent = summary.savingsPercent;
        rec.fullSyncBytes = summary.fullSyncBytes;
        if (mutation) rec.mutation = mutation.counts;
        stepRecords.push(rec);
        await target.close?.();
        // The end of a run: the checkpoint's journal is folded into its snapshot (as the CLI does).
        await checkpoints.close();
        if (summary.failed.length > 0) log(`  ! ${summary.failed.length} failed, first: ${summary.failed[0]?.error}`);
        log(`  ${kit.name} ${catalog.length} ${step.name} ${mode}: ${rec.wallMs} ms, ${rec.requests} requests, ${rec.writes} writes, ${rec.bytesSent + rec.bytesReceived} B`);
      }
      if (i === 0) readBytes = await meanReadBytes(kit, catalog);
      const full = stepRecords.find((r) => r.mode === 'full');
      const update = full && (full.byOperation.UpdateTable ?? 0) > 0 ? (full.byOperationBytes.UpdateTable ?? 0) / (full.byOperation.UpdateTable ?? 1) : undefined;
      const floorBytes = readBytes !== undefined && update !== undefined ? Math.round(changed * (readBytes + update)) : null;
      for (const rec of stepRecords) records.push({ ...rec, floorBytes });
    }
    return records;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
