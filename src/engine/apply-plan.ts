import pLimit from 'p-limit';
import type { CheckpointEntry, CheckpointStore } from '../catalog/checkpoint.ts';
import type { AssetFailure, AssetWarning } from '../catalog/source.ts';
import type { Target, TableRef } from '../catalog/target.ts';
import type { AssetChange } from '../change/change-set.ts';
import type { EngineLogger } from './engine-logger.ts';
import type { SafetyGuard } from './safety-guard.ts';
import type { TagPlan } from './plan-tags.ts';
import { applyTags, assertTagsRead } from './plan-tags.ts';
import type { DriftReport, PlannedAction } from './sync-plan.ts';
import { messageOf as describe } from '../catalog/message-of.ts';
import { refKey } from '../catalog/ref-key.ts';
import { writeRequestFor } from './write-request.ts';

export interface ApplyDeps {
  target: Target;
  checkpoints: CheckpointStore;
  guard: SafetyGuard;
  sourceSystem: string;
  concurrency: number;
  now: () => Date;
  logger: EngineLogger;
  signal?: AbortSignal;
  /** Bytes of each asset's definition as the source delivered it this run, by asset id, where the source says. */
  sourceBytes?: ReadonlyMap<string, number>;
  /** Called once per finished action, for progress display. */
  onProgress?: (done: number, total: number) => void;
  /** The run's tag work (LF-Tags): each table's tags are applied after its write, before its checkpoint entry. */
  tags?: TagPlan;
}

export interface ApplyResult {
  /**
   * Tables written or recorded in this run, with the hashes they should now carry, and the version the target
   * confirmed for them where it did (a conditional update, the file target's own write, a record made on a table
   * read in this run); those without one are read back by verification.
   */
  confirmed: Confirmed[];
  failed: AssetFailure[];
  warnings: AssetWarning[];
  /** Whether an abort signal stopped the run before every action was applied. */
  interrupted: boolean;
  /** Full-write size of each asset written or recorded, by asset id: the run summary's baseline reuses them. */
  fullWriteBytes: Map<string, number>;
  /** By asset id, the actions the target confirmed (done) or that were tried and did not happen (failed). */
  outcomes: Map<string, { outcome: 'done' | 'failed'; error?: string }>;
  /** Tables a write found changed since our last write (an update sent unread was refused): reported as drift. */
  drift: DriftReport[];
  /**
   * The checkpoint could not record what the target confirmed (a full disk, a read-only folder): the first such
   * error. The run starts no further write — what it wrote carries its hashes in the target, so the next run records
   * it without writing it again — and ends failed with this error.
   */
  unsaved?: unknown;
}

export interface Confirmed {
  change: AssetChange;
  ref: TableRef;
  version?: string;
}

export function emptyApplyResult(): ApplyResult {
  return { confirmed: [], failed: [], warnings: [], interrupted: false, fullWriteBytes: new Map(), outcomes: new Map(), drift: [] };
}

/**
 * Applies a plan. A checkpoint entry changes only after the target confirmed the write, so an
 * interrupted run leaves the checkpoint describing exactly what is in the target, and the next run
 * resumes from there. The entry carries the version the write produced where the target knows it; where it does
 * not (a Glue create), the entry goes in without one and verification records it — and should the run end before
 * that, the next run reads that table and records it then (tablesToRead), so a version is never lost to a crash.
 * Failures are per asset: one table's error never stops the others.
 */
export async function applyPlan(actions: readonly PlannedAction[], deps: ApplyDeps): Promise<ApplyResult> {
  const result = emptyApplyResult();
  const limit = pLimit(deps.concurrency);
  const total = actions.length;
  let done = 0;
  const finished = () => deps.onProgress?.(++done, total);

  const deletions = actions.filter((a) => a.kind === 'delete');
  const singles = actions.filter((a) => a.kind !== 'delete' && a.kind !== 'skip');

  // Skips touch no target: at most a checkpoint entry learns a new validator or fingerprint. Taken one after another,
  // outside the limiter: an unchanged run over a large catalog would otherwise queue a task for every asset.
  for (const action of actions) {
    if (action.kind !== 'skip') continue;
    // A checkpoint that failed to take one change is not asked again for each of thousands of skips.
    if (result.unsaved !== undefined) {
      finished();
      continue;
    }
    try {
      await applyOne(action, deps, result);
    } catch (error) {
      fail(result, action.change.assetId, describe(error));
      deps.logger.error({ assetId: action.change.assetId, err: describe(error) }, 'checkpoint update failed');
    } finally {
      finished();
    }
  }
  const stopped = () => deps.signal?.aborted === true || result.unsaved !== undefined;

  await Promise.all(
    singles.map((action) =>
      limit(async () => {
        if (stopped()) {
          result.interrupted = true;
          return;
        }
        try {
          if (await applyOne(action, deps, result)) result.outcomes.set(action.change.assetId, { outcome: 'done' });
        } catch (error) {
          fail(result, action.change.assetId, describe(error));
          deps.logger.error({ assetId: action.change.assetId, err: describe(error) }, 'write failed');
        } finally {
          finished();
        }
      }),
    ),
  );

  if (deletions.length > 0 && !stopped()) {
    await applyDeletions(deletions, deps, result);
    for (let i = 0; i < deletions.length; i++) finished();
  } else if (deletions.length > 0) {
    result.interrupted = true;
  }
  return result;
}

/**
 * Runs a checkpoint write (a put, a flush); false, with the first such error kept in `result.unsaved`, when it
 * fails. A checkpoint that cannot be written (ENOSPC, EACCES, EIO) undoes no write the target confirmed: it is the
 * run's failure, not the table's.
 */
export async function saved(result: ApplyResult, write: () => Promise<void>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    result.unsaved ??= error;
    return false;
  }
}

/** Records in the checkpoint what the target has confirmed; the first failure is logged (see saved()). */
async function save(result: ApplyResult, deps: ApplyDeps, assetId: string, record: () => Promise<void>): Promise<void> {
  const first = result.unsaved === undefined;
  if (!(await saved(result, record)) && first) {
    deps.logger.error({ assetId, err: describe(result.unsaved) }, 'the checkpoint could not record a confirmed write; no further write is started');
  }
}

function fail(result: ApplyResult, assetId: string, error: string): void {
  result.failed.push({ assetId, error });
  result.outcomes.set(assetId, { outcome: 'failed', error });
}

/** Applies one action; true when the target (or the checkpoint, for bookkeeping actions) confirmed it. */
async function applyOne(action: PlannedAction, deps: ApplyDeps, result: ApplyResult): Promise<boolean> {
  const { change } = action;
  switch (action.kind) {
    case 'write': {
      if (!deps.guard.permits(action)) return false;
      const asset = change.asset;
      if (!asset) throw new Error('no definition to write');
      if (deps.tags) assertTagsRead(deps.tags, change.assetId);
      const written = await deps.target.write(writeRequestFor(action, asset));
      // A table whose tags did not follow is a failed asset: its entry stays, and the next run records it and retries them.
      if (deps.tags) await applyTags(deps.tags, change.assetId);
      for (const message of written.warnings) result.warnings.push({ assetId: change.assetId, message });
      const fullWriteBytes = written.fullWriteBytes ?? deps.target.fullWriteBytes(asset, action.ref, change.hashes);
      result.fullWriteBytes.set(change.assetId, fullWriteBytes);
      if (written.drift) result.drift.push({ assetId: change.assetId, ref: action.ref, ...written.drift });
      const entry = entryAfterWrite(change, action.ref, deps, {
        version: written.version,
        fullWriteBytes,
        tableBytes: written.storedBytes,
        selfContained: written.selfContained,
      });
      await save(result, deps, change.assetId, () => deps.checkpoints.put(entry));
      result.confirmed.push({ change, ref: action.ref, ...(written.version !== undefined ? { version: written.version } : {}) });
      return true;
    }
    case 'record': {
      if (!deps.guard.permits(action)) return false;
      const previous = change.previous;
      if (change.type === 'UNCHANGED' && previous) {
        // Nothing was written: the entry only learns the version (and size) its table carries.
        const entry = {
          ...previous,
          target: { ...previous.target, ...(action.version !== undefined ? { version: action.version } : {}) },
          ...(action.tableBytes !== undefined ? { tableBytes: action.tableBytes } : {}),
        };
        await save(result, deps, change.assetId, () => deps.checkpoints.put(entry));
      } else {
        // An earlier run's write, never confirmed: its tags may not have followed it.
        if (deps.tags) await applyTags(deps.tags, change.assetId);
        const fullWriteBytes = change.asset ? deps.target.fullWriteBytes(change.asset, action.ref, change.hashes) : undefined;
        if (fullWriteBytes !== undefined) result.fullWriteBytes.set(change.assetId, fullWriteBytes);
        const entry = entryAfterWrite(change, action.ref, deps, { version: action.version, fullWriteBytes, tableBytes: action.tableBytes, selfContained: undefined });
        await save(result, deps, change.assetId, () => deps.checkpoints.put(entry));
      }
      result.confirmed.push({ change, ref: action.ref, ...(action.version !== undefined ? { version: action.version } : {}) });
      return true;
    }
    case 'skip': {
      // An unchanged asset whose validator or fingerprint moved (or that has none yet) still updates its
      // checkpoint, so the next run can ask the source "not modified?" and reuse the hashes.
      const previous = change.previous;
      if (!previous || deps.guard.dryRun) return false;
      const validator = change.validator ?? previous.validator;
      const fingerprint = change.fingerprint ?? previous.fingerprint;
      if (validator !== previous.validator || fingerprint !== previous.fingerprint) {
        const entry = { ...previous, ...(validator !== undefined ? { validator } : {}), ...(fingerprint !== undefined ? { fingerprint } : {}) };
        await save(result, deps, change.assetId, () => deps.checkpoints.put(entry));
      }
      return false;
    }
    case 'deprecate': {
      if (!deps.guard.permits(action)) return false;
      const at = deps.now().toISOString();
      const written = await deps.target.deprecate(action.ref, at);
      const previous = change.previous as CheckpointEntry;
      // The version before ours is stale now: without the new one, the entry says it does not know.
      // Deprecated, the table no longer holds just our build (selfContained): its next write reads it first.
      const { version: _stale, selfContained: _pure, ...target } = previous.target;
      const entry = {
        ...previous,
        deprecatedAt: at,
        target: { ...target, ...(written.version !== undefined ? { version: written.version } : {}) },
        ...(written.storedBytes !== undefined ? { tableBytes: written.storedBytes } : {}),
      };
      await save(result, deps, change.assetId, () => deps.checkpoints.put(entry));
      return true;
    }
    case 'forget': {
      if (!deps.guard.permits(action)) return false;
      await save(result, deps, change.assetId, () => deps.checkpoints.remove(change.assetId));
      return true;
    }
    case 'log-deletion':
      if (deps.guard.dryRun) return false;
      deps.logger.warn({ assetId: change.assetId, table: refKey(action.ref) }, 'asset removed from the source; table kept (deletion.policy = log)');
      return true;
    case 'blocked':
      fail(result, change.assetId, action.reason);
      return false;
    case 'conflict':
      result.warnings.push({ assetId: change.assetId, message: action.reason });
      return false;
    case 'delete':
      return false; // batched in applyDeletions
  }
}

async function applyDeletions(actions: PlannedAction[], deps: ApplyDeps, result: ApplyResult): Promise<void> {
  const permitted = actions.filter((a) => deps.guard.permits(a));
  if (permitted.length === 0) return;
  const byRef = new Map(permitted.map((a) => [refKey(a.ref as TableRef), a]));
  let outcomes;
  try {
    outcomes = await deps.target.delete(permitted.map((a) => a.ref as TableRef));
  } catch (error) {
    for (const a of permitted) fail(result, a.change.assetId, describe(error));
    return;
  }
  for (const outcome of outcomes) {
    const action = byRef.get(refKey(outcome.ref));
    if (!action) continue;
    if (outcome.ok) {
      await save(result, deps, action.change.assetId, () => deps.checkpoints.remove(action.change.assetId));
      result.outcomes.set(action.change.assetId, { outcome: 'done' });
    } else fail(result, action.change.assetId, outcome.error ?? 'delete failed');
  }
}

interface WriteFigures {
  version: string | undefined;
  fullWriteBytes: number | undefined;
  tableBytes: number | undefined;
  selfContained: string | undefined;
}

function entryAfterWrite(change: AssetChange, ref: TableRef, deps: ApplyDeps, figures: WriteFigures): CheckpointEntry {
  const { version, fullWriteBytes, tableBytes, selfContained } = figures;
  const previous = change.previous;
  const entry: CheckpointEntry = {
    // Keep fields a newer version of this tool may have written.
    ...previous,
    assetId: change.assetId,
    assetType: change.assetKind,
    sourceSystem: deps.sourceSystem,
    lastSyncAt: deps.now().toISOString(),
    hashes: change.hashes,
    syncVersion: (previous?.syncVersion ?? 0) + 1,
    target: {
      database: ref.database,
      table: ref.table,
      ...(version !== undefined ? { version } : {}),
      // Only with the version it belongs to: the next write may go out unread, conditional on that version.
      ...(version !== undefined && selfContained !== undefined ? { selfContained } : {}),
    },
    customProperties: change.asset?.customProperties ?? previous?.customProperties ?? {},
  };
  delete entry.deprecatedAt;
  if (change.validator !== undefined) entry.validator = change.validator;
  else delete entry.validator;
  if (fullWriteBytes !== undefined) entry.fullWriteBytes = fullWriteBytes;
  if (tableBytes !== undefined) entry.tableBytes = tableBytes;
  const sourceBytes = deps.sourceBytes?.get(change.assetId);
  if (sourceBytes !== undefined) entry.sourceBytes = sourceBytes;
  if (change.definitionFormat !== undefined) entry.definitionFormat = change.definitionFormat;
  if (change.fingerprint !== undefined) entry.fingerprint = change.fingerprint;
  return entry;
}


