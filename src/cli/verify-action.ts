import type { RunSummary } from '../engine/run-summary.ts';
import { runSync } from '../engine/run-sync.ts';
import { ExitCode } from './exit-codes.ts';
import type { ExitCodeValue } from './exit-codes.ts';
import { openRun } from './open-run.ts';
import { syncOptionsFromConfig } from './sync-options.ts';

export interface VerifyFlags {
  config: string;
  space: string[];
  json?: boolean;
  logLevel?: string;
}

/** One owned table that is not what the checkpoint says it should be. */
export interface DriftedTable {
  table: string;
  assetId: string;
  expectedVersion?: string;
  actualVersion?: string;
  /** The fields that differ from what we wrote (column comments, description, parameters…), as `plan` names them. */
  fields: string[];
}

export interface VerifyReport {
  inSync: boolean;
  spaces: string[];
  /** Tables read in the databases in scope, ours and others'. */
  tablesRead: number;
  /** Changed behind our back: their version moved on since our last write. */
  changed: DriftedTable[];
  /** In the checkpoint, gone from the target. */
  missing: string[];
  /** In the checkpoint, but the table now carries no marker or another job's. */
  takenOver: string[];
  /** Carrying this job's marker, with no checkpoint entry (and no asset in the source). */
  untracked: string[];
  /** Source changes the next sync would write (not drift; `plan` shows them). */
  pendingSourceChanges: number;
  traffic: RunSummary['traffic'];
}

/**
 * `catalog-sync verify`: the whole-catalog refresh of `sync --refresh` — every table in scope read and compared
 * with the checkpoint — planned but never applied (nothing is written, no lock is taken). Drift is reported under
 * source-wins whatever the configured policy, so that every changed table comes with the fields that differ.
 */
export async function verifyAction(flags: VerifyFlags): Promise<{ report: VerifyReport; exit: ExitCodeValue }> {
  const run = await openRun({ config: flags.config, ...(flags.logLevel ? { logLevel: flags.logLevel } : {}) }, { lock: false });
  try {
    const options = { ...syncOptionsFromConfig(run.config, { spaces: flags.space, planOnly: true, refresh: true }), conflictPolicy: 'source-wins' as const };
    const { summary } = await runSync(options, { source: run.source, target: run.target, checkpoints: run.checkpoints, logger: run.logger, signal: run.signal });
    const report = verifyReport(summary);
    return { report, exit: report.inSync ? ExitCode.ok : ExitCode.changesPending };
  } finally {
    await run.close();
  }
}

export function verifyReport(summary: RunSummary): VerifyReport {
  const findings = summary.refresh ?? { tables: 0, drifted: [], missing: [], takenOver: [], untracked: [] };
  const byTable = new Map(summary.actions.filter((a) => a.table !== undefined).map((a) => [a.table!, a]));
  const changed: DriftedTable[] = summary.drift.map((d) => ({
    table: d.table,
    assetId: d.assetId,
    expectedVersion: d.expectedVersion,
    actualVersion: d.actualVersion,
    fields: (byTable.get(d.table)?.diff ?? []).map((f) => f.path),
  }));
  const drifted = new Set(changed.map((c) => c.table));
  // A table of a known asset that the plan must create again is missing, whether or not the source changed too.
  const missing = new Set(findings.missing);
  for (const a of summary.actions) if (a.action === 'create' && a.change !== 'CREATED' && a.table) missing.add(a.table);
  const takenOver = new Set(findings.takenOver);
  for (const a of summary.actions) if (a.action === 'blocked' && a.table && a.change !== 'CREATED' && /owned by|not owned/.test(a.reason ?? '')) takenOver.add(a.table);
  const pendingSourceChanges = summary.actions.filter(
    (a) => a.table !== undefined && !drifted.has(a.table) && !missing.has(a.table) && !takenOver.has(a.table) && a.action !== 'blocked' && a.action !== 'conflict',
  ).length;
  const report: VerifyReport = {
    inSync: false,
    spaces: summary.source.spaces,
    tablesRead: findings.tables,
    changed,
    missing: [...missing].sort(),
    takenOver: [...takenOver].sort(),
    untracked: [...findings.untracked].sort(),
    pendingSourceChanges,
    traffic: summary.traffic,
  };
  report.inSync = report.changed.length + report.missing.length + report.takenOver.length + report.untracked.length === 0;
  return report;
}

export function formatVerify(r: VerifyReport): string {
  const lines = [`Verify: ${r.inSync ? 'in sync' : 'DRIFT FOUND'} — ${r.tablesRead} table(s) read in ${r.spaces.join(', ') || '(no space)'}; nothing was written`];
  for (const c of r.changed) {
    lines.push(`  ~ changed    ${c.table}  ${c.assetId}  version ${c.expectedVersion ?? '?'} → ${c.actualVersion ?? '?'}`);
    if (c.fields.length > 0) lines.push(`      fields: ${c.fields.join('; ')}`);
  }
  for (const t of r.missing) lines.push(`  - missing    ${t}`);
  for (const t of r.takenOver) lines.push(`  ! taken over ${t}  (no longer carries this job's marker: never touched)`);
  for (const t of r.untracked) lines.push(`  ? untracked  ${t}  (carries this job's marker, no checkpoint entry: \`checkpoints rebuild\` adopts it)`);
  if (r.pendingSourceChanges > 0) lines.push(`  (${r.pendingSourceChanges} source change(s) pending as well: see \`catalog-sync plan\`)`);
  if (!r.inSync) lines.push('  `catalog-sync sync --refresh` repairs changed and missing tables (conflicts.policy decides over changed ones).');
  return lines.join('\n');
}
