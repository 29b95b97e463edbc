import type { RunSummary } from '../engine/run-summary.ts';
import type { Colours } from './colour.ts';

/**
 * What needs a person's attention after a run or plan, one line each: failures, a guard that stopped (or would
 * stop) the run, spaces whose listing was incomplete, drift, a fatal error. This is all `--quiet` prints.
 * `listed` names assets whose failure the action list already shows with its error.
 */
export function formatProblems(summary: RunSummary, colours: Colours, listed: ReadonlySet<string> = new Set()): string[] {
  const lines: string[] = [];
  if (summary.error) lines.push(colours.red(`  ERROR ${summary.error.code}: ${summary.error.message}`));
  if (summary.guard) {
    const text = summary.guard.wouldStop ? `sync would stop here: ${summary.guard.message}` : `stopped: ${summary.guard.message}`;
    lines.push(colours.red(`  GUARD ${text}`));
  } else {
    // A guard outcome reported as a run-wide warning.
    for (const w of summary.warnings) if (w.assetId === '*') lines.push(colours.red(`  GUARD ${w.message}`));
  }
  for (const s of summary.source.incompleteSpaces) lines.push(colours.yellow(`  INCOMPLETE ${s.space}: ${s.reason} (no deletions there)`));
  for (const d of summary.drift) lines.push(colours.yellow(`  DRIFT ${d.table}: version ${d.expectedVersion} → ${d.actualVersion}`));
  for (const f of summary.failed) if (!listed.has(f.assetId)) lines.push(colours.red(`  FAILED ${f.assetId}: ${f.error}`));
  return lines;
}
