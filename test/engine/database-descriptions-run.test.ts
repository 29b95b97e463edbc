import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import type { Source, SpaceExtract } from '../../src/catalog/source.ts';
import { emptyTraffic } from '../../src/catalog/traffic.ts';
import { formatPlan } from '../../src/cli/format-plan.ts';
import { formatSummary } from '../../src/cli/format-summary.ts';
import { FileTarget } from '../../src/connectors/file/file-target.ts';
import { runSync } from '../../src/engine/run-sync.ts';
import type { SyncOptions } from '../../src/engine/run-sync.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import { baseOptions } from '../support/file-scenario.ts';
import { makeAsset } from '../support/make-asset.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'db-descriptions-run-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** One labelled space, as the Datasphere source gives it. */
function labelledSource(label: string, asset: Asset): Source {
  return {
    type: 'test',
    system: 'datasphere',
    listSpaces: async () => ['SALES'],
    extractSpace: async (space: string): Promise<SpaceExtract> => ({ space, label, complete: true, items: [{ state: 'extracted', asset }], failures: [], warnings: [] }),
    traffic: emptyTraffic,
  };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function run(label: string, asset: Asset, options: Partial<SyncOptions> = {}) {
  const target = new FileTarget({ path: join(root, 'catalog'), databasePrefix: 'ds_', job: baseOptions.job, mapping: await loadMapping() });
  const checkpoints = await openCheckpointStore({ dir: join(root, 'checkpoints'), sourceSystem: 'datasphere', flushEvery: 1, backups: { keep: 1, maxAgeDays: 0 } });
  try {
    return await runSync({ ...baseOptions, ...options }, { source: labelledSource(label, asset), target, checkpoints, logger: silent });
  } finally {
    await checkpoints.close();
  }
}

const databaseFile = () => join(root, 'catalog', 'ds_sales', '_database.json');

describe("a space's new label on its database, through a run", () => {
  it('plan and --dry-run show the Description change and make none; the run makes it and reports it', async () => {
    const first = await run('Sales', makeAsset());
    expect(first.summary.databaseDescriptions).toEqual([]);
    const created = await readFile(databaseFile(), 'utf8');
    expect(JSON.parse(created)).toMatchObject({ Description: 'SAP Datasphere space Sales (SALES)' });

    // The label changes with a table in the space: the run that writes there brings the Description in step.
    const edited = makeAsset({ description: 'Orders, booked and open' });
    const change = { database: 'ds_sales', space: 'SALES', from: 'SAP Datasphere space Sales (SALES)', to: 'SAP Datasphere space Sales (EMEA) (SALES)' };
    const plan = await run('Sales (EMEA)', edited, { planOnly: true });
    expect(plan.summary.databaseDescriptions).toEqual([change]);
    expect(formatPlan(plan.summary)).toContain('~ ds_sales Description: SAP Datasphere space Sales (SALES) → SAP Datasphere space Sales (EMEA) (SALES)');
    const dry = await run('Sales (EMEA)', edited, { dryRun: true });
    expect(dry.summary.databaseDescriptions).toEqual([change]);
    expect(formatSummary(dry.summary)).toContain('Database Descriptions: 1 change');
    expect(await readFile(databaseFile(), 'utf8')).toBe(created);

    const real = await run('Sales (EMEA)', edited);
    expect(real.summary.databaseDescriptions).toEqual([change]);
    expect(formatSummary(real.summary)).toContain('~ ds_sales Description: SAP Datasphere space Sales (SALES) → SAP Datasphere space Sales (EMEA) (SALES)');
    expect(JSON.parse(await readFile(databaseFile(), 'utf8'))).toMatchObject({ Description: change.to });

    // In step now: nothing to show.
    const again = await run('Sales (EMEA)', makeAsset({ description: 'Orders' }), { dryRun: true });
    expect(again.summary.databaseDescriptions).toEqual([]);
  });
});
