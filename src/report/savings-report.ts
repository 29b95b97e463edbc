import type { HistoryRun } from './history-schema.ts';
import { runKind } from './history-schema.ts';

/** Which recorded runs a report covers. */
export interface ReportFilter {
  /** Only the last n real runs (after the other filters). */
  last?: number;
  /** Only runs that started at or after this time. */
  since?: Date;
  /** Only runs that covered this space. */
  space?: string;
}

export interface Direction {
  requests: number;
  bytesSent: number;
  bytesReceived: number;
}

/** One run's line of the report: every figure as the run recorded it, and the savings derived from them. */
export interface ReportRun {
  runId: string;
  startedAt: string;
  finishedAt: string;
  mode: string;
  status: string;
  spaces: string[];
  /** Assets the source listed: new, changed and unchanged (deleted ones are no longer there). */
  assetsSeen: number;
  changes: HistoryRun['changes'];
  strategies: HistoryRun['strategies'];
  source: Direction;
  target: Direction & { writes: number };
  /** What a `--full` run would have moved (the run's recorded `fullSyncBytes`). */
  fullSyncBytes: number;
  /** What this run moved against that baseline: fullSyncBytes less the saving. */
  movedBytes: number;
  /** fullSyncBytes × savingsPercent: negative when the run moved more than a full run would (a first run). */
  savedBytes: number;
  savingsPercent: number;
  durationMs: number;
  /** Assets that failed in the run (a run a fatal error ended counts 1). */
  failures: number;
  error?: string;
}

export interface ReportTotals extends Omit<ReportRun, 'runId' | 'startedAt' | 'finishedAt' | 'mode' | 'status' | 'spaces' | 'error'> {
  runs: number;
  /** Runs that did not end `ok`. */
  unsuccessfulRuns: number;
}

export interface SavingsReport {
  generatedAt: string;
  filter: { last?: number; since?: string; space?: string };
  runs: ReportRun[];
  totals: ReportTotals;
  /** Recorded runs left out of the savings: they moved nothing on purpose. */
  excluded: { dryRuns: number; plans: number; rollbacks: number };
}

const CHANGE_KEYS = ['created', 'modified', 'schemaChanged', 'metadataChanged', 'deleted', 'unchanged'] as const;
const STRATEGY_KEYS = ['full', 'delta', 'metadataOnly', 'deletion', 'skipped'] as const;
const round1 = (n: number): number => Math.round(n * 10) / 10;

export function reportRun(run: HistoryRun): ReportRun {
  const c = run.changes;
  const savedBytes = Math.round((run.fullSyncBytes * run.savingsPercent) / 100);
  const failures = run.status === 'failed' && run.error ? Math.max(1, run.applied.failed) : Math.max(run.applied.failed, run.failed.length + (run.omitted?.['failed'] ?? 0));
  return {
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    mode: run.mode,
    status: run.status,
    spaces: run.source.spaces,
    assetsSeen: c.created + c.modified + c.schemaChanged + c.metadataChanged + c.unchanged,
    changes: { ...c },
    strategies: { ...run.strategies },
    source: { requests: run.traffic.source.requests, bytesSent: run.traffic.source.bytesSent, bytesReceived: run.traffic.source.bytesReceived },
    target: {
      requests: run.traffic.target.requests,
      writes: run.traffic.target.writes,
      bytesSent: run.traffic.target.bytesSent,
      bytesReceived: run.traffic.target.bytesReceived,
    },
    fullSyncBytes: run.fullSyncBytes,
    movedBytes: run.fullSyncBytes - savedBytes,
    savedBytes,
    savingsPercent: run.savingsPercent,
    durationMs: run.durationMs,
    failures,
    ...(run.error ? { error: `${run.error.code}: ${run.error.message}` } : {}),
  };
}

/**
 * The savings report over the recorded runs. Only real syncs count: dry-runs, plans and rollbacks are counted as
 * left out. Totals are plain sums of the runs' figures, and the total percentage is the total saving over the total
 * full-run baseline — nothing is estimated that a run did not record.
 */
export function buildSavingsReport(history: readonly HistoryRun[], filter: ReportFilter = {}, now = new Date()): SavingsReport {
  const excluded = { dryRuns: 0, plans: 0, rollbacks: 0 };
  let selected: HistoryRun[] = [];
  for (const run of history) {
    if (filter.since && Date.parse(run.startedAt) < filter.since.getTime()) continue;
    if (filter.space !== undefined && !run.source.spaces.includes(filter.space)) continue;
    const kind = runKind(run);
    if (kind === 'dry-run') excluded.dryRuns += 1;
    else if (kind === 'plan') excluded.plans += 1;
    else if (kind === 'rollback') excluded.rollbacks += 1;
    else selected.push(run);
  }
  if (filter.last !== undefined) selected = selected.slice(-filter.last);
  const runs = selected.map(reportRun);
  return {
    generatedAt: now.toISOString(),
    filter: {
      ...(filter.last !== undefined ? { last: filter.last } : {}),
      ...(filter.since ? { since: filter.since.toISOString() } : {}),
      ...(filter.space !== undefined ? { space: filter.space } : {}),
    },
    runs,
    totals: totalsOf(runs),
    excluded,
  };
}

function totalsOf(runs: readonly ReportRun[]): ReportTotals {
  const t: ReportTotals = {
    runs: runs.length,
    unsuccessfulRuns: 0,
    assetsSeen: 0,
    changes: { created: 0, modified: 0, schemaChanged: 0, metadataChanged: 0, deleted: 0, unchanged: 0 },
    strategies: { full: 0, delta: 0, metadataOnly: 0, deletion: 0, skipped: 0 },
    source: { requests: 0, bytesSent: 0, bytesReceived: 0 },
    target: { requests: 0, writes: 0, bytesSent: 0, bytesReceived: 0 },
    fullSyncBytes: 0,
    movedBytes: 0,
    savedBytes: 0,
    savingsPercent: 0,
    durationMs: 0,
    failures: 0,
  };
  for (const r of runs) {
    if (r.status !== 'ok') t.unsuccessfulRuns += 1;
    t.assetsSeen += r.assetsSeen;
    for (const key of CHANGE_KEYS) t.changes[key] += r.changes[key];
    for (const key of STRATEGY_KEYS) t.strategies[key] += r.strategies[key];
    for (const key of ['requests', 'bytesSent', 'bytesReceived'] as const) {
      t.source[key] += r.source[key];
      t.target[key] += r.target[key];
    }
    t.target.writes += r.target.writes;
    t.fullSyncBytes += r.fullSyncBytes;
    t.movedBytes += r.movedBytes;
    t.savedBytes += r.savedBytes;
    t.durationMs += r.durationMs;
    t.failures += r.failures;
  }
  t.savingsPercent = t.fullSyncBytes > 0 ? round1((t.savedBytes / t.fullSyncBytes) * 100) : 0;
  return t;
}
