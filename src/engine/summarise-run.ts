import { randomUUID } from 'node:crypto';
import { refKey } from '../catalog/ref-key.ts';
import type { Source } from '../catalog/source.ts';
import type { Target } from '../catalog/target.ts';
import type { ChangeSet } from '../change/change-set.ts';
import { countChanges } from '../change/change-set.ts';
import type { ApplyResult } from './apply-plan.ts';
import { countApplied } from './run-actions.ts';
import type { GuardOutcome, RunAction, RunStatus, RunSummary } from './run-summary.ts';
import { savingsPercent } from './run-summary.ts';
import type { SyncPlan } from './sync-plan.ts';
import { countStrategies } from './sync-plan.ts';
import type { Verification } from './verify-written.ts';

export interface SummaryInput {
  started: Date;
  finished: Date;
  mode: 'incremental' | 'full';
  dryRun: boolean;
  planOnly: boolean;
  spaces: string[];
  source: Source;
  target: Target;
  changeSet: ChangeSet;
  plan: SyncPlan;
  applied: ApplyResult;
  actions: RunAction[];
  verification: Verification;
  guard?: GuardOutcome;
  /** The guard stopped the real run before apply. */
  guardStopped: boolean;
}

/** The last step of a run: the figures `sync` prints and the run history keeps. */
export function summariseRun(input: SummaryInput): RunSummary {
  const { changeSet, plan, applied, verification, source, target } = input;
  const counts = countChanges(changeSet.changes);
  const targetTraffic = target.traffic();
  const sourceTraffic = source.traffic();
  const failed = [...changeSet.failures, ...applied.failed];
  const fullSyncBytes = fullSyncBaseline(input);
  const summary: RunSummary = {
    runId: randomUUID(),
    startedAt: input.started.toISOString(),
    finishedAt: input.finished.toISOString(),
    durationMs: input.finished.getTime() - input.started.getTime(),
    dryRun: input.dryRun || input.planOnly,
    ...(input.planOnly ? { planOnly: true } : {}),
    mode: input.mode,
    status: statusOf(input, failed.length),
    source: { type: source.type, spaces: input.spaces, incompleteSpaces: changeSet.incompleteSpaces },
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
    applied: countApplied(input.actions),
    actions: input.actions,
    failed,
    warnings: [...changeSet.warnings, ...applied.warnings, ...verification.mismatches],
    drift: plan.drift.map((d) => ({ assetId: d.assetId, table: refKey(d.ref), expectedVersion: d.expectedVersion, actualVersion: d.actualVersion })),
    verified: { checked: verification.checked, matched: verification.matched },
    ...(input.guard ? { guard: input.guard } : {}),
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
  return summary;
}

function statusOf(input: SummaryInput, failures: number): RunStatus {
  if (input.guardStopped) return 'guard-stopped';
  if (input.applied.interrupted) return 'stopped';
  return failures > 0 || input.changeSet.incompleteSpaces.length > 0 ? 'partial' : 'ok';
}

/**
 * What writing every asset in full would send. An asset whose write failed is left out: a failure is work still
 * to do, never a saving.
 */
function fullSyncBaseline({ changeSet, applied, target }: SummaryInput): number {
  let sum = 0;
  for (const change of changeSet.changes) {
    if (change.type === 'DELETED') continue;
    if (applied.outcomes.get(change.assetId)?.outcome === 'failed') continue;
    // Sizes known from this run's writes, or recorded at an unchanged asset's last write, spare building the table again.
    const known = applied.fullWriteBytes.get(change.assetId);
    if (known !== undefined) sum += known;
    else if (change.type === 'UNCHANGED' && change.previous?.fullWriteBytes !== undefined) sum += change.previous.fullWriteBytes;
    else if (change.asset) sum += target.fullWriteBytes(change.asset, target.resolve(change.asset), change.hashes);
    else sum += change.previous?.fullWriteBytes ?? 0;
  }
  return sum;
}
