/**
 * Measures the Glue traffic of three sync runs of a CSN corpus against a real Glue-compatible server (moto):
 *   1. first run (everything created), 2. unchanged rerun, 3. rerun after one column label changed.
 * and prints summary.traffic.target.byOperation for each (requests and bytes both ways, HTTP headers included),
 * with totals, the source's bytes, the estimated bytes of a --full run and the savings figure.
 *
 *   node --import tsx scripts/measure-glue-traffic.ts [--corpus DIR] [--endpoint URL] [--json]
 *
 * Without --endpoint it starts its own moto_server (scripts/ensure-moto.ts finds it) and stops it afterwards. The
 * runs go through the same wiring as `catalog-sync sync` (config schema, createTarget, runSync) with the default
 * Glue settings (adaptive retries, maxAttempts 6, maxConcurrency 8); only the corpus copy and the checkpoint file
 * live in a temp folder. moto takes any credentials; dummy ones are set for this process when none are present.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createSource, createTarget } from '../src/cli/create-connectors.ts';
import { parseConfig } from '../src/config/load-config.ts';
import { silentLogger } from '../src/engine/engine-logger.ts';
import type { RunSummary } from '../src/engine/run-summary.ts';
import { runSync } from '../src/engine/run-sync.ts';
import { openCheckpointStore } from '../src/state/file-checkpoint-store.ts';
import { ensureMotoServer, REPO_ROOT } from './ensure-moto.ts';
import { startMotoServer } from './moto-server.ts';
import { syncOptionsFromConfig } from '../src/cli/sync-options.ts';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: path.resolve(REPO_ROOT, 'test/fixtures/corpus/csn') },
    endpoint: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

/** The edit between runs 2 and 3: one column label of one asset. */
const LABEL_EDIT = { file: 'SalesOrders.json', entity: 'SalesOrders', element: 'SALESORDERID', label: 'Sales order number' };

interface Measured {
  run: string;
  summary: RunSummary;
}

async function changeLabel(corpus: string): Promise<void> {
  const file = path.join(corpus, LABEL_EDIT.file);
  const csn = JSON.parse(await readFile(file, 'utf8'));
  csn.definitions[LABEL_EDIT.entity].elements[LABEL_EDIT.element]['@EndUserText.label'] = LABEL_EDIT.label;
  await writeFile(file, JSON.stringify(csn, null, 2));
}

async function measure(endpoint: string, corpusSource: string): Promise<Measured[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'measure-glue-'));
  try {
    const corpus = path.join(dir, 'csn');
    await cp(corpusSource, corpus, { recursive: true });
    const raw = {
      source: { type: 'csn-files', path: corpus, space: 'SALES' },
      // A prefix of its own, so repeated measurements against one server start empty.
      target: { type: 'glue', endpoint, region: 'us-east-1', databasePrefix: `m${Date.now().toString(36)}_` },
      checkpoints: { dir: path.join(dir, 'checkpoints') },
      history: { file: path.join(dir, 'history.jsonl') },
    };
    const { config } = parseConfig(raw, path.join(dir, 'config.json'));
    const out: Measured[] = [];
    for (const run of ['first run', 'unchanged rerun', 'after one label change']) {
      if (run === 'after one label change') await changeLabel(corpus);
      const target = await createTarget(config);
      const checkpoints = await openCheckpointStore({
        dir: config.checkpoints.dir,
        sourceSystem: 'datasphere',
        flushEvery: config.checkpoints.flushEvery,
        backups: config.checkpoints.backups,
      });
      try {
        const { summary } = await runSync(
          syncOptionsFromConfig(config),
          { source: createSource(config), target, checkpoints, logger: silentLogger },
        );
        if (summary.status !== 'ok') throw new Error(`${run}: status ${summary.status}: ${JSON.stringify(summary.failed)}`);
        out.push({ run, summary });
      } finally {
        await target.close?.();
        await checkpoints.close();
      }
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function table(results: Measured[]): string {
  const lines: string[] = [];
  for (const { run, summary } of results) {
    const t = summary.traffic.target;
    const c = summary.changes;
    lines.push(`${run}: ${c.created} created, ${c.metadataChanged} metadata changed, ${c.unchanged} unchanged`);
    lines.push(`  ${'operation'.padEnd(16)} ${'requests'.padStart(8)} ${'bytes sent'.padStart(12)} ${'bytes received'.padStart(15)}`);
    for (const [op, f] of Object.entries(t.byOperation).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`  ${op.padEnd(16)} ${String(f.requests).padStart(8)} ${String(f.bytesSent).padStart(12)} ${String(f.bytesReceived).padStart(15)}`);
    }
    lines.push(`  ${'total'.padEnd(16)} ${String(t.requests).padStart(8)} ${String(t.bytesSent).padStart(12)} ${String(t.bytesReceived).padStart(15)}`);
    const s = summary.traffic.source;
    lines.push(`  source: ${s.requests} requests, ${s.bytesSent + s.bytesReceived} bytes; this run ${summary.totalBytes} bytes both ways, source and target`);
    lines.push(`  writes ${t.writes}; a --full run would move ${summary.fullSyncBytes} bytes; savings ${summary.savingsPercent} %; verified ${summary.verified.matched}/${summary.verified.checked} (${summary.verified.readBack ?? 0} read back)`);
    lines.push('');
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  process.env['AWS_ACCESS_KEY_ID'] ??= 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'testing';
  // The SDK's notice about Node 20 support would sit between the figures; it is about the runtime, not them.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const moto = values.endpoint ? undefined : await startMotoServer(await ensureMotoServer());
  try {
    const results = await measure(values.endpoint ?? (moto?.endpoint as string), values.corpus);
    if (values.json) {
      const json = results.map(({ run, summary }) => ({
        run,
        byOperation: summary.traffic.target.byOperation,
        source: summary.traffic.source,
        totalBytes: summary.totalBytes,
        fullSyncBytes: summary.fullSyncBytes,
        savingsPercent: summary.savingsPercent,
        verified: summary.verified,
      }));
      console.log(JSON.stringify(json, null, 2));
    } else {
      console.log(table(results));
    }
  } finally {
    await moto?.stop();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
