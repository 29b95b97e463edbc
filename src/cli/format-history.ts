import type { ChangeLogEntry } from '../report/change-log.ts';
import type { HistoryRun } from '../report/history-schema.ts';
import { runKind } from '../report/history-schema.ts';
import type { RollbackPlan } from '../report/rollback-plan.ts';

/** A run as `history` lists it, with whether (and why not) it can still be rolled back. */
export interface HistoryRow {
  run: HistoryRun;
  rollback: RollbackPlan;
}

const time = (iso: string): string => iso.replace(/\.\d{3}Z$/, 'Z');

function changesOf(run: HistoryRun): string {
  const a = run.applied;
  if (run.status === 'failed' && run.error) return `error ${run.error.code}: ${run.error.message.split('\n')[0]!.slice(0, 80)}`;
  if (run.guard && run.status === 'guard-stopped') return `guard ${run.guard.code}`;
  if (run.dryRun) {
    const c = run.changes;
    return `would: ${c.created} new, ${c.schemaChanged + c.modified + c.metadataChanged} changed, ${c.deleted} deleted`;
  }
  return `+${a.created} ~${a.updated + a.deprecated} -${a.deleted} =${a.recorded}${a.failed > 0 ? ` !${a.failed}` : ''}`;
}

/** One line per run, newest last: time, id, kind, status, what it did, wall time, rollback. */
export function formatHistory(rows: readonly HistoryRow[]): string {
  const lines = ['FINISHED              RUN                                   KIND      STATUS         CHANGES                            TIME      ROLLBACK'];
  for (const { run, rollback } of rows) {
    const kind = runKind(run);
    const back = kind === 'sync' ? (rollback.refusals.length === 0 ? 'yes' : `no: ${rollback.refusals[0]}`) : kind === 'rollback' ? `undid ${run.rollbackOf}` : '-';
    lines.push(
      [
        time(run.finishedAt).padEnd(21),
        run.runId.padEnd(37),
        kind.padEnd(9),
        run.status.padEnd(14),
        changesOf(run).padEnd(34),
        `${run.durationMs} ms`.padEnd(9),
        back,
      ].join(' '),
    );
  }
  if (rows.length === 0) lines.push('(no runs recorded yet)');
  lines.push('CHANGES: +created ~updated/deprecated -deleted =recorded !failed');
  return lines.join('\n');
}

/** The change-log lines of one asset, oldest first. */
export function formatAssetChanges(assetId: string, entries: readonly ChangeLogEntry[]): string {
  const lines = [`${assetId}: ${entries.length} change(s)`];
  for (const e of entries) {
    const versions = e.versionBefore !== undefined || e.versionAfter !== undefined ? `v${e.versionBefore ?? '-'} → v${e.versionAfter ?? '-'}` : '';
    lines.push(
      [
        `  ${time(e.at)}`,
        e.runId,
        e.action.padEnd(9),
        (e.table ?? '').padEnd(32),
        e.change.padEnd(16),
        (e.strategy ?? '').padEnd(13),
        e.facets.join(',').padEnd(23),
        versions.padEnd(10),
        e.outcome,
        e.rollbackOf ? `(rollback of ${e.rollbackOf})` : '',
        e.error ? `: ${e.error}` : '',
      ].join(' ').trimEnd(),
    );
  }
  return lines.join('\n');
}
