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
  /** The target's tables as this run read them, by `database.table`. */
  targetTables: ReadonlyMap<string, TargetTable>;
  /**
   * Whether this run looked at a table (found or not). An incremental run reads only what tablesToRead names (the
   * tables it writes or deletes, and those whose entry lacks a version); a refresh reads every table in scope.
   * Absent: every table in scope was read.
   */
  wasRead?: (ref: TableRef) => boolean;
  /** Tables this job owns in scope (its checkpoint entries there); counted from targetTables when absent. */
  ownedTables?: number;
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
 * `sync` would do. Tables it was not given (an incremental run reads only what it writes or deletes) are decided
 * on the checkpoint alone: an unchanged asset is skipped, and drift, tables gone missing or taken over behind our
 * back are found by the whole-catalog refresh.
 */
export function planSync(changeSet: ChangeSet, ctx: PlanContext): SyncPlan {
  const refs = new Map<string, TableRef>();
  for (const change of changeSet.changes) refs.set(change.assetId, plannedRef(change, ctx.resolve));
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
    // An unchanged run reads no table: no key to build per asset for a lookup that cannot find anything.
    const table = ctx.targetTables.size === 0 ? undefined : ctx.targetTables.get(refKey(ref));
    actions.push(
      change.type === 'DELETED' ? planDeletion(change, ref, table, ctx) : planPresent(change, ref, table, ctx, drift),
    );
  }

  let ownedTables = ctx.ownedTables;
  if (ownedTables === undefined) {
    ownedTables = 0;
    for (const table of ctx.targetTables.values()) if (table.owner === ctx.job) ownedTables += 1;
  }
  return { mode: ctx.mode, actions, drift, ownedTables };
}

/** The table a change is about: where its asset lands now, or (deleted, not modified) where it was written. */
export function plannedRef(change: AssetChange, resolve: (asset: Asset) => TableRef): TableRef {
  if (change.asset) return resolve(change.asset);
  const target = change.previous?.target;
  if (!target) throw new Error(`asset ${change.assetId} has neither a definition nor a checkpoint target`);
  return { database: target.database, table: target.table };
}

/** Two different assets that land on one table are both refused: never silently merged. */
function findCollidingAssets(changes: readonly AssetChange[], refs: Map<string, TableRef>): Map<string, string> {
  // Keyed by database, then table: no `database.table` string built per asset of a large catalog.
  const byRef = new Map<string, Map<string, string | string[]>>();
  let collisions = false;
  for (const change of changes) {
    if (change.type === 'DELETED') continue;
    const ref = refs.get(change.assetId) as TableRef;
    let tables = byRef.get(ref.database);
    if (!tables) byRef.set(ref.database, (tables = new Map()));
    const ids = tables.get(ref.table);
    if (ids === undefined) tables.set(ref.table, change.assetId);
    else {
      collisions = true;
      if (typeof ids === 'string') tables.set(ref.table, [ids, change.assetId]);
      else ids.push(change.assetId);
    }
  }
  const collided = new Map<string, string>();
  if (!collisions) return collided;
  for (const tables of byRef.values()) {
    for (const ids of tables.values()) {
      if (typeof ids === 'string') continue;
      const names = ids.join(', ');
      for (const id of ids) collided.set(id, names);
    }
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
  if (ctx.wasRead && !ctx.wasRead(ref)) {
    // Not read in this run: an unchanged asset's table, with nothing to decide about without a refresh; or an
    // update the target sends unread, conditional on the version of our last write (tablesToRead says when).
    const strategy = ctx.mode === 'incremental' ? STRATEGY_BY_TYPE[change.type] : undefined;
    if (!strategy || !change.asset || change.type === 'CREATED') return { kind: 'skip', change, ref };
    return write(change, ref, strategy, false, false);
  }

  if (table && table.owner !== ctx.job) {
    const owner = table.owner ? `job "${table.owner}"` : 'no catalog-sync job';
    // An unchanged asset's table was ours at our last write: someone replaced it or removed our marker.
    const reason =
      change.type === 'UNCHANGED' && change.previous
        ? `table ${refKey(ref)} was taken over: it is now owned by ${owner}; not touched`
        : `table ${refKey(ref)} exists and is owned by ${owner}; not touched`;
    return { kind: 'blocked', change, ref, reason };
  }

  if (!table) {
    if (!change.asset) {
      return { kind: 'blocked', change, ref, reason: `table ${refKey(ref)} is missing from the target and the source sent no definition (not modified); rerun with --full` };
    }
    const reason = change.type === 'CREATED' ? undefined : 'table missing from the target; recreated';
    return write(change, ref, 'full', true, false, reason);
  }

  const holds = table.assetId === change.assetId && sameHashes(table.hashes, change.hashes);
  const expected = change.previous?.target.version;
  if (ctx.mode === 'incremental' && holds) {
    // The target already holds what we would write: a rerun after a crash, or a rebuilt checkpoint.
    if (change.type !== 'UNCHANGED') return record(change, ref, table);
    // Our last write is there, but its entry never learnt the version (a create whose verification did not run).
    if (expected === undefined && table.version !== undefined) return record(change, ref, table);
  }

  // Drift: the version moved on since our last write. Without a version to compare, the hashes tell.
  const drifted =
    expected !== undefined && table.version !== undefined
      ? expected !== table.version
      : change.type === 'UNCHANGED' && change.previous !== undefined && !holds;
  if (drifted) {
    drift.push({ assetId: change.assetId, ref, expectedVersion: expected ?? 'unknown', actualVersion: table.version ?? 'unknown' });
    if (ctx.conflictPolicy === 'target-wins') {
      return { kind: 'conflict', change, ref, reason: `table changed in the target (version ${expected ?? 'unknown'} → ${table.version ?? 'unknown'}); target wins` };
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

function record(change: AssetChange, ref: TableRef, table: TargetTable): PlannedAction {
  return { kind: 'record', change, ref, version: table.version, ...(table.bytes !== undefined ? { tableBytes: table.bytes } : {}) };
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
