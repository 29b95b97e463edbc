import { describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import type { CheckpointEntry } from '../../src/catalog/checkpoint.ts';
import type { TargetTable } from '../../src/catalog/target.ts';
import type { AssetChange, ChangeSet } from '../../src/change/change-set.ts';
import type { PlanContext } from '../../src/engine/plan-sync.ts';
import { planSync } from '../../src/engine/plan-sync.ts';
import { countStrategies } from '../../src/engine/sync-plan.ts';
import { makeAsset } from '../support/make-asset.ts';

const hashes = { content: 'c', schema: 's', metadata: 'm' };

function change(type: AssetChange['type'], asset: Asset, extra: Partial<AssetChange> = {}): AssetChange {
  const previous: CheckpointEntry | undefined =
    type === 'CREATED'
      ? undefined
      : {
          assetId: asset.id,
          assetType: asset.kind,
          sourceSystem: 'datasphere',
          lastSyncAt: 'x',
          hashes: { content: 'c0', schema: 's0', metadata: 'm0' },
          syncVersion: 1,
          target: { database: 'ds_sales', table: asset.technicalName.toLowerCase(), version: '1' },
          customProperties: {},
        };
  return {
    assetId: asset.id,
    space: asset.space,
    type,
    facets: type === 'MODIFIED' ? ['content'] : type === 'METADATA_CHANGED' ? ['metadata'] : type === 'SCHEMA_CHANGED' ? ['schema'] : [],
    ...(type === 'DELETED' ? {} : { asset }),
    assetKind: asset.kind,
    hashes,
    ...(previous ? { previous } : {}),
    ...extra,
  };
}

function set(...changes: AssetChange[]): ChangeSet {
  return { changes, failures: [], warnings: [], incompleteSpaces: [], emptySpaces: [] };
}

function ctx(tables: TargetTable[] = [], over: Partial<PlanContext> = {}): PlanContext {
  return {
    job: 'job-a',
    mode: 'incremental',
    deletionPolicy: 'delete',
    conflictPolicy: 'source-wins',
    resolve: (a) => ({ database: `ds_${a.space.toLowerCase()}`, table: a.technicalName.toLowerCase() }),
    targetTables: new Map(tables.map((t) => [`${t.ref.database}.${t.ref.table}`, t])),
    ...over,
  };
}

function owned(name: string, extra: Partial<TargetTable> = {}): TargetTable {
  return { ref: { database: 'ds_sales', table: name }, version: '1', owner: 'job-a', assetId: `SALES/${name}`, hashes: { content: 'c0', schema: 's0', metadata: 'm0' }, ...extra };
}

describe('planSync', () => {
  const a = makeAsset({ technicalName: 'A' });

  it('maps each change type to its strategy', () => {
    const assets = ['A', 'B', 'C', 'D', 'E'].map((n) => makeAsset({ technicalName: n }));
    const plan = planSync(
      set(
        change('CREATED', assets[0]!),
        change('SCHEMA_CHANGED', assets[1]!),
        change('MODIFIED', assets[2]!),
        change('METADATA_CHANGED', assets[3]!),
        change('UNCHANGED', assets[4]!),
      ),
      ctx(['b', 'c', 'd', 'e'].map((n) => owned(n))),
    );
    const kinds = plan.actions.map((x) => (x.kind === 'write' ? `${x.strategy}${x.create ? '+create' : ''}` : x.kind));
    expect(kinds).toEqual(['full+create', 'full', 'delta', 'metadata-only', 'skip']);
    expect(countStrategies(plan.actions)).toEqual({ full: 2, delta: 1, metadataOnly: 1, deletion: 0, skipped: 1 });
  });

  it('writes every present asset in full mode', () => {
    const plan = planSync(set(change('UNCHANGED', a)), ctx([owned('a')], { mode: 'full' }));
    expect(plan.actions[0]).toMatchObject({ kind: 'write', strategy: 'full', create: false });
  });

  it('refuses to touch a table without our ownership marker', () => {
    const plan = planSync(set(change('CREATED', a)), ctx([{ ref: { database: 'ds_sales', table: 'a' }, version: '4' }]));
    expect(plan.actions[0]).toMatchObject({ kind: 'blocked' });
    const foreignJob = planSync(set(change('DELETED', a)), ctx([owned('a', { owner: 'job-b' })]));
    expect(foreignJob.actions[0]).toMatchObject({ kind: 'blocked' });
  });

  it('only records an asset whose table already carries the intended hashes', () => {
    const plan = planSync(set(change('CREATED', a)), ctx([owned('a', { hashes, version: '7', assetId: a.id })]));
    expect(plan.actions[0]).toMatchObject({ kind: 'record', version: '7' });
  });

  it('recreates a table that vanished from the target', () => {
    const plan = planSync(set(change('UNCHANGED', a)), ctx([]));
    expect(plan.actions[0]).toMatchObject({ kind: 'write', strategy: 'full', create: true });
  });

  it('applies the deletion policy', () => {
    for (const policy of ['delete', 'deprecate', 'log'] as const) {
      const plan = planSync(set(change('DELETED', a)), ctx([owned('a')], { deletionPolicy: policy }));
      expect(plan.actions[0]?.kind).toBe(policy === 'log' ? 'log-deletion' : policy);
    }
    expect(planSync(set(change('DELETED', a)), ctx([])).actions[0]?.kind).toBe('forget');
  });

  it('reports drift and follows the conflict policy', () => {
    const drifted = owned('a', { version: '5' });
    const sourceWins = planSync(set(change('METADATA_CHANGED', a)), ctx([drifted]));
    expect(sourceWins.drift).toEqual([{ assetId: a.id, ref: drifted.ref, expectedVersion: '1', actualVersion: '5' }]);
    expect(sourceWins.actions[0]).toMatchObject({ kind: 'write', strategy: 'metadata-only', drifted: true });
    const unchanged = planSync(set(change('UNCHANGED', a)), ctx([drifted]));
    expect(unchanged.actions[0]).toMatchObject({ kind: 'write', strategy: 'full', drifted: true });
    const targetWins = planSync(set(change('METADATA_CHANGED', a)), ctx([drifted], { conflictPolicy: 'target-wins' }));
    expect(targetWins.actions[0]?.kind).toBe('conflict');
  });

  it('blocks every asset of a naming collision instead of merging them', () => {
    const upper = makeAsset({ technicalName: 'Orders' });
    const lower = makeAsset({ technicalName: 'ORDERS' });
    const plan = planSync(set(change('CREATED', upper), change('CREATED', lower)), ctx());
    expect(plan.actions.map((x) => x.kind)).toEqual(['blocked', 'blocked']);
    expect(plan.actions[0]).toMatchObject({ reason: expect.stringContaining('SALES/Orders, SALES/ORDERS') });
  });

  it('blocks all three of a three-way collision and leaves an asset of another table alone', () => {
    const names = ['Orders', 'ORDERS', 'orders'];
    const other = makeAsset({ technicalName: 'Items' });
    const plan = planSync(set(...names.map((n) => change('CREATED', makeAsset({ technicalName: n }))), change('CREATED', other)), ctx());
    expect(plan.actions.map((x) => x.kind)).toEqual(['blocked', 'blocked', 'blocked', 'write']);
    for (const action of plan.actions.slice(0, 3)) {
      expect(action).toMatchObject({ reason: expect.stringContaining('SALES/Orders, SALES/ORDERS, SALES/orders') });
    }
  });

  it('counts only our own tables as the base of the deletion percentage', () => {
    const plan = planSync(set(), ctx([owned('a'), owned('b'), owned('c', { owner: 'other' }), { ref: { database: 'ds_sales', table: 'd' } }]));
    expect(plan.ownedTables).toBe(2);
    // An incremental run lists nothing: the base is what the checkpoint says this job owns in scope.
    expect(planSync(set(), ctx([], { ownedTables: 40 })).ownedTables).toBe(40);
  });

  describe('on the tables an incremental run read (wasRead)', () => {
    const b = makeAsset({ technicalName: 'B' });
    const onlyA = { wasRead: (ref: { table: string }) => ref.table === 'a' };

    it('skips an unchanged asset whose table it did not read: drift, loss or takeover are the refresh\'s to find', () => {
      const plan = planSync(set(change('UNCHANGED', b), change('METADATA_CHANGED', a)), ctx([owned('a')], onlyA));
      expect(plan.actions.map((x) => x.kind)).toEqual(['skip', 'write']);
      expect(plan.drift).toEqual([]);
    });

    it('records the version of a table whose entry never learnt it (a create whose verification did not run)', () => {
      const unversioned = change('UNCHANGED', a);
      delete unversioned.previous?.target.version;
      const plan = planSync(set(unversioned), ctx([owned('a', { hashes, assetId: a.id, version: '3', bytes: 2100 })], onlyA));
      expect(plan.actions[0]).toMatchObject({ kind: 'record', version: '3', tableBytes: 2100 });
      // The table holds something else than we last wrote: changed behind our back, rewritten (source wins).
      const changedMeanwhile = planSync(set(unversioned), ctx([owned('a', { assetId: a.id, version: '3' })], onlyA));
      expect(changedMeanwhile.actions[0]).toMatchObject({ kind: 'write', strategy: 'full', drifted: true });
      expect(changedMeanwhile.drift).toEqual([{ assetId: a.id, ref: { database: 'ds_sales', table: 'a' }, expectedVersion: 'unknown', actualVersion: '3' }]);
      // Gone: recreated.
      expect(planSync(set(unversioned), ctx([], onlyA)).actions[0]).toMatchObject({ kind: 'write', create: true });
    });

    it('plans an update it did not read as a write onto the table as our last write left it (sent conditional on its version)', () => {
      const plan = planSync(set(change('METADATA_CHANGED', b), change('UNCHANGED', a)), ctx([], { wasRead: () => false }));
      expect(plan.actions.map((x) => (x.kind === 'write' ? `${x.kind}:${x.strategy}:${x.create}` : x.kind))).toEqual(['write:metadata-only:false', 'skip']);
    });

    it('blocks an unchanged asset whose table was taken over, and says so', () => {
      const plan = planSync(set(change('UNCHANGED', a)), ctx([{ ref: { database: 'ds_sales', table: 'a' }, version: '9' }]));
      expect(plan.actions[0]).toMatchObject({ kind: 'blocked', reason: 'table ds_sales.a was taken over: it is now owned by no catalog-sync job; not touched' });
    });
  });
});
