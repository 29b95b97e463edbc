import type { RunSummary } from '../engine/run-summary.ts';
import { noColours } from './colour.ts';
import { countActions, formatActionList } from './format-actions.ts';
import type { OutputOptions } from './format-plan.ts';
import { formatDatabaseDescriptions, formatTagChanges, MAX_DIFF_LINES, problemsAfter } from './format-plan.ts';
import { plural } from '../catalog/plural.ts';

/** Tables listed after a real sync; the rest are in `--json` and one log line each. A dry run lists them all. */
const MAX_LISTED = 100;

const TITLES: Record<string, string> = {
  ok: 'Sync complete',
  partial: 'Sync partial',
  stopped: 'Sync interrupted',
  'guard-stopped': 'Sync stopped by a safety guard',
  failed: 'Sync failed',
};

function kib(bytes: number): string {
  return bytes < 1024 ? plural(bytes, 'byte') : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** `1,005 in 35 tables (1 compared): 10 created, 5 deleted` — what happened to partitions, or would in a dry run. */
function partitionLine(p: NonNullable<RunSummary['partitions']>, dryRun: boolean): string {
  const counts = dryRun
    ? [`${p.planned.create} to create`, `${p.planned.update} to update`, `${p.planned.delete} to delete`]
    : [`${p.applied.created} created`, `${p.applied.updated} updated`, `${p.applied.deleted} deleted`, ...(p.applied.failed > 0 ? [`${p.applied.failed} failed`] : [])];
  return `${p.partitions.toLocaleString('en-US')} in ${plural(p.tables, 'table')} (${p.compared} compared): ${counts.join(', ')}`;
}

/** `3 changes (1 removal) on 2 tables, 3 applied` — what happened to tags, or would in a dry run. */
function tagLine(t: NonNullable<RunSummary['tags']>, dryRun: boolean): string {
  const removals = t.removals > 0 ? ` (${plural(t.removals, 'removal')})` : '';
  const done = dryRun ? '' : `, ${t.applied} applied`;
  const failed = t.failed > 0 ? `, ${plural(t.failed, 'table')} not read` : '';
  return `${plural(t.changes, 'change')}${removals} on ${plural(t.tables, 'table')} looked at${done}${failed}`;
}

/**
 * The human-readable run summary printed at the end of `sync`: what was done to each table (with the field diff
 * in a dry run), the problems, then the figures. Under --quiet only the problems, and nothing on a clean run.
 */
export function formatSummary(s: RunSummary, options: OutputOptions = {}): string {
  const colours = options.colours ?? noColours;
  if (options.quiet) return problemsAfter(s, colours, false).join('\n');
  const actions = s.actions ?? [];
  const lines: string[] = [];
  const title = s.dryRun ? 'Dry run (nothing written)' : (TITLES[s.status] ?? `Sync ${s.status}`);
  lines.push(colours.bold(`${title} — ${s.mode}, ${s.source.type} → ${s.target.type}, ${s.durationMs} ms`));
  lines.push(
    ...formatActionList(actions, {
      colours,
      ...(s.dryRun ? { maxDiffLines: MAX_DIFF_LINES } : { maxActions: MAX_LISTED }),
    }),
  );
  // A dry run shows every tag change, as `plan` does (tags grant access).
  if (s.dryRun) lines.push(...formatTagChanges(s, colours));
  lines.push(...formatDatabaseDescriptions(s, colours));
  lines.push(...problemsAfter(s, colours, true));
  lines.push(`  spaces:     ${s.source.spaces.join(', ') || '(none)'}`);
  const c = s.changes;
  lines.push(
    `  changes:    ${c.created} created, ${c.schemaChanged} schema changed, ${c.modified} modified, ${c.metadataChanged} metadata changed, ${c.deleted} deleted, ${c.unchanged} unchanged`,
  );
  const st = s.strategies;
  lines.push(`  strategies: ${st.full} full, ${st.delta} delta, ${st.metadataOnly} metadata-only, ${st.deletion} deletion, ${st.skipped} skipped`);
  const done = countActions(actions, s.dryRun ? 'planned' : 'done');
  if (done) lines.push(`  ${s.dryRun ? 'would do' : 'done'}:${s.dryRun ? '   ' : '       '}${done}`);
  if (s.partitions) lines.push(`  partitions: ${partitionLine(s.partitions, s.dryRun)}`);
  if (s.tags) lines.push(`  ${`${s.tags.label}:`.padEnd(11)} ${tagLine(s.tags, s.dryRun)}`);
  const t = s.traffic.target;
  lines.push(`  target:     ${plural(t.requests, 'request')}, ${plural(t.writes, 'write')}, ${kib(t.bytesSent)} sent, ${kib(t.bytesReceived)} received`);
  const src = s.traffic.source;
  lines.push(`  source:     ${plural(src.requests, 'request')}, ${kib(src.bytesReceived)} received`);
  if (s.traffic.target.refresh) {
    const r = s.traffic.target.refresh;
    const found = s.refresh;
    const findings = found
      ? `: ${found.drifted.length} changed behind our back, ${found.missing.length} missing, ${found.takenOver.length} taken over, ${found.untracked.length} untracked`
      : '';
    lines.push(`  refresh:    ${plural(found?.tables ?? 0, 'table')} read, ${plural(r.requests, 'request')}, ${kib(r.bytesSent + r.bytesReceived)}${findings}`);
  }
  if (s.reads?.how === 'bulk') {
    lines.push(`  reads:      ${plural(s.reads.tables, 'table')} (${Math.round(s.reads.share * 100)} % of the assets, over sync.fullSyncThreshold ${s.reads.threshold}): read as one listing per database`);
  }
  // Both ways, source and target, against what a --full run on the same catalog would move.
  const moved = s.totalBytes === undefined ? '' : `, this run ${kib(s.totalBytes)}`;
  lines.push(`  savings:    ${s.savingsPercent} % of ${kib(s.fullSyncBytes)} a full sync would move${moved}`);
  if (!s.dryRun) {
    const { matched, checked, readBack } = s.verified;
    const read = readBack === undefined ? '' : ` (${readBack} read back)`;
    lines.push(`  verified:   ${matched}/${plural(checked, 'written table')} ${checked === 1 ? 'matches' : 'match'}${read}`);
  }
  const shown = s.warnings.filter((w) => w.assetId !== '*').slice(0, 20);
  for (const w of shown) lines.push(colours.yellow(`  warning     ${w.assetId}: ${w.message}`));
  const more = s.warnings.filter((w) => w.assetId !== '*').length - shown.length;
  if (more > 0) lines.push(`  … and ${plural(more, 'more warning')} (see --json)`);
  return lines.join('\n');
}
