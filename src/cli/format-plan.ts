import type { RunSummary } from '../engine/run-summary.ts';
import type { PlannedAction, SyncPlan } from '../engine/sync-plan.ts';

function describeAction(a: PlannedAction): string {
  const table = 'ref' in a && a.ref ? `${a.ref.database}.${a.ref.table}` : '';
  switch (a.kind) {
    case 'write':
      return `${a.create ? 'create' : a.strategy} ${table}${a.reason ? ` (${a.reason})` : ''}`;
    case 'record':
      return `record ${table} (target already up to date)`;
    case 'blocked':
    case 'conflict':
      return `${a.kind}: ${a.reason}`;
    default:
      return `${a.kind} ${table}`;
  }
}

/** `plan` output: one line per asset that would change, then the counts. */
export function formatPlan(plan: SyncPlan, summary: RunSummary): string {
  const lines = [`Plan (${plan.mode}) — nothing was written`];
  for (const a of plan.actions) {
    if (a.kind === 'skip') continue;
    lines.push(`  ${a.change.type.padEnd(16)} ${a.change.assetId.padEnd(40)} ${describeAction(a)}`);
  }
  const st = summary.strategies;
  lines.push(`  ${st.full} full, ${st.delta} delta, ${st.metadataOnly} metadata-only, ${st.deletion} deletion, ${st.skipped} unchanged`);
  for (const f of summary.failed) lines.push(`  FAILED ${f.assetId}: ${f.error}`);
  for (const w of summary.warnings.filter((x) => x.assetId === '*')) lines.push(`  GUARD ${w.message}`);
  for (const s of summary.source.incompleteSpaces) lines.push(`  INCOMPLETE ${s.space}: ${s.reason}`);
  return lines.join('\n');
}
