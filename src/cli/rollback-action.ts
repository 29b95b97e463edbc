import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import { hasTableVersions } from '../catalog/table-versions.ts';
import { rollbackRun } from '../engine/rollback-run.ts';
import type { RollbackOutcome, RollbackTableStep } from '../engine/rollback-run.ts';
import type { RunSummary } from '../engine/run-summary.ts';
import { failedRunSummary, recordChanges } from '../report/audit-trail.ts';
import type { ChangeLogEntry } from '../report/change-log.ts';
import { planRollback } from '../report/rollback-plan.ts';
import type { RollbackPlan } from '../report/rollback-plan.ts';
import { readCheckpointFile } from '../state/checkpoint-file.ts';
import { loadAuditContext } from './audit-context.ts';
import { ExitCode } from './exit-codes.ts';
import type { ExitCodeValue } from './exit-codes.ts';
import { openRun } from './open-run.ts';

export interface RollbackFlags {
  config: string;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
  logLevel?: string;
}

export interface RollbackReport extends RollbackOutcome {
  runId: string;
  /** The id this rollback is recorded under in the history and change log. */
  rollbackId: string;
  dryRun: boolean;
  status: 'ok' | 'partial' | 'refused' | 'guard-stopped';
  /** The checkpoint backup the entries came back from (none: the run started from no checkpoint). */
  backup?: string;
}

/** A rollback that cannot start: what stops it is in the message, every reason listed. */
export class RollbackRefusedError extends Error {
  readonly code = 'ROLLBACK_REFUSED';
  constructor(runId: string, readonly refusals: readonly string[]) {
    super(`cannot roll back run ${runId}:\n  - ${refusals.join('\n  - ')}`);
    this.name = 'RollbackRefusedError';
  }
}

/** `tableName` → TableRef; change-log tables are `database.table` (Glue names hold no dot). */
function refOf(table: string): { database: string; table: string } {
  const dot = table.indexOf('.');
  return { database: table.slice(0, dot), table: table.slice(dot + 1) };
}

async function entriesBefore(plan: RollbackPlan, backupDir: string, sourceSystem: string): Promise<Map<string, CheckpointEntry>> {
  if (!plan.backup) return new Map();
  const result = await readCheckpointFile(path.join(backupDir, plan.backup), sourceSystem);
  if (!result.exists || !result.ok) throw new RollbackRefusedError(plan.runId, [`the checkpoint backup ${plan.backup} from before the run is unreadable`]);
  return new Map(Array.from(result.document.entries.values(), (s) => [s.entry.assetId, s.entry]));
}

/**
 * `catalog-sync rollback <runId>`: plans from the audit trail (refusing what cannot be undone), then undoes the run
 * under the checkpoint lock, and records itself (history record with `rollbackOf`, change-log lines).
 */
export async function rollbackAction(runId: string, flags: RollbackFlags): Promise<{ report: RollbackReport; exit: ExitCodeValue }> {
  const audit = await loadAuditContext(flags.config);
  const plan = planRollback(runId, audit.runs, audit.changeLog, audit.backups);
  if (plan.refusals.length > 0) throw new RollbackRefusedError(runId, plan.refusals);
  const before = await entriesBefore(plan, audit.paths.backupDir, audit.sourceSystem);

  const started = new Date();
  const run = await openRun({ config: flags.config, ...(flags.logLevel ? { logLevel: flags.logLevel } : {}) }, { lock: flags.dryRun !== true });
  try {
    const { config, target, checkpoints } = run;
    if (!hasTableVersions(target)) throw new RollbackRefusedError(runId, [`the ${target.type} target keeps no table versions`]);
    const steps: RollbackTableStep[] = plan.steps.map((s) => ({
      assetId: s.assetId,
      ref: refOf(s.table),
      action: s.action,
      undo: s.undo,
      ...(s.version !== undefined ? { version: s.version } : {}),
    }));
    const outcome = await rollbackRun(
      steps,
      { job: config.job.name, dryRun: flags.dryRun === true, force: flags.force === true, deletion: config.deletion },
      { target, checkpoints, before },
    );
    if (outcome.refusals.length > 0) throw new RollbackRefusedError(runId, outcome.refusals);
    const failed = outcome.results.filter((r) => r.outcome === 'failed').length;
    const status: RollbackReport['status'] = outcome.guard && !outcome.guard.wouldStop ? 'guard-stopped' : failed > 0 ? 'partial' : 'ok';
    const report: RollbackReport = {
      ...outcome,
      runId,
      rollbackId: randomUUID(),
      dryRun: flags.dryRun === true,
      status,
      ...(plan.backup ? { backup: plan.backup } : {}),
    };
    if (!report.dryRun) await record(config.history, report, started, target.type, config.source.type, target.traffic());
    const exit = status === 'guard-stopped' ? ExitCode.guardStopped : status === 'partial' ? ExitCode.partial : outcome.guard ? ExitCode.guardStopped : ExitCode.ok;
    return { report, exit };
  } finally {
    await run.close();
  }
}

async function record(
  files: Parameters<typeof recordChanges>[0],
  report: RollbackReport,
  started: Date,
  targetType: string,
  sourceType: string,
  traffic: { requests: number; writes: number; bytesSent: number; bytesReceived: number },
): Promise<void> {
  const finished = new Date();
  const base = failedRunSummary({
    startedAt: started,
    finishedAt: finished,
    dryRun: false,
    mode: 'incremental',
    sourceType,
    targetType,
    spaces: [],
    error: { code: '', message: '' },
  });
  const { error: _none, ...rest } = base;
  const count = (undo: string) => report.results.filter((r) => r.undo === undo && r.outcome === 'done').length;
  const summary: RunSummary & { rollbackOf: string } = {
    ...rest,
    runId: report.rollbackId,
    status: report.status === 'guard-stopped' ? 'guard-stopped' : report.status === 'partial' ? 'partial' : 'ok',
    applied: { created: count('recreate'), updated: count('restore'), deprecated: 0, deleted: count('delete'), recorded: count('checkpoint-only'), failed: report.results.filter((r) => r.outcome === 'failed').length },
    ...(report.guard ? { guard: report.guard } : {}),
    traffic: { ...rest.traffic, target: { ...traffic, byOperation: {} } },
    rollbackOf: report.runId,
  };
  const at = finished.toISOString();
  const lines: ChangeLogEntry[] = report.results
    .filter((r) => r.outcome === 'done' || r.outcome === 'failed')
    .map((r) => ({
      runId: report.rollbackId,
      at,
      assetId: r.assetId,
      table: r.table,
      change: 'UNCHANGED',
      action: r.undo === 'delete' ? 'delete' : r.undo === 'recreate' ? 'create' : r.undo === 'restore' ? 'update' : 'record',
      facets: [],
      ...(r.versionBefore !== undefined ? { versionBefore: r.versionBefore } : {}),
      ...(r.versionAfter !== undefined ? { versionAfter: r.versionAfter } : {}),
      outcome: r.outcome === 'failed' ? 'failed' : 'done',
      ...(r.error !== undefined ? { error: r.error } : {}),
      rollbackOf: report.runId,
    }));
  await recordChanges(files, summary, lines);
}

export function formatRollback(r: RollbackReport): string {
  const lines = [`${r.dryRun ? 'Rollback plan' : 'Rollback'} of run ${r.runId}${r.dryRun ? ' (dry run: nothing was changed)' : ` — recorded as ${r.rollbackId}`}`];
  const verb: Record<string, string> = { restore: 'restore', delete: 'delete', recreate: 'recreate', 'checkpoint-only': 'checkpoint' };
  for (const x of r.results) {
    const versions = x.undo === 'restore' || x.undo === 'recreate' ? `  v${x.versionBefore ?? '-'} → ${x.versionAfter !== undefined ? `v${x.versionAfter}` : 'new version'}` : '';
    lines.push(`  ${(verb[x.undo] ?? x.undo).padEnd(10)} ${x.table.padEnd(36)} ${x.assetId.padEnd(32)} (run did: ${x.action})${versions}  ${x.outcome}${x.error ? `: ${x.error}` : ''}`);
  }
  if (r.guard) lines.push(`  GUARD ${r.guard.code}: ${r.guard.message}`);
  if (!r.dryRun && r.status !== 'guard-stopped') lines.push(`  checkpoint: entries as before the run${r.backup ? ` (backup ${r.backup})` : ' (there was no checkpoint before it)'}, with the versions this rollback wrote`);
  return lines.join('\n');
}
