/**
 * Measures the Datasphere source's own traffic (summary.traffic.source, split per operation) over three sync
 * runs of the nock-served fake tenant (test/connectors/datasphere/fake-tenant.ts: a SALES space whose seven
 * design-time objects are the corpus CSN exports, and the recorded DEMO_SPACE view read from its recorded
 * EDMX) into the file target:
 *   1. first run (everything created), 2. unchanged rerun, 3. rerun after one object's label changed.
 *
 *   node --import tsx scripts/measure-datasphere-traffic.ts [--json]
 *
 * The runs go through the same wiring as `catalog-sync sync` (config schema with its defaults, createSource,
 * createTarget, runSync); only the target and checkpoints live in a temp folder. Everything stays in this
 * process: nock answers every request, nothing leaves the machine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import nock from 'nock';
import { createSource, createTarget } from '../src/cli/create-connectors.ts';
import { parseConfig } from '../src/config/load-config.ts';
import { silentLogger } from '../src/engine/engine-logger.ts';
import type { RunSummary } from '../src/engine/run-summary.ts';
import { runSync } from '../src/engine/run-sync.ts';
import { openCheckpointStore } from '../src/state/file-checkpoint-store.ts';
import { CLIENT_ID, CLIENT_SECRET, demoAssets, FakeTenant, salesAssets, TENANT_URL, TOKEN_URL } from '../test/connectors/datasphere/fake-tenant.ts';
import type { Traffic } from '../src/catalog/traffic.ts';
import { syncOptionsFromConfig } from '../src/cli/sync-options.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });

interface Measured {
  run: string;
  changes: RunSummary['changes'];
  status: RunSummary['status'];
  traffic: Traffic;
}

async function main(): Promise<void> {
  nock.disableNetConnect();
  const tenant = new FakeTenant().addSpace('SALES', salesAssets()).addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
  tenant.install();
  const root = await mkdtemp(path.join(tmpdir(), 'ds-traffic-'));
  const raw = {
    source: { type: 'datasphere', tenantUrl: TENANT_URL, tokenUrl: TOKEN_URL, clientId: '${DS_CLIENT_ID}', clientSecret: '${DS_CLIENT_SECRET}' },
    target: { type: 'file', path: path.join(root, 'catalog') },
    checkpoints: { dir: path.join(root, 'checkpoints') },
  };
  const { config } = parseConfig(raw, path.join(root, 'config.json'), { DS_CLIENT_ID: CLIENT_ID, DS_CLIENT_SECRET: CLIENT_SECRET });
  const results: Measured[] = [];
  try {
    const run = async (name: string): Promise<void> => {
      // A fresh source per run, as a new process would have: no token or state carried over.
      const source = createSource(config);
      const target = await createTarget(config);
      const checkpoints = await openCheckpointStore({ dir: config.checkpoints.dir, sourceSystem: source.system, flushEvery: 25, backups: config.checkpoints.backups });
      const { summary } = await runSync(
        syncOptionsFromConfig(config),
        { source, target, checkpoints, logger: silentLogger },
      );
      await checkpoints.flush();
      results.push({ run: name, changes: summary.changes, status: summary.status, traffic: source.traffic() });
    };

    await run('1 first run');
    await run('2 unchanged rerun');
    const orders = tenant.asset('SALES', 'SalesOrders');
    orders.csn = orders.csn?.replace('"@EndUserText.label": "SalesOrders"', '"@EndUserText.label": "Sales Orders"');
    await run('3 one label changed');
  } finally {
    nock.cleanAll();
    await rm(root, { recursive: true, force: true });
  }

  if (values.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  for (const result of results) {
    const { traffic, changes } = result;
    process.stdout.write(
      `\n${result.run}: status ${result.status}; created ${changes.created}, modified ${changes.modified}, unchanged ${changes.unchanged}\n` +
        `  source total: ${traffic.requests} requests, ${traffic.bytesSent} bytes sent, ${traffic.bytesReceived} bytes received\n`,
    );
    for (const [operation, figures] of Object.entries(traffic.byOperation).sort(([a], [b]) => (a < b ? -1 : 1))) {
      process.stdout.write(`    ${operation.padEnd(22)} ${String(figures.requests).padStart(4)} req ${String(figures.bytesSent).padStart(6)} B sent ${String(figures.bytesReceived).padStart(8)} B received\n`);
    }
  }
}

await main();
