import type { Asset } from '../catalog/asset.ts';
import type { TableRef, TargetTable, WriteStrategy } from '../catalog/target.ts';
import { sameHashes } from '../catalog/hashes.ts';
import type { AssetChange, ChangeSet } from '../change/change-set.ts';
import type { DriftReport, PlannedAction, SyncPlan } from './sync-plan.ts';
import { refKey } from '../catalog/ref-key.ts';

export type DeletionPolicy = 'delete' | 'deprecate' | 'log';
export type ConflictPolicy = 'source-wins' | 'target-wins' | 'fail';

export interface PlanContext {
  job: string;
  mode: 'incremental' | 'full';
  deletionPolicy: DeletionPolicy;
  conflictPolicy: ConflictPolicy;
  resolve: (asset: Asset) => TableRef;
  /** The target's current tables in the databases in scope, by `database.table`. */
  targetTables: ReadonlyMap<string, TargetTable>;
}

const STRATEGY_BY_TYPE: Partial<Record<AssetChange['type'], WriteStrategy>> = {
  CREATED: 'full',
  SCHEMA_CHANGED: 'full',
  MODIFIED: 'delta',
  METADATA_CHANGED: 'metadata-only',
};

/**
 * Turns a change set into a plan. Pure: it reads the target state it is given and decides everything
 * (strategy, ownership, drift, collisions, deletions) so that `plan` and `--dry-run` show exactly what
 * `sync` would do.
 */
export function planSync(changeSet: ChangeSet, ctx: PlanContext): SyncPlan {
  const refs = new Map<string, TableRef>();
  for (const change of changeSet.changes) refs.set(change.assetId, refFor(change, ctx));
  const collided = findCollidingAssets(changeSet.changes, refs);

  const actions: PlannedAction[] = [];
  const drift: DriftReport[] = [];
  for (const change of changeSet.changes) {
    const ref = refs.get(change.assetId) as TableRef;
    const clash = collided.get(change.assetId);
    if (clash) {
      actions.push({ kind: 'blocked', change, ref, reason: `name collision: ${clash} map to ${refKey(ref)}` });
      continue;
    }
    const table = ctx.targetTables.get(refKey(ref));
    actions.push(
      change.type === 'DELETED' ? planDeletion(change, ref, table, ctx) : planPresent(change, ref, table, ctx, drift),
    );
  }

  let ownedTables = 0;
  for (const table of ctx.targetTables.values()) if (table.owner === ctx.job) ownedTables += 1;
  return { mode: ctx.mode, actions, drift, ownedTables };
}

function refFor(change: AssetChange, ctx: PlanContext): TableRef {
  if (change.asset) return ctx.resolve(change.asset);
  const target = change.previous?.target;
  if (!target) throw new Error(`asset ${change.assetId} has neither a definition nor a checkpoint target`);
  return { database: target.database, table: target.table };
}

/** Two different assets that land on one table are both refused: never silently merged. */
function findCollidingAssets(changes: readonly AssetChange[], refs: Map<string, TableRef>): Map<string, string> {
  const byRef = new Map<string, string[]>();
  for (const change of changes) {
    if (change.type === 'DELETED') continue;
    const key = refKey(refs.get(change.assetId) as TableRef);
    const ids = byRef.get(key);
    if (ids) ids.push(change.assetId);
    else byRef.set(key, [change.assetId]);
  }
  const collided = new Map<string, string>();
  for (const ids of byRef.values()) {
    if (ids.length < 2) continue;
    const names = ids.join(', ');
    for (const id of ids) collided.set(id, names);
  }
  return collided;
}

function planPresent(
  change: AssetChange,
  ref: TableRef,
  table: TargetTable | undefined,
  ctx: PlanContext,
  drift: DriftReport[],
): PlannedAction {
  if (table && table.owner !== ctx.job) {
    if (change.type === 'UNCHANGED' && ctx.mode === 'incremental') return { kind: 'skip', change, ref };
    const owner = table.owner ? `job "${table.owner}"` : 'no catalog-sync job';
    return { kind: 'blocked', change, ref, reason: `table ${refKey(ref)} exists and is owned by ${owner}; not touched` };
  }

  if (!table) {
    if (!change.asset) {
      return { kind: 'blocked', change, ref, reason: `table ${refKey(ref)} is missing from the target and the source sent no definition (not modified); rerun with --full` };
    }
    const reason = change.type === 'CREATED' ? undefined : 'table missing from the target; recreated';
    return write(change, ref, 'full', true, false, reason);
  }

  // The target already holds what we would write: a rerun after a crash, or a rebuilt checkpoint.
  if (change.type !== 'UNCHANGED' && ctx.mode === 'incremental' && table.assetId === change.assetId && sameHashes(table.hashes, change.hashes)) {
    return { kind: 'record', change, ref, version: table.version };
  }

  const expected = change.previous?.target.version;
  const drifted = expected !== undefined && table.version !== undefined && expected !== table.version;
  if (drifted) {
    drift.push({ assetId: change.assetId, ref, expectedVersion: expected, actualVersion: table.version as string });
    if (ctx.conflictPolicy === 'target-wins') {
      return { kind: 'conflict', change, ref, reason: `table changed in the target (version ${expected} → ${table.version}); target wins` };
    }
  }

  const strategy = ctx.mode === 'full' ? 'full' : STRATEGY_BY_TYPE[change.type];
  if (strategy) {
    if (!change.asset) return { kind: 'blocked', change, ref, reason: 'no definition to write' };
    return write(change, ref, strategy, false, drifted);
  }
  if (drifted && change.asset) return write(change, ref, 'full', false, true, 'table changed in the target; source wins');
  return { kind: 'skip', change, ref };
}

function write(
  change: AssetChange,
  ref: TableRef,
  strategy: WriteStrategy,
  create: boolean,
  drifted: boolean,
  reason?: string,
): PlannedAction {
  const facets = strategy === 'full' ? (['schema', 'content', 'metadata'] as const) : change.facets;
  return { kind: 'write', change, strategy, ref, create, facets: [...facets], drifted, ...(reason ? { reason } : {}) };
}

function planDeletion(change: AssetChange, ref: TableRef, table: TargetTable | undefined, ctx: PlanContext): PlannedAction {
  if (!table) return { kind: 'forget', change, ref };
  if (table.owner !== ctx.job) {
    return { kind: 'blocked', change, ref, reason: `table ${refKey(ref)} is not owned by job "${ctx.job}"; not deleted` };
  }
  switch (ctx.deletionPolicy) {
    case 'delete':
      return { kind: 'delete', change, ref };
    case 'deprecate':
      return { kind: 'deprecate', change, ref };
    case 'log':
      return { kind: 'log-deletion', change, ref };
  }
}
