/**
 * One run of the large-scale benchmark in a process of its own (started by bench/scale-bench.ts under
 * /usr/bin/time, which measures it): `scale-run.ts <workdir> <assets> <perSpace> <generation>`. The catalog comes
 * from StreamSource (generated space by space), the target is MemoryTarget (versions only), the checkpoint is the
 * real one on disk. Default Node flags. Prints one JSON object (phase times, counts) on stdout.
 */
import path from 'node:path';
import type { CheckpointStore } from '../src/catalog/checkpoint.ts';
import { boundHeapGrowth } from '../src/cli/heap-growth.ts';
import { defaultChangeOptions } from '../src/change/change-options.ts';
import { runSync } from '../src/engine/run-sync.ts';
import { loadMapping } from '../src/mapping/load-mapping.ts';
import { openCheckpointStore } from '../src/state/file-checkpoint-store.ts';
import { MemoryTarget } from './memory-target.ts';
import { StreamSource } from './stream-source.ts';

// What the CLI does first, so the run's memory is what a user's would be.
boundHeapGrowth();
const [workdir, assetsArg, perSpaceArg, generationArg] = process.argv.slice(2);
if (!workdir || !assetsArg || !perSpaceArg || generationArg === undefined) throw new Error('usage: scale-run.ts <workdir> <assets> <perSpace> <generation>');
const spec = { assets: Number(assetsArg), perSpace: Number(perSpaceArg), seed: 42 };

let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
const started = performance.now();
const phases: Record<string, number> = {};
/** Resident and heap memory (MB) at the end of each phase: where a peak comes from. */
const memory: Record<string, { rss: number; heapTotal: number; heapUsed: number; external: number }> = {};
let mark = started;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const phase = (name: string) => {
  const now = performance.now();
  phases[name] = Math.round(now - mark);
  mark = now;
  const m = process.memoryUsage();
  memory[name] = { rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external) };
};

const mapping = await loadMapping();
const target = new MemoryTarget('bench', mapping);
await target.load(path.join(workdir, 'target.tsv'));
phase('loadTarget');
const store = await openCheckpointStore({
  dir: path.join(workdir, 'checkpoints'),
  sourceSystem: 'datasphere',
  owner: { job: 'bench', target: target.identity },
  flushEvery: 25,
  flushIntervalMs: 1000,
  backups: { keep: 2, maxAgeDays: 0 },
});
phase('openCheckpoint');
const source = new StreamSource(spec, Number(generationArg));
const outcome = await runSync(
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
  {
    source,
    target,
    checkpoints: store,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  },
);
phase('sync');
// To see what a run holds per asset: BENCH_HEAP_SNAPSHOT=<file> writes a heap snapshot here, the run's results still
// referenced (open it in Chrome DevTools, Memory tab).
if (process.env['BENCH_HEAP_SNAPSHOT']) {
  const { writeHeapSnapshot } = await import('node:v8');
  writeHeapSnapshot(process.env['BENCH_HEAP_SNAPSHOT']);
  phase('heapSnapshot');
}
await closeStore(store);
phase('closeCheckpoint');
await target.save(path.join(workdir, 'target.tsv'));
phase('saveTarget');
clearInterval(sampler);

const { summary } = outcome;
process.stdout.write(
  JSON.stringify({
    phases,
    memory,
    generationCpuMs: Math.round(source.generationCpuMs),
    status: summary.status,
    changes: Object.fromEntries(Object.entries(countTypes(outcome.changeSet.changes))),
    writes: target.traffic().writes,
    tables: target.tables,
    checkpointEntries: store.size,
    sampledPeakRssBytes: peakRss,
    heapUsedBytes: process.memoryUsage().heapUsed,
  }) + '\n',
);

/** End of run: whatever the store offers to finish a run (a snapshot rewrite), else a flush. */
async function closeStore(checkpoints: CheckpointStore & { close?: () => Promise<void> }): Promise<void> {
  if (checkpoints.close) await checkpoints.close();
  else await checkpoints.flush();
}

function countTypes(changes: readonly { type: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of changes) out[c.type] = (out[c.type] ?? 0) + 1;
  return out;
}
