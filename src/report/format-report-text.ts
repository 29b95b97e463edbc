import type { ReportRun, SavingsReport } from './savings-report.ts';

/** `812 B`, `31.6 KiB`, `4.2 MiB`, `1.3 GiB`; negative amounts keep their sign. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  if (value < 1024) return `${sign}${value} B`;
  for (const unit of ['KiB', 'MiB', 'GiB', 'TiB']) {
    value /= 1024;
    if (value < 1024 || unit === 'TiB') return `${sign}${value.toFixed(1)} ${unit}`;
  }
  return `${sign}${value} B`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

interface Column {
  title: string;
  right?: boolean;
  value: (r: ReportRun) => string;
}

const changed = (r: Pick<ReportRun, 'changes'>) => r.changes.modified + r.changes.schemaChanged + r.changes.metadataChanged;

const COLUMNS: Column[] = [
  { title: 'RUN', value: (r) => r.runId.slice(0, 8) },
  { title: 'STARTED', value: (r) => r.startedAt.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z') },
  { title: 'MODE', value: (r) => r.mode },
  { title: 'STATUS', value: (r) => r.status },
  { title: 'ASSETS', right: true, value: (r) => String(r.assetsSeen) },
  { title: 'NEW', right: true, value: (r) => String(r.changes.created) },
  { title: 'CHG', right: true, value: (r) => String(changed(r)) },
  { title: 'DEL', right: true, value: (r) => String(r.changes.deleted) },
  { title: 'F/D/M/X', right: true, value: (r) => `${r.strategies.full}/${r.strategies.delta}/${r.strategies.metadataOnly}/${r.strategies.deletion}` },
  { title: 'SRC REQ', right: true, value: (r) => String(r.source.requests) },
  { title: 'SRC OUT', right: true, value: (r) => formatBytes(r.source.bytesSent) },
  { title: 'SRC IN', right: true, value: (r) => formatBytes(r.source.bytesReceived) },
  { title: 'TGT REQ', right: true, value: (r) => String(r.target.requests) },
  { title: 'TGT OUT', right: true, value: (r) => formatBytes(r.target.bytesSent) },
  { title: 'TGT IN', right: true, value: (r) => formatBytes(r.target.bytesReceived) },
  { title: 'FULL RUN', right: true, value: (r) => formatBytes(r.fullSyncBytes) },
  { title: 'SAVED', right: true, value: (r) => formatBytes(r.savedBytes) },
  { title: '%', right: true, value: (r) => r.savingsPercent.toFixed(1) },
  { title: 'TIME', right: true, value: (r) => formatDuration(r.durationMs) },
  { title: 'FAIL', right: true, value: (r) => String(r.failures) },
];

/** The report as a table for a terminal: one row per run, a total row, then the breakdown by strategy. */
export function formatReportText(report: SavingsReport): string {
  const { runs, totals, excluded } = report;
  const left = [
    excluded.dryRuns > 0 ? `${excluded.dryRuns} dry-run(s)` : '',
    excluded.plans > 0 ? `${excluded.plans} plan(s)` : '',
    excluded.rollbacks > 0 ? `${excluded.rollbacks} rollback(s)` : '',
  ].filter(Boolean);
  const lines = [
    `Savings report: ${runs.length} run(s)${runs.length > 0 ? `, ${runs[0]!.startedAt} to ${runs[runs.length - 1]!.finishedAt}` : ''}` +
      (left.length > 0 ? `; left out: ${left.join(', ')}` : ''),
  ];
  if (runs.length === 0) {
    lines.push('No sync runs recorded in this selection.');
    return lines.join('\n');
  }
  const totalRow: ReportRun = {
    ...totals,
    runId: 'TOTAL',
    startedAt: '',
    finishedAt: '',
    mode: '',
    status: totals.unsuccessfulRuns > 0 ? `${totals.unsuccessfulRuns} not ok` : 'all ok',
    spaces: [],
  };
  const cells = [...runs, totalRow].map((r) => COLUMNS.map((c) => (r === totalRow && c.title === 'RUN' ? 'TOTAL' : c.value(r))));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...cells.map((row) => row[i]!.length)));
  const render = (row: string[]) =>
    row.map((cell, i) => (COLUMNS[i]!.right ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  lines.push(render(COLUMNS.map((c) => c.title)));
  for (const row of cells.slice(0, -1)) lines.push(render(row));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push(render(cells[cells.length - 1]!));
  const s = totals.strategies;
  lines.push('');
  lines.push(`By strategy: ${s.full} full, ${s.delta} delta, ${s.metadataOnly} metadata-only, ${s.deletion} deletion, ${s.skipped} skipped`);
  lines.push(
    `Moved ${formatBytes(totals.movedBytes)} where full runs would have moved ${formatBytes(totals.fullSyncBytes)}: ` +
      `saved ${formatBytes(totals.savedBytes)} (${totals.savingsPercent.toFixed(1)} %) in ${formatDuration(totals.durationMs)} of run time`,
  );
  lines.push('F/D/M/X: full / delta / metadata-only / deletion writes; SAVED and % against a --full run of the same catalog');
  return lines.join('\n');
}
