import { describe, expect, it } from 'vitest';
import type { CheckpointEntry, CheckpointStore } from '../../src/catalog/checkpoint.ts';
import type { Partition, PartitionChanges, PartitionedEntry, PartitionWriteResult, SourcePartitions, TargetPartitions } from '../../src/catalog/partitions.ts';
import type { Source } from '../../src/catalog/source.ts';
import type { TableRef, Target } from '../../src/catalog/target.ts';
import type { AssetChange } from '../../src/change/change-set.ts';
import { glueTableToAsset } from '../../src/connectors/glue/glue-table-to-asset.ts';
import { applyPartitions } from '../../src/engine/apply-partitions.ts';
import { emptyApplyResult } from '../../src/engine/apply-plan.ts';
import { GuardError } from '../../src/engine/engine-errors.ts';
import { silentLogger } from '../../src/engine/engine-logger.ts';
import { partitionDigest, partitionKey, tableDigest } from '../../src/engine/partition-digest.ts';
import { planPartitions } from '../../src/engine/plan-partitions.ts';
import { SafetyGuard } from '../../src/engine/safety-guard.ts';
import type { PlannedAction, SyncPlan } from '../../src/engine/sync-plan.ts';
import { parquetTable } from '../support/glue-tables.ts';

const REF: TableRef = { database: 'sales', table: 'events' };
const p = (day: number, extra = ''): Partition => ({ values: [`2024-01-${String(day).padStart(2, '0')}`], definition: { Parameters: { x: extra } } });
const days = (from: number, to: number): Partition[] => Array.from({ length: to - from + 1 }, (_, i) => p(from + i));

/** Source and target with partitions held in memory, counting what was asked of them. */
class Fakes {
  source: Partition[] = [];
  target: Partition[] = [];
  sourceLists = 0;
  targetReads = 0;
  writes: PartitionChanges[] = [];
  failListing = false;
  refuse = new Set<string>();

  sourceSide(): Source {
    const partitions: SourcePartitions = {
      list: async () => {
        this.sourceLists += 1;
        if (this.failListing) throw new Error('GetPartitions failed: InternalServiceException');
        return structuredClone(this.source);
      },
    };
    return { type: 'glue', system: 'glue', listSpaces: async () => ['sales'], extractSpace: async () => { throw new Error('unused'); }, traffic: () => ({ requests: 0, writes: 0, bytesSent: 0, bytesReceived: 0, byOperation: {} }), partitions } as Source;
  }

  targetSide(): Target {
    const partitions: TargetPartitions = {
      map: (partition) => partition,
      read: async () => {
        this.targetReads += 1;
        return structuredClone(this.target);
      },
      write: async (_ref, changes): Promise<PartitionWriteResult> => {
        this.writes.push(changes);
        const failures = changes.create.filter((c) => this.refuse.has(c.values[0]!)).map((c) => ({ values: c.values, action: 'create' as const, error: 'AlreadyExistsException: x' }));
        const gone = new Set(changes.delete.map(partitionKey));
        const replaced = new Map(changes.update.map((u) => [partitionKey(u.values), u]));
        this.target = this.target.filter((t) => !gone.has(partitionKey(t.values))).map((t) => replaced.get(partitionKey(t.values)) ?? t);
        this.target.push(...changes.create.filter((c) => !this.refuse.has(c.values[0]!)));
        return { created: changes.create.length - failures.length, updated: changes.update.length, deleted: changes.delete.length, failures };
      },
    };
    return { type: 'glue', partitions } as unknown as Target;
  }
}

function entryOf(state?: { digest: string; count: number }): PartitionedEntry {
  return {
    assetId: 'sales/events',
    assetType: 'table',
    sourceSystem: 'glue',
    lastSyncAt: '2024-01-01T00:00:00.000Z',
    hashes: { content: 'c', schema: 's', metadata: 'm' },
    syncVersion: 1,
    target: { ...REF, version: '1' },
    customProperties: {},
    ...(state ? { partitions: state } : {}),
  };
}

function planWith(action: 'skip' | 'write-create' | 'write', previous?: PartitionedEntry): SyncPlan {
  const converted = glueTableToAsset('sales', { ...parquetTable('events'), DatabaseName: 'sales' });
  if (!converted.ok) throw new Error(converted.error);
  const change: AssetChange = {
    assetId: 'sales/events',
    space: 'sales',
    type: action === 'skip' ? 'UNCHANGED' : 'SCHEMA_CHANGED',
    facets: [],
    asset: converted.asset,
    assetKind: 'table',
    hashes: { content: 'c', schema: 's', metadata: 'm' },
    ...(previous ? { previous } : {}),
  };
  const planned: PlannedAction =
    action === 'skip'
      ? { kind: 'skip', change, ref: REF }
      : { kind: 'write', change, ref: REF, strategy: 'full', create: action === 'write-create', facets: ['schema'], drifted: false };
  return { mode: 'incremental', actions: [planned], drift: [], ownedTables: 1 };
}

function digestOf(partitions: Partition[]): { digest: string; count: number } {
  return { digest: tableDigest(new Map(partitions.map((x) => [partitionKey(x.values), partitionDigest(x)]))), count: partitions.length };
}

class MemoryCheckpoints implements CheckpointStore {
  readonly entries = new Map<string, CheckpointEntry>();
  get(id: string) {
    return this.entries.get(id);
  }
  all() {
    return [...this.entries.values()];
  }
  async put(entry: CheckpointEntry) {
    this.entries.set(entry.assetId, entry);
  }
  async remove(id: string) {
    this.entries.delete(id);
  }
  async flush() {}
}

const guard = (over: Partial<ConstructorParameters<typeof SafetyGuard>[0]> = {}) =>
  new SafetyGuard({ dryRun: false, force: false, maxDeleteCount: 50, maxDeletePercent: 25, ...over });

describe('partition planning', () => {
  const deps = (f: Fakes, mode: 'incremental' | 'full' = 'incremental') => ({ source: f.sourceSide(), target: f.targetSide(), mode, concurrency: 2, logger: silentLogger });

  it('an unchanged digest costs the source listing only: the target is not read and nothing is planned', async () => {
    const f = new Fakes();
    f.source = days(1, 30);
    f.target = days(1, 30);
    const plan = await planPartitions(planWith('skip', entryOf(digestOf(f.source))), deps(f));
    expect(f.sourceLists).toBe(1);
    expect(f.targetReads).toBe(0);
    expect(plan.tables[0]).toMatchObject({ compared: false, changes: { create: [], update: [], delete: [] }, state: digestOf(f.source) });
  });

  it('a moved digest reads the target once and plans exactly the differences', async () => {
    const f = new Fakes();
    f.target = days(1, 30);
    f.source = [...days(6, 30).map((x) => (x.values[0] === '2024-01-10' ? p(10, 'changed') : x)), ...days(31, 31)];
    const plan = await planPartitions(planWith('skip', entryOf(digestOf(f.target))), deps(f));
    expect(f.targetReads).toBe(1);
    const { changes } = plan.tables[0]!;
    expect(changes.create.map((x) => x.values[0])).toEqual(['2024-01-31']);
    expect(changes.update.map((x) => x.values[0])).toEqual(['2024-01-10']);
    expect(changes.delete.map((v) => v[0])).toEqual(['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05']);
    expect(plan.deletions).toBe(5);
  });

  it('a full run compares even with an equal digest; a table being created is not read at all', async () => {
    const f = new Fakes();
    f.source = days(1, 3);
    f.target = days(1, 3);
    await planPartitions(planWith('skip', entryOf(digestOf(f.source))), deps(f, 'full'));
    expect(f.targetReads).toBe(1);
    const created = await planPartitions(planWith('write-create'), deps(f));
    expect(f.targetReads).toBe(1);
    expect(created.tables[0]?.changes.create).toHaveLength(3);
  });

  it('a listing that fails is a failure of that table, and plans no deletion', async () => {
    const f = new Fakes();
    f.failListing = true;
    f.target = days(1, 10);
    const plan = await planPartitions(planWith('skip', entryOf({ digest: 'old', count: 10 })), deps(f));
    expect(plan.tables).toEqual([]);
    expect(plan.deletions).toBe(0);
    expect(plan.failed).toEqual([{ assetId: 'sales/events', error: expect.stringMatching(/partitions not replicated: GetPartitions failed/) }]);
  });
});

describe('partition deletions and the guard', () => {
  it('max-delete counts partitions with tables', () => {
    const plan: SyncPlan = { mode: 'incremental', actions: [], drift: [], ownedTables: 10 };
    expect(() => guard().check({ plan, emptySpaces: [], partitionDeletions: 50 })).not.toThrow();
    expect(() => guard().check({ plan, emptySpaces: [], partitionDeletions: 51 })).toThrow(GuardError);
    expect(() => guard().check({ plan, emptySpaces: [], partitionDeletions: 51 })).toThrow(/0 tables and 51 partitions/);
    expect(() => guard({ force: true }).check({ plan, emptySpaces: [], partitionDeletions: 500 })).not.toThrow();
  });
});

describe('applying partitions', () => {
  async function setup(previousState?: { digest: string; count: number }) {
    const f = new Fakes();
    f.target = days(1, 5);
    f.source = days(2, 8);
    const entry = entryOf(previousState ?? digestOf(f.target));
    const plan = await planPartitions(planWith('skip', entry), { source: f.sourceSide(), target: f.targetSide(), mode: 'incremental', concurrency: 2, logger: silentLogger });
    const checkpoints = new MemoryCheckpoints();
    await checkpoints.put(entry);
    return { f, plan, checkpoints };
  }

  it('writes the changes and records the new state only once every change was confirmed', async () => {
    const { f, plan, checkpoints } = await setup();
    const applied = emptyApplyResult();
    const figures = await applyPartitions(plan, { apply: true, target: f.targetSide(), checkpoints, guard: guard(), applied, concurrency: 2, logger: silentLogger });
    expect(f.writes).toHaveLength(1);
    expect(figures).toMatchObject({ tables: 1, partitions: 7, compared: 1, planned: { create: 3, update: 0, delete: 1 }, applied: { created: 3, deleted: 1, failed: 0 } });
    expect((checkpoints.get('sales/events') as PartitionedEntry).partitions).toEqual(digestOf(f.source));
    expect(applied.failed).toEqual([]);
  });

  it('after a refused partition the old state stays, so the next run compares the table again', async () => {
    const { f, plan, checkpoints } = await setup();
    f.refuse.add('2024-01-07');
    const before = (checkpoints.get('sales/events') as PartitionedEntry).partitions;
    const applied = emptyApplyResult();
    const figures = await applyPartitions(plan, { apply: true, target: f.targetSide(), checkpoints, guard: guard(), applied, concurrency: 2, logger: silentLogger });
    expect(figures?.applied.failed).toBe(1);
    expect(applied.failed).toEqual([{ assetId: 'sales/events', error: expect.stringMatching(/^partitions: 1 of 4 partition changes refused \(first: create \["2024-01-07"\]/) }]);
    expect((checkpoints.get('sales/events') as PartitionedEntry).partitions).toEqual(before);
  });

  it('a dry-run writes nothing and records nothing, but counts what it would do', async () => {
    const { f, plan, checkpoints } = await setup();
    const dry = guard({ dryRun: true });
    const figures = await applyPartitions(plan, { apply: true, target: f.targetSide(), checkpoints, guard: dry, applied: emptyApplyResult(), concurrency: 2, logger: silentLogger });
    expect(f.writes).toEqual([]);
    expect(dry.heldBack).toBe(4);
    expect(figures?.planned).toEqual({ create: 3, update: 0, delete: 1 });
    expect(figures?.applied).toEqual({ created: 0, updated: 0, deleted: 0, failed: 0 });
  });

  it('partitions follow only a table that is in place: a failed table write sends none', async () => {
    const f = new Fakes();
    f.source = days(1, 3);
    const plan = await planPartitions(planWith('write'), { source: f.sourceSide(), target: f.targetSide(), mode: 'incremental', concurrency: 2, logger: silentLogger });
    const applied = emptyApplyResult();
    applied.outcomes.set('sales/events', { outcome: 'failed', error: 'UpdateTable failed' });
    await applyPartitions(plan, { apply: true, target: f.targetSide(), checkpoints: new MemoryCheckpoints(), guard: guard(), applied, concurrency: 2, logger: silentLogger });
    expect(f.writes).toEqual([]);
  });
});
