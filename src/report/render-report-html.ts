import { barChartSvg, escapeXml } from './bar-chart-svg.ts';
import { formatBytes, formatDuration } from './format-report-text.ts';
import type { ReportRun, SavingsReport } from './savings-report.ts';

/*
 * One self-contained file: inline CSS and SVG, no script, no font or image from anywhere, so it opens offline, in a
 * mail attachment or behind a strict Content-Security-Policy. Light and dark follow the reader's system setting.
 */
const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1f24; --muted: #5b6470; --line: #d5dae1; --panel: #f5f7fa;
  --full: #b8c2cf; --moved: #1f6feb; --good: #1a7f37; --bad: #cf222e;
  --s-full: #8250df; --s-delta: #1f6feb; --s-meta: #1a7f37; --s-del: #cf222e; --s-skip: #b8c2cf; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --panel: #161b22;
    --full: #484f58; --moved: #4493f8; --good: #3fb950; --bad: #f85149;
    --s-full: #a371f7; --s-delta: #4493f8; --s-meta: #3fb950; --s-del: #f85149; --s-skip: #6e7681; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
.muted { color: var(--muted); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 150px; }
.card b { display: block; font-size: 20px; }
.good { color: var(--good); } .bad { color: var(--bad); }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; background: var(--panel); padding: 8px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { text-align: left; color: var(--muted); font-weight: 600; } td.n, th.n { text-align: right; }
tr.total td { font-weight: 700; border-top: 2px solid var(--line); }
.chart .grid { stroke: var(--line); stroke-width: 1; } .chart .baseline { stroke: var(--muted); stroke-width: 1; }
.chart .axis { fill: var(--muted); font-size: 11px; }
.bar-full { fill: var(--full); } .bar-moved { fill: var(--moved); }
.legend { display: flex; gap: 16px; margin: 6px 0 0; color: var(--muted); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.stack { display: flex; height: 18px; border-radius: 4px; overflow: hidden; border: 1px solid var(--line); max-width: 720px; }
.s-full { background: var(--s-full); } .s-delta { background: var(--s-delta); } .s-meta { background: var(--s-meta); }
.s-del { background: var(--s-del); } .s-skip { background: var(--s-skip); }
`;

const cell = (text: string | number, numeric = false) => `<td${numeric ? ' class="n"' : ''}>${escapeXml(String(text))}</td>`;
const changed = (r: Pick<ReportRun, 'changes'>) => r.changes.modified + r.changes.schemaChanged + r.changes.metadataChanged;

function runRow(r: ReportRun, index: number | 'total'): string {
  const label = index === 'total' ? 'Total' : `#${index + 1} ${r.runId.slice(0, 8)}`;
  const cls = r.savedBytes >= 0 ? 'good' : 'bad';
  return [
    `<tr${index === 'total' ? ' class="total"' : ''}>`,
    cell(label),
    cell(index === 'total' ? '' : r.startedAt.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z')),
    cell(r.mode),
    cell(r.status),
    cell(r.assetsSeen, true),
    cell(r.changes.created, true),
    cell(changed(r), true),
    cell(r.changes.deleted, true),
    cell(`${r.strategies.full} / ${r.strategies.delta} / ${r.strategies.metadataOnly} / ${r.strategies.deletion}`, true),
    cell(`${r.source.requests} · ${formatBytes(r.source.bytesSent)} ↑ · ${formatBytes(r.source.bytesReceived)} ↓`, true),
    cell(`${r.target.requests} · ${formatBytes(r.target.bytesSent)} ↑ · ${formatBytes(r.target.bytesReceived)} ↓`, true),
    cell(formatBytes(r.fullSyncBytes), true),
    `<td class="n ${cls}">${escapeXml(`${formatBytes(r.savedBytes)} (${r.savingsPercent.toFixed(1)} %)`)}</td>`,
    cell(formatDuration(r.durationMs), true),
    cell(r.failures, true),
    '</tr>',
  ].join('');
}

function strategyBreakdown(s: SavingsReport['totals']['strategies']): string {
  const parts: [string, string, number][] = [
    ['s-full', 'full', s.full],
    ['s-delta', 'delta', s.delta],
    ['s-meta', 'metadata-only', s.metadataOnly],
    ['s-del', 'deletion', s.deletion],
    ['s-skip', 'skipped (unchanged)', s.skipped],
  ];
  const total = parts.reduce((sum, [, , n]) => sum + n, 0);
  const bar = parts
    .filter(([, , n]) => n > 0)
    .map(([cls, name, n]) => `<div class="${cls}" style="width:${((n / total) * 100).toFixed(2)}%" title="${escapeXml(`${name}: ${n}`)}"></div>`)
    .join('');
  const rows = parts
    .map(([cls, name, n]) => `<tr><td><span class="swatch ${cls}"></span>${escapeXml(name)}</td><td class="n">${n}</td><td class="n">${total > 0 ? ((n / total) * 100).toFixed(1) : '0.0'} %</td></tr>`)
    .join('');
  return `<div class="stack" role="img" aria-label="assets by strategy">${bar}</div>
<table class="strategies"><thead><tr><th>strategy</th><th class="n">assets</th><th class="n">share</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The savings report as one HTML page: summary figures, the chart of bytes per run, the table, the strategies. */
export function renderReportHtml(report: SavingsReport): string {
  const { runs, totals, excluded } = report;
  const chart = barChartSvg(
    runs.map((r, i) => ({ label: `#${i + 1}`, title: `run ${r.runId} (${r.startedAt})`, full: r.fullSyncBytes, moved: r.movedBytes })),
  );
  const left = `${excluded.dryRuns} dry-run(s), ${excluded.plans} plan(s) and ${excluded.rollbacks} rollback(s) left out`;
  const totalRun: ReportRun = { ...totals, runId: 'total', startedAt: '', finishedAt: '', mode: '', status: `${totals.runs - totals.unsuccessfulRuns}/${totals.runs} ok`, spaces: [] };
  const savedClass = totals.savedBytes >= 0 ? 'good' : 'bad';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>catalog-sync savings report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>catalog-sync savings report</h1>
<p class="muted">${runs.length} run(s)${runs.length > 0 ? `, ${escapeXml(runs[0]!.startedAt)} to ${escapeXml(runs[runs.length - 1]!.finishedAt)}` : ''}; ${escapeXml(left)}. Generated ${escapeXml(report.generatedAt)} from the recorded run history.</p>
<div class="cards">
  <div class="card"><span class="muted">saved against full runs</span><b class="${savedClass}">${escapeXml(formatBytes(totals.savedBytes))}</b><span class="${savedClass}">${totals.savingsPercent.toFixed(1)} %</span></div>
  <div class="card"><span class="muted">moved</span><b>${escapeXml(formatBytes(totals.movedBytes))}</b><span class="muted">full runs: ${escapeXml(formatBytes(totals.fullSyncBytes))}</span></div>
  <div class="card"><span class="muted">requests (source + target)</span><b>${totals.source.requests + totals.target.requests}</b><span class="muted">${totals.target.writes} writes</span></div>
  <div class="card"><span class="muted">run time</span><b>${escapeXml(formatDuration(totals.durationMs))}</b><span class="muted">${totals.failures} failure(s)</span></div>
</div>
<h2>Bytes per run: incremental against full</h2>
<div class="scroll">${chart}</div>
<div class="legend"><span><span class="swatch bar-full" style="background:var(--full)"></span>a --full run would move</span><span><span class="swatch" style="background:var(--moved)"></span>this run moved</span></div>
<h2>Runs</h2>
<div class="scroll"><table class="runs">
<thead><tr><th>run</th><th>started</th><th>mode</th><th>status</th><th class="n">assets</th><th class="n">new</th><th class="n">changed</th><th class="n">deleted</th><th class="n">full / delta / meta / del</th><th class="n">source: requests · sent · received</th><th class="n">target: requests · sent · received</th><th class="n">full run</th><th class="n">saved</th><th class="n">time</th><th class="n">failures</th></tr></thead>
<tbody>
${runs.map((r, i) => runRow(r, i)).join('\n')}
${runs.length > 0 ? runRow(totalRun, 'total') : '<tr><td colspan="15">No sync runs recorded in this selection.</td></tr>'}
</tbody></table></div>
<h2>By strategy</h2>
${strategyBreakdown(totals.strategies)}
</body>
</html>
`;
}
