/**
 * One part of the benchmark in a process of its own, so that its memory and CPU figures are not coloured by the
 * parts before it: `segment.ts micro <assets>` or `segment.ts <file|moto> <assets> [steps]` (moto needs
 * BENCH_MOTO_ENDPOINT). Prints its records as one JSON document on stdout; progress goes to stderr.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { emptyTraffic } from '../src/catalog/traffic.ts';
import { FileTarget } from '../src/connectors/file/file-target.ts';
import { createGlueClient } from '../src/connectors/glue/create-glue-client.ts';
import { GlueTarget } from '../src/connectors/glue/glue-target.ts';
import { loadMapping } from '../src/mapping/load-mapping.ts';
import { runMicro } from './micro.ts';
import { naiveFileUpsert, naiveGlueUpsert } from './naive-upsert.ts';
import type { TargetKit } from './sync-bench.ts';
import { runSyncBench } from './sync-bench.ts';

const [kind, sizeArg, stepsArg] = process.argv.slice(2);
const size = Number(sizeArg);
const log = (line: string) => process.stderr.write(line + '\n');

// moto accepts any credentials; the SDK only needs some to sign with. Never real ones here.
process.env.AWS_ACCESS_KEY_ID ??= 'bench';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

if (kind === 'micro') {
  process.stdout.write(JSON.stringify(await runMicro(size)) + '\n');
} else {
  const mapping = await loadMapping();
  const work = await mkdtemp(path.join(tmpdir(), 'catalog-sync-bench-'));
  try {
    let kit: TargetKit;
    if (kind === 'moto') {
      const endpoint = process.env.BENCH_MOTO_ENDPOINT;
      if (!endpoint) throw new Error('BENCH_MOTO_ENDPOINT is not set');
      const client = { region: 'us-east-1', endpoint, maxAttempts: 4 };
      const prefix = `b${size}`;
      kit = {
        name: 'moto',
        // skipArchive false: the config's default, under which an update's version is known without a read.
        createTarget: (mode) => new GlueTarget({ ...client, databasePrefix: `${prefix}${mode === 'full' ? 'f' : 'i'}_`, skipArchive: false, maxConcurrency: 8, job: 'bench', mapping }),
        createBaseline: () => {
          const traffic = emptyTraffic();
          return { upsert: naiveGlueUpsert(createGlueClient(client, traffic), mapping, `${prefix}n_`, 8), traffic };
        },
        // moto answers a listing in one response; Glue serves 100 tables a page.
        glueRequests: (target, traffic) => {
          const listings = (target as GlueTarget).listings();
          return traffic.requests - (traffic.byOperation['GetTables']?.requests ?? 0) + listings.gluePages;
        },
      };
    } else {
      kit = {
        name: 'file',
        createTarget: (mode) => new FileTarget({ path: path.join(work, mode), databasePrefix: 'bench_', job: 'bench', mapping }),
        createBaseline: () => {
          const traffic = emptyTraffic();
          return { upsert: naiveFileUpsert(path.join(work, 'naive'), mapping, 'naive_', traffic), traffic };
        },
      };
    }
    // A 100k run (steps given) compares with the naive upsert only: a --full of 100k files says nothing new.
    const options = stepsArg ? { steps: Number(stepsArg), modes: ['incremental', 'naive'] as const } : {};
    const records = await runSyncBench(kit, size, log, options);
    process.stdout.write(JSON.stringify(records) + '\n');
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
