/**
 * `npm run bench [-- --quick]`: incremental sync against the naive full upsert on the same catalogs, against
 * moto (a real Glue-compatible server) and the file target, plus micro-benchmarks. Each part runs in a process of
 * its own (bench/segment.ts). Prints a table and writes bench/results/latest.json. Never part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureMotoServer } from '../scripts/ensure-moto.ts';
import { startMotoServer } from '../scripts/moto-server.ts';
import type { MicroResults } from './micro.ts';
import { printTable, summarise } from './report-results.ts';
import type { RunRecord } from './sync-bench.ts';

if (process.argv.includes('--huge')) {
  // 10k, 100k and 1M assets, memory and CPU against the clock (bench/scale-bench.ts, bench/README.md): a run of its own.
  await import('./scale-bench.ts');
  process.exit(0);
}

const quick = process.argv.includes('--quick');
const here = path.dirname(fileURLToPath(import.meta.url));
const resultsDir = path.join(here, 'results');

function segment<T>(args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(here, 'segment.ts'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as T) : reject(new Error(`bench segment ${args.join(' ')} exited ${code}`))));
  });
}

const runs: RunRecord[] = [];
const moto = await startMotoServer(await ensureMotoServer());
let micro: MicroResults | null = null;
try {
  process.stderr.write(`moto at ${moto.endpoint}\n`);
  for (const size of quick ? [1_000] : [1_000, 10_000]) {
    runs.push(...(await segment<RunRecord[]>(['moto', String(size)], { BENCH_MOTO_ENDPOINT: moto.endpoint })));
    runs.push(...(await segment<RunRecord[]>(['file', String(size)])));
  }
  if (!quick) {
    process.stderr.write('100k assets against the file target\n');
    // Node's default flags, as users run it: no heap limit to tune.
    runs.push(...(await segment<RunRecord[]>(['file', '100000', '4'])));
  }
  process.stderr.write('micro-benchmarks\n');
  micro = await segment<MicroResults>(['micro', quick ? '10000' : '100000']);
} finally {
  await moto.stop();
}

const summary = summarise(runs, micro);
const results = { generatedAt: new Date().toISOString(), mode: quick ? 'quick' : 'full', node: process.version, runs, micro, summary };
await mkdir(resultsDir, { recursive: true });
await writeFile(path.join(resultsDir, 'latest.json'), JSON.stringify(results, null, 2));
process.stdout.write(printTable(runs, micro, summary) + '\n');
process.stdout.write(`\nwritten: ${path.relative(process.cwd(), path.join(resultsDir, 'latest.json'))}\n`);
