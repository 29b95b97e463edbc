/**
 * `npm run bench -- --huge` (or `node --import tsx bench/scale-bench.ts [--huge] [--sizes 10000,100000]
 * [--modes memory,files]`): catalog-sync at 10k, 100k and (with --huge) 1M assets. Every run is a process of its
 * own with Node's default flags, measured by /usr/bin/time (wall, user + system CPU, peak RSS):
 *
 * - memory: StreamSource (the catalog generated space by space) into MemoryTarget (versions only) through
 *   runSync and the real checkpoint on disk — our code alone;
 * - files: the real CLI (`catalog-sync sync`, bin/ on the compiled dist/: `npm run build` first) on an export folder of one-entity CSN files
 *   into the file target — what a user runs.
 *
 * For each: the initial sync, an unchanged rerun, and a rerun after 1 % of the assets changed. Prints a table and
 * writes bench/results/scale-latest.json. Never part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { changeExport, extendExport, rewriteExport, writeExport } from './csn-export.ts';
import type { ExportSpec } from './csn-export.ts';
import type { MicroResults } from './micro.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const args = process.argv.slice(2);
const huge = args.includes('--huge');
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const sizes = (option('--sizes') ?? (huge ? '10000,100000,1000000' : '10000,100000')).split(',').map(Number);
const modes = (option('--modes') ?? 'memory,files').split(',');
const keep = args.includes('--keep');
/** Results file under bench/results/ (default scale-latest.json). */
const out = option('--out') ?? 'scale-latest.json';
/** The micro-benchmarks (hashing, checkpoint) at this many assets, in a process of their own; 0 = none. */
const microAssets = Number(option('--micro') ?? 100_000);
const log = (line: string) => process.stderr.write(`${line}\n`);

export interface ScaleRecord {
  mode: string;
  assets: number;
  run: string;
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
  writes?: number;
  changed?: number;
  status?: string;
  /** Memory mode: CPU the benchmark's generator spent making up the assets (not our code; included in cpuMs). */
  generationCpuMs?: number;
  detail?: Record<string, unknown>;
}

interface Timed {
  stdout: string;
  code: number;
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
}

/** Runs `node <args>` under /usr/bin/time -v and reads its figures. */
async function timed(nodeArgs: string[], cwd: string): Promise<Timed> {
  const timeFile = path.join(tmpdir(), `catalog-sync-time-${process.pid}-${Date.now()}`);
  const child = spawn('/usr/bin/time', ['-v', '-o', timeFile, process.execPath, ...nodeArgs], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const report = await readFile(timeFile, 'utf8');
  await rm(timeFile, { force: true });
  const field = (label: string) => {
    const line = report.split('\n').find((l) => l.trim().startsWith(label));
    if (!line) throw new Error(`no "${label}" in /usr/bin/time output:\n${report}`);
    return line.slice(line.lastIndexOf(': ') + 2).trim();
  };
  const clock = field('Elapsed (wall clock) time').split(':').map(Number);
  const wallSeconds = clock.reduce((total, part) => total * 60 + part, 0);
  return {
    stdout,
    code,
    wallMs: Math.round(wallSeconds * 1000),
    cpuMs: Math.round((Number(field('User time (seconds)')) + Number(field('System time (seconds)'))) * 1000),
    peakRssBytes: Number(field('Maximum resident set size (kbytes)')) * 1024,
  };
}

const RUNS: readonly { name: string; generation: number; rewrite?: true }[] = [
  { name: 'initial', generation: 0 },
  { name: 'unchanged', generation: 0 },
  { name: '1% changed', generation: 1 },
];

/**
 * Files mode also runs over the export written again with the same bytes (every file a new inode and time, as a
 * nightly re-export or a fresh checkout leaves it): the quick check misses every file, the content digest catches it.
 */
const FILE_RUNS = [...RUNS, { name: 're-exported, same bytes', generation: 1, rewrite: true as const }];

/**
 * Above this size the initial sync is made in steps of this many new assets, each a run of its own: a first run
 * holds every new definition until it is written (see bench/README.md), and a million of them do not fit Node's
 * default heap. The catalog grows by a step per run, as real catalogs grow.
 */
const INITIAL_STEP = 100_000;

/** One initial sync, or the steps that make it, summed: wall and CPU added up, the highest peak RSS. */
function initialSteps(assets: number): number[] {
  if (assets <= 2 * INITIAL_STEP) return [assets];
  const steps: number[] = [];
  for (let n = INITIAL_STEP; n < assets; n += INITIAL_STEP) steps.push(n);
  steps.push(assets);
  return steps;
}

function initialName(assets: number): string {
  const steps = initialSteps(assets).length;
  return steps === 1 ? 'initial' : `initial (${steps} runs of +${INITIAL_STEP / 1000}k)`;
}

function sum(parts: readonly Timed[]): Timed {
  return {
    stdout: parts.at(-1)?.stdout ?? '',
    code: parts.find((p) => p.code !== 0)?.code ?? 0,
    wallMs: parts.reduce((t, p) => t + p.wallMs, 0),
    cpuMs: parts.reduce((t, p) => t + p.cpuMs, 0),
    peakRssBytes: Math.max(...parts.map((p) => p.peakRssBytes)),
  };
}

async function memoryMode(assets: number, work: string): Promise<ScaleRecord[]> {
  const records: ScaleRecord[] = [];
  const dir = path.join(work, `memory-${assets}`);
  await mkdir(dir, { recursive: true });
  const runOnce = (size: number, generation: number) =>
    timed(['--import', 'tsx', path.join(here, 'scale-run.ts'), dir, String(size), String(perSpace(assets)), String(generation)], root);
  for (const run of RUNS) {
    let result: Timed;
    let writes = 0;
    let generation = 0;
    if (run.name === 'initial') {
      const parts: Timed[] = [];
      for (const size of initialSteps(assets)) {
        const part = await runOnce(size, 0);
        if (part.code !== 0) throw new Error(`memory ${size} initial step exited ${part.code}`);
        const stepOut = JSON.parse(part.stdout) as { writes: number; generationCpuMs: number };
        writes += stepOut.writes;
        generation += stepOut.generationCpuMs;
        log(`  memory ${assets} initial, ${size} assets: ${(part.wallMs / 1000).toFixed(1)} s, ${mb(part.peakRssBytes)} MB`);
        parts.push(part);
      }
      result = sum(parts);
    } else {
      result = await runOnce(assets, run.generation);
    }
    if (result.code !== 0) throw new Error(`memory ${assets} ${run.name} exited ${result.code}`);
    const out = JSON.parse(result.stdout) as { status: string; writes: number; changes: Record<string, number>; phases: Record<string, number>; generationCpuMs: number };
    if (run.name !== 'initial') {
      writes = out.writes;
      generation = out.generationCpuMs;
    }
    const changed = run.name === 'initial' ? assets : assets - (out.changes.UNCHANGED ?? 0);
    const name = run.name === 'initial' ? initialName(assets) : run.name;
    records.push({ mode: 'memory', assets, run: name, wallMs: result.wallMs, cpuMs: result.cpuMs, generationCpuMs: generation, peakRssBytes: result.peakRssBytes, writes, changed, status: out.status, detail: out });
    log(`  memory ${assets} ${name}: ${(result.wallMs / 1000).toFixed(1)} s, ${mb(result.peakRssBytes)} MB, ${writes} writes, phases ${JSON.stringify(out.phases)}`);
  }
  return records;
}

/**
 * The CLI as installed (bin/catalog-sync.js running the compiled dist/): what a user runs, modules loaded as they
 * load there. Refuses a dist/ older than the sources, which would measure code that is no longer the project's.
 */
async function builtCli(): Promise<string> {
  const main = path.join(root, 'dist', 'cli', 'main.js');
  const built = await stat(main).catch(() => undefined);
  if (!built) throw new Error('dist/ is missing: run `npm run build` first');
  const newest = await newestMtime(path.join(root, 'src'));
  if (newest > built.mtimeMs) throw new Error('dist/ is older than src/: run `npm run build` first');
  return path.join(root, 'bin', 'catalog-sync.js');
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(path.join(entry.parentPath ?? entry.path, entry.name))).mtimeMs);
  }
  return newest;
}

async function filesMode(assets: number, work: string, cli: string): Promise<ScaleRecord[]> {
  const records: ScaleRecord[] = [];
  const dir = path.join(work, `files-${assets}`);
  const spec: ExportSpec = { assets, perSpace: perSpace(assets), seed: 42 };
  const exportDir = path.join(dir, 'export');
  const started = performance.now();
  const steps = initialSteps(assets);
  await writeExport(exportDir, { ...spec, assets: steps[0]! }, log);
  log(`  files ${assets}: export written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const config = path.join(dir, 'catalog-sync.json');
  await writeFile(
    config,
    JSON.stringify({
      job: { name: 'bench' },
      source: { type: 'csn-files', path: exportDir, space: 'SPACE_0' },
      target: { type: 'file', path: path.join(dir, 'catalog') },
      checkpoints: { dir: path.join(dir, 'checkpoints') },
      history: { file: path.join(dir, 'run-history.jsonl'), changeLog: path.join(dir, 'change-log.jsonl') },
      deletion: { maxCount: 10_000_000, maxPercent: 100 },
      logging: { level: 'error' },
    }),
  );
  for (const run of FILE_RUNS) {
    let changedFiles: number | undefined;
    if (run.rewrite) changedFiles = await rewriteExport(exportDir);
    else if (run.generation > 0) changedFiles = await changeExport(exportDir, spec, run.generation);
    let result: Timed;
    if (run.name === 'initial') {
      const parts: Timed[] = [];
      for (const [i, size] of steps.entries()) {
        if (i > 0) await extendExport(exportDir, spec, steps[i - 1]!, size, log);
        const part = await timed([cli, 'sync', '--config', config, '--json'], dir);
        if (part.code !== 0 && part.code !== 3) throw new Error(`files ${size} initial step exited ${part.code}`);
        if (steps.length > 1) log(`  files ${assets} initial, ${size} files: ${(part.wallMs / 1000).toFixed(1)} s, ${mb(part.peakRssBytes)} MB`);
        parts.push(part);
      }
      result = sum(parts);
    } else {
      result = await timed([cli, 'sync', '--config', config, '--json'], dir);
    }
    const name = run.name === 'initial' ? initialName(assets) : run.name;
    let summary: { status?: string; counts?: Record<string, number>; writes?: number } = {};
    try {
      summary = JSON.parse(result.stdout) as typeof summary;
    } catch {
      log(`  files ${assets} ${name}: no JSON on stdout (exit ${result.code})`);
    }
    if (result.code !== 0 && result.code !== 3) throw new Error(`files ${assets} ${name} exited ${result.code}: ${result.stdout.slice(0, 500)}`);
    const checkpoint = await stat(path.join(dir, 'checkpoints', 'bench@datasphere_checkpoints.json')).catch(() => undefined);
    const writes = (summary as { traffic?: { target?: { writes?: number } } }).traffic?.target?.writes;
    records.push({
      mode: 'files',
      assets,
      run: name,
      wallMs: result.wallMs,
      cpuMs: result.cpuMs,
      peakRssBytes: result.peakRssBytes,
      ...(writes !== undefined && steps.length === 1 ? { writes } : {}),
      ...(changedFiles !== undefined ? { changed: changedFiles } : {}),
      ...(summary.status ? { status: summary.status } : {}),
      detail: { summary: summarise(summary), checkpointBytes: checkpoint?.size },
    });
    log(`  files ${assets} ${name}: ${(result.wallMs / 1000).toFixed(1)} s, ${mb(result.peakRssBytes)} MB (exit ${result.code})`);
  }
  return records;
}

/** The run summary's counts, without its per-table lists. */
function summarise(summary: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(summary)) if (typeof value !== 'object' || value === null || !Array.isArray(value)) out[key] = value;
  return out;
}

/** A thousand assets a space, as a large tenant's spaces run; never fewer than ten spaces. */
function perSpace(assets: number): number {
  return Math.min(1000, Math.max(1, Math.ceil(assets / 10)));
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

export function printScaleTable(records: readonly ScaleRecord[]): string {
  const head = ['mode', 'assets', 'run', 'wall s', 'cpu s', 'of it generator s', 'peak RSS MB', 'writes', 'changed'];
  const rows = records.map((r) => [
    r.mode,
    String(r.assets),
    r.run,
    (r.wallMs / 1000).toFixed(1),
    (r.cpuMs / 1000).toFixed(1),
    r.generationCpuMs === undefined ? '' : (r.generationCpuMs / 1000).toFixed(1),
    mb(r.peakRssBytes),
    r.writes === undefined ? '' : String(r.writes),
    r.changed === undefined ? '' : String(r.changed),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const work = await mkdtemp(path.join(tmpdir(), 'catalog-sync-scale-'));
const records: ScaleRecord[] = [];
try {
  const cli = modes.includes('files') ? await builtCli() : '';
  for (const assets of sizes) {
    if (modes.includes('memory')) {
      log(`memory target, ${assets} assets`);
      records.push(...(await memoryMode(assets, work)));
    }
    if (modes.includes('files')) {
      log(`file target via the CLI, ${assets} export files`);
      records.push(...(await filesMode(assets, work, cli)));
    }
  }
} finally {
  if (!keep) await rm(work, { recursive: true, force: true });
  else log(`kept ${work}`);
}
let micro: MicroResults | undefined;
if (microAssets > 0) {
  log(`micro-benchmarks, ${microAssets} assets`);
  const result = await timed(['--import', 'tsx', path.join(here, 'segment.ts'), 'micro', String(microAssets)], root);
  if (result.code === 0) micro = JSON.parse(result.stdout) as MicroResults;
  else log(`  micro-benchmarks exited ${result.code}`);
}
const results = { generatedAt: new Date().toISOString(), node: process.version, load: loadavg(), records, micro };
await mkdir(path.join(here, 'results'), { recursive: true });
await writeFile(path.join(here, 'results', out), JSON.stringify(results, null, 2));
process.stdout.write(`${printScaleTable(records)}\n${micro ? `\n${printMicro(micro)}\n` : ''}\nwritten: bench/results/${out}\n`);

function printMicro(m: MicroResults): string {
  const k = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return [
    `micro (${m.assets} assets; best of several runs; rates over wall time, then over CPU time):`,
    `  hash + classify, every fingerprint a hit:  ${m.hashWarmAssetsPerSecond}/s  (cpu ${m.hashCpuAssetsPerSecond.warm}/s)   target >= 200,000`,
    `  hash + classify, 10 % changed:            ${m.hashAssetsPerSecond}/s  (cpu ${m.hashCpuAssetsPerSecond.mixed}/s)`,
    `  hash + classify, cold (no fingerprints):   ${m.hashColdAssetsPerSecond}/s  (cpu ${m.hashCpuAssetsPerSecond.cold}/s)   target >= 50,000`,
    `  classify, source says not modified:        ${m.validatorHitAssetsPerSecond}/s`,
    `  checkpoint commit of 1,000 changes:        ${m.checkpointCommit1000Ms} ms   target < 50`,
    `  checkpoint snapshot save, end of a run:    ${m.checkpointSaveEndOfRunMs} ms (1,000 changed, ${m.checkpointSaveEndOfRunCopied} copied; ${k(m.checkpointFileBytes)})   target < 1,000`,
    `  checkpoint snapshot save, all serialised:  ${m.checkpointSaveMs} ms (a checkpoint's first snapshot)`,
    `  checkpoint load:                           ${m.checkpointLoadMs} ms (with 1,000 journal lines: ${m.checkpointLoadWithJournalMs} ms)   target < 1,000`,
    `  gzip snapshot:                             ${k(m.checkpointGzipBytes)}, save ${m.checkpointSaveGzipMs} ms, load ${m.checkpointLoadGzipMs} ms`,
  ].join('\n');
}
