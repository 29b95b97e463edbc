import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import { refKey } from '../catalog/ref-key.ts';
import type { AssetWarning } from '../catalog/source.ts';
import type { TargetTable } from '../catalog/target.ts';
import type { Traffic } from '../catalog/traffic.ts';
import type { TrafficFigures } from './run-summary.ts';
import type { SyncPlan } from './sync-plan.ts';

/** What a whole-catalog refresh found, as the run summary reports it (`database.table` names). */
export interface RefreshFindings {
  /** Tables read in the databases in scope, ours and others'. */
  tables: number;
  /** Owned tables whose version moved on since our last write (details in the summary's `drift`). */
  drifted: string[];
  /** Tables of unchanged assets that were gone from the target: recreated. */
  missing: string[];
  /** Tables of unchanged assets that now carry no marker, or another job's: blocked, never touched. */
  takenOver: string[];
  /** Tables carrying this job's marker that neither the source nor the checkpoint knows (a lost entry, a copy). */
  untracked: string[];
}

/**
 * Reads the refresh's findings off the plan made on the whole catalog: the planner has already decided what to do
 * about each (drift by conflict policy, a missing table recreated, a taken-over table blocked); what only the
 * listing shows are tables with our marker that no asset and no entry accounts for: reported, never deleted (a
 * deletion needs a checkpoint entry saying we wrote that table for an asset that is gone).
 */
export function refreshFindings(plan: SyncPlan, tables: readonly TargetTable[], entries: readonly CheckpointEntry[], job: string): RefreshFindings {
  const missing: string[] = [];
  const takenOver: string[] = [];
  for (const action of plan.actions) {
    if (action.change.type !== 'UNCHANGED' || !action.ref) continue;
    if (action.kind === 'write' && action.create) missing.push(refKey(action.ref));
    if (action.kind === 'blocked' && action.reason.includes('taken over')) takenOver.push(refKey(action.ref));
  }
  const known = new Set(entries.map((e) => refKey(e.target)));
  for (const action of plan.actions) if (action.ref) known.add(refKey(action.ref));
  const untracked = tables.filter((t) => t.owner === job && !known.has(refKey(t.ref))).map((t) => refKey(t.ref));
  return { tables: tables.length, drifted: plan.drift.map((d) => refKey(d.ref)), missing, takenOver, untracked };
}

export function untrackedWarnings(findings: RefreshFindings): AssetWarning[] {
  return findings.untracked.map((table) => ({
    assetId: '*',
    message: `refresh: ${table} carries this job's marker, but neither the source nor the checkpoint knows it; left as it is`,
  }));
}

/** What the target's counters moved between two snapshots: the cost of one step, e.g. the refresh's listing. */
export function trafficBetween(before: Traffic, after: Traffic): TrafficFigures {
  return {
    requests: after.requests - before.requests,
    bytesSent: after.bytesSent - before.bytesSent,
    bytesReceived: after.bytesReceived - before.bytesReceived,
  };
}
