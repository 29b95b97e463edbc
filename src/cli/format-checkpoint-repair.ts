import { plural } from '../catalog/plural.ts';
import type { DiffReport, DiffSummary, ForgetReport, PruneReport, RebuildReport } from './checkpoint-repair.ts';
import type { ReplaceResult } from '../state/replace-checkpoint.ts';

function diffLines(diff: DiffSummary): string[] {
  const lines: string[] = [];
  for (const id of diff.added) lines.push(`  + ${id}`);
  for (const id of diff.removed) lines.push(`  - ${id}`);
  for (const c of diff.changed) {
    const what = [c.hashes.length > 0 ? `hashes moved: ${c.hashes.join(', ')}` : '', c.fields.length > 0 ? `fields: ${c.fields.join(', ')}` : ''].filter(Boolean);
    lines.push(`  ~ ${c.assetId}  ${what.join('; ')}`);
  }
  lines.push(`  ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged} unchanged`);
  return lines;
}

function savedLines(written: ReplaceResult | undefined): string[] {
  if (!written) return [];
  const lines: string[] = [];
  if (written.backup) lines.push(`  the previous file was backed up as ${written.backup}`);
  if (written.corruptAside) lines.push(`  the damaged file was kept as ${written.corruptAside}`);
  return lines;
}

export function formatRebuild(r: RebuildReport): string {
  const verb = r.dryRun ? 'would rebuild' : 'rebuilt';
  const lines = [
    `${verb} ${r.file}: ${plural(r.entries, 'entry', 'entries')} from ${plural(r.ownedTables, 'owned table')} in ${r.databases.join(', ') || '(no database)'}`,
  ];
  for (const s of r.skipped) lines.push(`  skipped ${s.table}: ${s.reason}`);
  for (const d of r.duplicates) lines.push(`  skipped ${d.assetId}: claimed by ${d.tables.join(', ')}`);
  lines.push(r.comparedWith === 'nothing' ? '  compared with: nothing (no readable checkpoint or backup)' : `  compared with the ${r.comparedWith === 'backup' ? 'newest valid backup' : 'checkpoint as it was'}:`);
  if (r.comparedWith !== 'nothing') lines.push(...diffLines(r.diff));
  lines.push(...savedLines(r.written));
  if (r.dryRun) lines.push('  dry run: nothing was changed');
  return lines.join('\n');
}

export function formatForget(r: ForgetReport): string {
  const e = r.forgotten;
  const lines = [
    `${r.dryRun ? 'would forget' : 'forgot'} ${e.assetId} (table ${e.target.database}.${e.target.table}${e.target.version !== undefined ? `, version ${e.target.version}` : ''}, synced ${e.lastSyncAt}); the next run treats it as new`,
    ...savedLines(r.written),
  ];
  if (r.dryRun) lines.push('  dry run: nothing was changed');
  return lines.join('\n');
}

export function formatPrune(r: PruneReport): string {
  const lines = [`${r.dryRun ? 'would delete' : 'deleted'} ${plural(r.deleted.length, 'backup')} in ${r.backupDir}; ${r.kept} kept`];
  if (r.backup) lines.push(`  backed up the current file first: ${r.backup}`);
  for (const file of r.deleted) lines.push(`  - ${file}`);
  if (r.dryRun) lines.push('  dry run: nothing was changed');
  return lines.join('\n');
}

export function formatDiff(r: DiffReport): string {
  return [`${r.a} → ${r.b}`, ...diffLines(r.diff)].join('\n');
}
