import type { RunSummary } from '../engine/run-summary.ts';

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** The human-readable run summary printed at the end of `sync`. */
export function formatSummary(s: RunSummary): string {
  const lines: string[] = [];
  const title = s.dryRun ? 'Dry run (nothing written)' : `Sync ${s.status === 'ok' ? 'complete' : s.status}`;
  lines.push(`${title} — ${s.mode}, ${s.source.type} → ${s.target.type}, ${s.durationMs} ms`);
  lines.push(`  spaces:     ${s.source.spaces.join(', ') || '(none)'}`);
  const c = s.changes;
  lines.push(
    `  changes:    ${c.created} created, ${c.schemaChanged} schema changed, ${c.modified} modified, ${c.metadataChanged} metadata changed, ${c.deleted} deleted, ${c.unchanged} unchanged`,
  );
  const st = s.strategies;
  lines.push(`  strategies: ${st.full} full, ${st.delta} delta, ${st.metadataOnly} metadata-only, ${st.deletion} deletion, ${st.skipped} skipped`);
  const t = s.traffic.target;
  lines.push(`  target:     ${t.requests} requests, ${t.writes} writes, ${kib(t.bytesSent)} sent, ${kib(t.bytesReceived)} received`);
  const src = s.traffic.source;
  lines.push(`  source:     ${src.requests} requests, ${kib(src.bytesReceived)} received`);
  lines.push(`  savings:    ${s.savingsPercent} % of ${kib(s.fullSyncBytes)} a full sync would send`);
  if (!s.dryRun) lines.push(`  verified:   ${s.verified.matched}/${s.verified.checked} written tables match`);
  for (const space of s.source.incompleteSpaces) lines.push(`  INCOMPLETE  ${space.space}: ${space.reason} (no deletions there)`);
  for (const d of s.drift) lines.push(`  DRIFT       ${d.table}: version ${d.expectedVersion} → ${d.actualVersion}`);
  for (const f of s.failed) lines.push(`  FAILED      ${f.assetId}: ${f.error}`);
  const shown = s.warnings.slice(0, 20);
  for (const w of shown) lines.push(`  warning     ${w.assetId}: ${w.message}`);
  if (s.warnings.length > shown.length) lines.push(`  … and ${s.warnings.length - shown.length} more warnings (see --json)`);
  return lines.join('\n');
}
