import { cp, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TagChange, TagDefinitionChange, TagRequest, TargetTagging } from '../../src/catalog/resource-tags.ts';
import { defaultChangeOptions } from '../../src/change/change-options.ts';
import { CsnFilesSource } from '../../src/connectors/csn-files/csn-files-source.ts';
import { FileTarget } from '../../src/connectors/file/file-target.ts';
import { GuardError } from '../../src/engine/engine-errors.ts';
import { silentLogger } from '../../src/engine/engine-logger.ts';
import { runSync } from '../../src/engine/run-sync.ts';
import type { SyncOptions } from '../../src/engine/run-sync.ts';
import { SafetyGuard } from '../../src/engine/safety-guard.ts';
import type { SyncPlan } from '../../src/engine/sync-plan.ts';
import { LfTagsSource } from '../../src/mapping/lf-tags-source.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import { exampleExport } from '../support/file-scenario.ts';

/** Tagging as the engine sees it: one change per table tag the asset wants; failures on demand. */
class FakeTagging implements TargetTagging {
  readonly label = 'LF-Tags';
  readonly planned: string[] = [];
  readonly applied: string[] = [];
  failPlan = new Set<string>();
  failApply = new Set<string>();

  async plan(request: TagRequest): Promise<TagChange[]> {
    this.planned.push(request.asset.id);
    if (this.failPlan.has(request.asset.id)) throw new Error('AccessDeniedException: no DESCRIBE on the table');
    const table = request.asset.businessContext.lfTags?.table ?? {};
    return Object.entries(table).map(([key, after]) => ({ resource: 'table', name: request.ref.table, key, kind: 'added', after }));
  }

  async definitions(): Promise<TagDefinitionChange[]> {
    return [];
  }

  async apply(request: TagRequest): Promise<number> {
    if (this.failApply.has(request.asset.id)) throw new Error('AddLFTagsToResource failed: AccessDeniedException');
    this.applied.push(request.asset.id);
    return 1;
  }
}

let root: string;
let tagging: FakeTagging;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'catalog-sync-tags-'));
  await cp(exampleExport, path.join(root, 'export'), { recursive: true });
  tagging = new FakeTagging();
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const OPTIONS: SyncOptions = {
  job: 'catalog-sync',
  spaces: [],
  mode: 'incremental',
  dryRun: false,
  force: false,
  concurrency: 2,
  change: defaultChangeOptions,
  deletion: { policy: 'delete', maxCount: 50, maxPercent: 100 },
  conflictPolicy: 'source-wins',
};

async function run() {
  const mapping = await loadMapping();
  const fake = tagging;
  class TaggedFileTarget extends FileTarget {
    readonly tagging = fake;
  }
  const target = new TaggedFileTarget({ path: path.join(root, 'target'), databasePrefix: 'ds_', job: OPTIONS.job, mapping });
  const source = new LfTagsSource(new CsnFilesSource({ path: path.join(root, 'export'), space: 'SALES' }), {
    database: { ds_space: 'space' },
    table: { ds_pattern: 'modelingPattern' },
    column: {},
  });
  const checkpoints = await openCheckpointStore({ dir: path.join(root, 'checkpoints'), sourceSystem: 'datasphere', flushEvery: 10, backups: { keep: 2, maxAgeDays: 0 } });
  try {
    return await runSync(OPTIONS, { source, target, checkpoints, logger: silentLogger });
  } finally {
    await checkpoints.close();
  }
}

const exists = (file: string) => stat(file).then(() => true, () => false);

describe('tags in a run (engine/plan-tags.ts)', () => {
  it("a table whose tags fail after its write is a failed asset; the next run records the table and makes its tags then", async () => {
    tagging.failApply.add('SALES/SalesOrders');
    const first = await run();
    expect(first.summary.status).toBe('partial');
    expect(first.summary.failed).toEqual([{ assetId: 'SALES/SalesOrders', error: expect.stringMatching(/AddLFTagsToResource failed/) }]);
    expect(await exists(path.join(root, 'target/ds_sales/salesorders.json'))).toBe(true);
    expect(first.summary.tags).toMatchObject({ tables: 6, failed: 0 });
    expect(first.summary.tags?.applied).toBe(first.summary.tags!.changes - 1);

    tagging.failApply.clear();
    tagging.planned.length = 0;
    tagging.applied.length = 0;
    const second = await run();
    expect(second.summary.status).toBe('ok');
    expect(second.summary.actions).toEqual([expect.objectContaining({ assetId: 'SALES/SalesOrders', action: 'record', outcome: 'done' })]);
    expect(tagging.planned).toEqual(['SALES/SalesOrders']);
    expect(tagging.applied).toEqual(['SALES/SalesOrders']);

    tagging.planned.length = 0;
    const third = await run();
    expect(third.summary.changes.unchanged).toBe(6);
    expect(tagging.planned).toEqual([]);
  });

  it('a table whose tags cannot be read is not written (failed); the others are', async () => {
    tagging.failPlan.add('SALES/SalesOrders');
    const outcome = await run();
    expect(outcome.summary.status).toBe('partial');
    expect(outcome.summary.failed).toEqual([{ assetId: 'SALES/SalesOrders', error: expect.stringMatching(/^LF-Tags: AccessDeniedException/) }]);
    expect(outcome.summary.tags).toMatchObject({ tables: 6, failed: 1 });
    expect(await exists(path.join(root, 'target/ds_sales/salesorders.json'))).toBe(false);
    expect(await exists(path.join(root, 'target/ds_sales/salesorders_view.json'))).toBe(true);
    expect(tagging.applied).not.toContain('SALES/SalesOrders');
  });
});

describe('the guard and tag removals', () => {
  const plan: SyncPlan = { mode: 'incremental', actions: [], drift: [], ownedTables: 100 };
  const guard = (force = false) => new SafetyGuard({ dryRun: false, force, maxDeleteCount: 10, maxDeletePercent: 25 });

  it('counts tag removals with deleted tables and partitions against deletion.maxCount', () => {
    expect(() => guard().check({ plan, emptySpaces: [], tagRemovals: 10 })).not.toThrow();
    expect(() => guard().check({ plan, emptySpaces: [], tagRemovals: 6, partitionDeletions: 5 })).toThrow(GuardError);
    expect(() => guard().check({ plan, emptySpaces: [], tagRemovals: 11 })).toThrow(/0 tables and 11 tag removals, more than deletion\.maxCount \(10\)/);
    expect(() => guard(true).check({ plan, emptySpaces: [], tagRemovals: 1000 })).not.toThrow();
  });
});
