import { randomUUID } from 'node:crypto';
import { boundText } from '../catalog/bounded-text.ts';
import { errorCodeOf } from '../catalog/error-code-of.ts';
import { messageOf } from '../catalog/message-of.ts';
import { refKey } from '../catalog/ref-key.ts';
import type { DatabaseDescriptionChange } from '../catalog/space-labels.ts';
import type { Source } from '../catalog/source.ts';
import type { Target } from '../catalog/target.ts';
import type { ChangeSet } from '../change/change-set.ts';
import { countChanges } from '../change/change-set.ts';
import type { ApplyResult } from './apply-plan.ts';
import type { PartitionFigures } from './apply-partitions.ts';
import { fullRunBytes } from './full-run-bytes.ts';
import type { RefreshFindings } from './refresh-report.ts';
import { untrackedWarnings } from './refresh-report.ts';
import { countApplied } from './run-actions.ts';
import type { GuardOutcome, RunAction, RunStatus, RunSummary, TagFigures, TrafficFigures } from './run-summary.ts';
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
  /** Size of each table read in this run, by `database.table`. */
  readBytes: ReadonlyMap<string, number>;
  /** The refresh's findings and the cost of its listing, when the run refreshed. */
  refresh?: { findings: RefreshFindings; traffic: TrafficFigures };
  guard?: GuardOutcome;
  /** What the run did to partitions, where source and target have them. */
  partitions?: PartitionFigures;
  /** What the run did to tags, where the target has them. */
  tags?: TagFigures;
  databaseDescriptions?: DatabaseDescriptionChange[];
  /** The guard stopped the real run before apply. */
  guardStopped: boolean;
}

/** The last step of a run: the figures `sync` prints and the run history keeps. */
export function summariseRun(input: SummaryInput): RunSummary {
  const { changeSet, plan, applied, verification, source, target } = input;
  const counts = countChanges(changeSet.changes);
  const targetTraffic = target.traffic();
  const sourceTraffic = source.traffic();
  // Ids and messages quote untrusted names of any size: bounded here, once, for the summary and the history alike.
  const failed = [...changeSet.failures, ...applied.failed].map((f) => ({ assetId: boundText(f.assetId), error: boundText(f.error) }));
  const fullSyncBytes = fullRunBytes({ changeSet, plan, applied, target, sourceTraffic, readBytes: input.readBytes });
  const totalBytes = sourceTraffic.bytesSent + sourceTraffic.bytesReceived + targetTraffic.bytesSent + targetTraffic.bytesReceived;
  const refreshWarnings = input.refresh ? untrackedWarnings(input.refresh.findings) : [];
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
    warnings: [...changeSet.warnings, ...applied.warnings, ...verification.mismatches, ...refreshWarnings].map((w) => ({
      assetId: boundText(w.assetId),
      message: boundText(w.message),
    })),
    // Found while planning (tables read first), or by a write sent unread and refused (see WriteRequest.selfContained).
    drift: [...plan.drift, ...applied.drift].map((d) => ({ assetId: d.assetId, table: refKey(d.ref), expectedVersion: d.expectedVersion, actualVersion: d.actualVersion })),
    verified: { checked: verification.checked, matched: verification.matched, readBack: verification.readBack },
    ...(input.refresh ? { refresh: input.refresh.findings } : {}),
    ...(input.guard ? { guard: input.guard } : {}),
    ...(input.partitions ? { partitions: input.partitions } : {}),
    ...(input.tags ? { tags: input.tags } : {}),
    ...(input.databaseDescriptions ? { databaseDescriptions: input.databaseDescriptions } : {}),
    ...(applied.unsaved !== undefined ? { error: unsavedError(applied.unsaved) } : {}),
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
        ...(input.refresh ? { refresh: input.refresh.traffic } : {}),
      },
    },
    totalBytes,
    fullSyncBytes,
    savingsPercent: savingsPercent(fullSyncBytes, totalBytes),
  };
  return summary;
}

function statusOf(input: SummaryInput, failures: number): RunStatus {
  // What the run wrote is in the target, but not in the checkpoint: the run did not finish its work.
  if (input.applied.unsaved !== undefined) return 'failed';
  if (input.guardStopped) return 'guard-stopped';
  if (input.applied.interrupted) return 'stopped';
  return failures > 0 || input.changeSet.incompleteSpaces.length > 0 ? 'partial' : 'ok';
}

/** The checkpoint's error as the summary reports it: its stable code where it has one. */
function unsavedError(error: unknown): { code: string; message: string } {
  return { code: errorCodeOf(error) ?? 'FATAL', message: boundText(messageOf(error)) };
}
