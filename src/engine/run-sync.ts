import { randomUUID } from 'node:crypto';
import type { CheckpointStore } from '../catalog/checkpoint.ts';
import type { Source, SpaceExtract } from '../catalog/source.ts';
import type { Target, TargetTable } from '../catalog/target.ts';
import type { ChangeOptions } from '../change/change-options.ts';
import type { ChangeSet, IncompleteSpace } from '../change/change-set.ts';
import { countChanges } from '../change/change-set.ts';
import { detectChanges, spaceOf } from '../change/detect-changes.ts';
import type { ApplyResult } from './apply-plan.ts';
import { applyPlan, describe } from './apply-plan.ts';
import { DriftError, GuardError } from './engine-errors.ts';
import type { EngineLogger } from './engine-logger.ts';
import type { ConflictPolicy, DeletionPolicy } from './plan-sync.ts';
import { planSync } from './plan-sync.ts';
import type { RunSummary } from './run-summary.ts';
import { savingsPercent } from './run-summary.ts';
import { SafetyGuard } from './safety-guard.ts';
import type { SyncPlan } from './sync-plan.ts';
import { countStrategies, refKey } from './sync-plan.ts';
import type { Verification } from './verify-written.ts';
import { verifyWritten } from './verify-written.ts';

export interface SyncOptions {
  job: string;
  /** Restrict the run to these spaces; empty = every space the source lists. */
  spaces: string[];
  mode: 'incremental' | 'full';
  dryRun: boolean;
  force: boolean;
  /** Plan only: stop after planning, apply nothing. */
  planOnly?: boolean;
  concurrency: number;
  change: ChangeOptions;
  deletion: { policy: DeletionPolicy; maxCount: number; maxPercent: number };
  conflictPolicy: ConflictPolicy;
}

export interface SyncDeps {
  source: Source;
  target: Target;
  checkpoints: CheckpointStore;
  logger: EngineLogger;
  now?: () => Date;
  signal?: AbortSignal;
  onPhase?: (phase: 'extract' | 'plan' | 'apply' | 'verify', total?: number) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface SyncOutcome {
  summary: RunSummary;
  plan: SyncPlan;
  changeSet: ChangeSet;
  interrupted: boolean;
}

/**
 * One run: extract → hash and classify → plan → guard → apply → verify. Knows connectors only through
 * the Source, Target and CheckpointStore interfaces.
 */
export async function runSync(options: SyncOptions, deps: SyncDeps): Promise<SyncOutcome> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const { source, target, checkpoints, logger } = deps;

  deps.onPhase?.('extract');
  const spaces = options.spaces.length > 0 ? options.spaces : await source.listSpaces();
  // A full run rewrites everything, so it needs every definition: it offers the source no validators to
  // answer "not modified" to.
  const entries = checkpoints.all();
  const known =
    options.mode === 'full'
      ? new Map<string, { validator?: string }>()
      : new Map(entries.map((e) => [e.assetId, e.validator === undefined ? {} : { validator: e.validator }]));
  const extracts: SpaceExtract[] = [];
  const failedSpaces: IncompleteSpace[] = [];
  for (const space of spaces) {
    try {
      extracts.push(await source.extractSpace(space, { known, ...(deps.signal ? { signal: deps.signal } : {}) }));
    } catch (error) {
      failedSpaces.push({ space, reason: describe(error) });
      logger.error({ space, err: describe(error) }, 'space listing failed; its assets are neither synced nor deleted');
    }
  }
  const inScope = new Set(spaces);
  const changeSet = detectChanges({
    extracts,
    failedSpaces,
    checkpoint: (id) => checkpoints.get(id),
    checkpointEntries: entries.filter((e) => inScope.has(spaceOf(e.assetId))),
    options: options.change,
  });

  deps.onPhase?.('plan');
  const databases = [...new Set(spaces.map((s) => target.databaseFor(s)))];
  const targetTables = new Map<string, TargetTable>((await target.readState(databases)).map((t) => [refKey(t.ref), t]));
  const plan = planSync(changeSet, {
    job: options.job,
    mode: options.mode,
    deletionPolicy: options.deletion.policy,
    conflictPolicy: options.conflictPolicy,
    resolve: (asset) => target.resolve(asset),
    targetTables,
  });

  const guard = new SafetyGuard({
    dryRun: options.dryRun || options.planOnly === true,
    force: options.force,
    maxDeleteCount: options.deletion.maxCount,
    maxDeletePercent: options.deletion.maxPercent,
  });
  const planWarnings: RunSummary['warnings'] = [];
  if (options.planOnly) {
    // A plan shows what sync would do, and that includes being stopped by a guard.
    try {
      guard.check({ plan, emptySpaces: changeSet.emptySpaces });
    } catch (error) {
      if (!(error instanceof GuardError)) throw error;
      planWarnings.push({ assetId: '*', message: `sync would stop here: ${error.message}` });
    }
  } else {
    guard.check({ plan, emptySpaces: changeSet.emptySpaces });
    if (options.conflictPolicy === 'fail' && plan.drift.length > 0) {
      throw new DriftError(
        `${plan.drift.length} table(s) changed in the target since our last write (conflicts.policy = fail): ` +
          plan.drift.map((d) => refKey(d.ref)).join(', '),
        plan.drift.map((d) => refKey(d.ref)),
      );
    }
  }

  let applied: ApplyResult = { confirmed: [], failed: [], warnings: [], interrupted: false, fullWriteBytes: new Map() };
  let verification: Verification = { checked: 0, matched: 0, mismatches: [], versions: new Map() };
  if (!options.planOnly) {
    deps.onPhase?.('apply', plan.actions.length);
    applied = await applyPlan(plan.actions, {
      target,
      checkpoints,
      guard,
      sourceSystem: source.system,
      concurrency: options.concurrency,
      now,
      logger,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    });
    await checkpoints.flush();
    if (!applied.interrupted) {
      deps.onPhase?.('verify');
      verification = await verifyWritten(target, options.job, applied.confirmed);
      await recordVersions(checkpoints, verification.versions);
    }
  }

  const finished = now();
  const counts = countChanges(changeSet.changes);
  const targetTraffic = target.traffic();
  const sourceTraffic = source.traffic();
  const fullSyncBytes = changeSet.changes.reduce((sum, change) => {
    if (change.type === 'DELETED') return sum;
    // Sizes known from this run's writes, or recorded at an unchanged asset's last write, spare building the table again.
    const known = applied.fullWriteBytes.get(change.assetId);
    if (known !== undefined) return sum + known;
    if (change.type === 'UNCHANGED' && change.previous?.fullWriteBytes !== undefined) return sum + change.previous.fullWriteBytes;
    if (change.asset) return sum + target.fullWriteBytes(change.asset, target.resolve(change.asset), change.hashes);
    return sum + (change.previous?.fullWriteBytes ?? 0);
  }, 0);
  const failed = [...changeSet.failures, ...applied.failed];
  const incomplete = changeSet.incompleteSpaces;
  const summary: RunSummary = {
    runId: randomUUID(),
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    dryRun: options.dryRun || options.planOnly === true,
    mode: options.mode,
    status: applied.interrupted ? 'stopped' : failed.length > 0 || incomplete.length > 0 ? 'partial' : 'ok',
    source: { type: source.type, spaces, incompleteSpaces: incomplete },
    target: { type: target.type },
    changes: {
      created: counts.CREATED,
      modified: counts.MODIFIED,
      schemaChanged: counts.SCHEMA_CHANGED,
      metadataChanged: counts.METADATA_CHANGED,
      deleted: counts.DELETED,
      unchanged: counts.UNCHANGED,
    },
    strategies: countStrategies(plan.actions),
    failed,
    warnings: [...planWarnings, ...changeSet.warnings, ...applied.warnings, ...verification.mismatches],
    drift: plan.drift.map((d) => ({ assetId: d.assetId, table: refKey(d.ref), expectedVersion: d.expectedVersion, actualVersion: d.actualVersion })),
    verified: { checked: verification.checked, matched: verification.matched },
    traffic: {
      source: {
        requests: sourceTraffic.requests,
        bytesSent: sourceTraffic.bytesSent,
        bytesReceived: sourceTraffic.bytesReceived,
        byOperation: sourceTraffic.byOperation,
      },
      target: {
        requests: targetTraffic.requests,
        writes: targetTraffic.writes,
        bytesSent: targetTraffic.bytesSent,
        bytesReceived: targetTraffic.bytesReceived,
        byOperation: targetTraffic.byOperation,
      },
    },
    fullSyncBytes,
    savingsPercent: savingsPercent(fullSyncBytes, targetTraffic.bytesSent),
  };
  return { summary, plan, changeSet, interrupted: applied.interrupted };
}

/**
 * Targets that do not answer a write with the new version (Glue) learn it here, from the verification read:
 * the checkpoint must hold the version our write produced, or the next run could not tell our change from
 * someone else's (drift).
 */
async function recordVersions(checkpoints: CheckpointStore, versions: ReadonlyMap<string, string>): Promise<void> {
  let changed = false;
  for (const [assetId, version] of versions) {
    const entry = checkpoints.get(assetId);
    if (!entry || entry.target.version === version) continue;
    await checkpoints.put({ ...entry, target: { ...entry.target, version } });
    changed = true;
  }
  if (changed) await checkpoints.flush();
}
