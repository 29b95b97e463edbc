/**
 * `npm run bench [-- --quick]`: incremental sync against the naive full upsert on the same catalogs, against
 * moto (a real Glue-compatible server) and the file target, plus micro-benchmarks. Prints a table and writes
 * bench/results/latest.json. Never part of `npm test`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileTarget } from '../src/connectors/file/file-target.ts';
import { createGlueClient } from '../src/connectors/glue/create-glue-client.ts';
import { GlueTarget } from '../src/connectors/glue/glue-target.ts';
import { emptyTraffic } from '../src/catalog/traffic.ts';
import { loadMapping } from '../src/mapping/load-mapping.ts';
import { ensureMotoServer } from '../scripts/ensure-moto.ts';
import { startMotoServer } from '../scripts/moto-server.ts';
import { runMicro } from './micro.ts';
import type { MicroResults } from './micro.ts';
import { naiveFileUpsert, naiveGlueUpsert } from './naive-upsert.ts';
import { runSyncBench } from './sync-bench.ts';
import type { RunRecord, TargetKit } from './sync-bench.ts';
import { printTable, summarise } from './report-results.ts';

const quick = process.argv.includes('--quick');
const log = (line: string) => process.stderr.write(line + '\n');
const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

const mapping = await loadMapping();
const work = await mkdtemp(path.join(tmpdir(), 'catalog-sync-bench-targets-'));

function fileKit(name: string): TargetKit {
  const root = path.join(work, name);
  return {
    name: 'file',
    createTarget: () => new FileTarget({ path: path.join(root, 'sync'), databasePrefix: 'bench_', job: 'bench', mapping }),
    createBaseline: () => {
      const traffic = emptyTraffic();
      return { upsert: naiveFileUpsert(path.join(root, 'naive'), mapping, 'naive_', traffic), traffic };
    },
  };
}

function glueKit(endpoint: string, prefix: string): TargetKit {
  const client = { region: 'us-east-1', endpoint, maxAttempts: 4 };
  return {
    name: 'moto',
    createTarget: () =>
      new GlueTarget({ ...client, databasePrefix: `${prefix}_`, skipArchive: true, maxConcurrency: 8, job: 'bench', mapping }),
    createBaseline: () => {
      const traffic = emptyTraffic();
      return { upsert: naiveGlueUpsert(createGlueClient(client, traffic), mapping, `${prefix}_naive_`, 8), traffic };
    },
  };
}

// moto accepts any credentials; the SDK only needs some to sign with. Never real ones here.
process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';

const runs: RunRecord[] = [];
let micro: MicroResults | null = null;
const moto = await startMotoServer(await ensureMotoServer());
try {
  log(`moto at ${moto.endpoint}`);
  const sizes = quick ? [1_000] : [1_000, 10_000];
  for (const size of sizes) {
    runs.push(...(await runSyncBench(glueKit(moto.endpoint, `b${size}`), size, log)));
    runs.push(...(await runSyncBench(fileKit(`f${size}`), size, log)));
  }
  if (!quick) {
    log('100k assets against the file target');
    runs.push(...(await runSyncBench(fileKit('f100k'), 100_000, log, 4)));
  }
  log('micro-benchmarks');
  micro = await runMicro(quick ? 10_000 : 100_000);
} finally {
  await moto.stop();
  await rm(work, { recursive: true, force: true });
}

const summary = summarise(runs, micro);
const results = { generatedAt: new Date().toISOString(), mode: quick ? 'quick' : 'full', node: process.version, runs, micro, summary };
await mkdir(resultsDir, { recursive: true });
await writeFile(path.join(resultsDir, 'latest.json'), JSON.stringify(results, null, 2));
process.stdout.write(printTable(runs, micro, summary) + '\n');
process.stdout.write(`\nwritten: ${path.relative(process.cwd(), path.join(resultsDir, 'latest.json'))}\n`);
