import type { RunSummary } from '../engine/run-summary.ts';
import type { FieldChange } from '../catalog/target.ts';
import type { Colours } from './colour.ts';
import { noColours } from './colour.ts';
import { countActions, formatActionList, formatFieldChange } from './format-actions.ts';
import type { TagChange } from '../catalog/resource-tags.ts';
import { formatProblems } from './format-problems.ts';
import { plural } from '../catalog/plural.ts';

export interface OutputOptions {
  colours?: Colours;
  /** Only problems: failures, guard stops, incomplete spaces, drift. Nothing at all on a clean run. */
  quiet?: boolean;
}

/** Field changes shown under one table before the rest is only counted: a new 300-column table stays readable. */
export const MAX_DIFF_LINES = 15;

/** The problems of a run, one line each; the failures the action list shows are not repeated. */
export function problemsAfter(summary: RunSummary, colours: Colours, listedActions: boolean): string[] {
  const listed = new Set(listedActions ? (summary.actions ?? []).filter((a) => a.outcome === 'failed' && a.error).map((a) => a.assetId) : []);
  return formatProblems(summary, colours, listed);
}

/**
 * `plan` output: one line per table that would change, each with its field diff (`~ column id comment: "A" → "B"`),
 * the problems, and the counts. Empty under --quiet when there is no problem.
 */
export function formatPlan(summary: RunSummary, options: OutputOptions = {}): string {
  const colours = options.colours ?? noColours;
  if (options.quiet) return problemsAfter(summary, colours, false).join('\n');
  const actions = summary.actions ?? [];
  const lines = [colours.bold(`Plan (${summary.mode}): nothing was written`)];
  lines.push(...formatActionList(actions, { colours, maxDiffLines: MAX_DIFF_LINES }));
  lines.push(...formatTagChanges(summary, colours));
  lines.push(...formatDatabaseDescriptions(summary, colours));
  lines.push(...problemsAfter(summary, colours, true));
  const work = countActions(actions, 'planned');
  const unchanged = summary.changes.unchanged;
  const incomplete = incompleteSource(summary);
  if (incomplete) {
    // Never "no changes" over a source that could not be read whole: what it could not read is unknown, not unchanged.
    const read = work ? `Plan for what could be read: ${work}; ${unchanged} unchanged.` : `Nothing to change in what could be read (${plural(unchanged, 'table')} up to date).`;
    lines.push(colours.bold(read), colours.yellow(colours.bold(incomplete)));
  } else {
    lines.push(
      work
        ? colours.bold(`Plan: ${work}; ${unchanged} unchanged.`)
        : colours.bold(`No changes: ${plural(unchanged, 'table')} up to date.`),
    );
  }
  return lines.join('\n');
}

/**
 * The line that says the plan covers only part of the source (spaces not listed completely, assets that could not
 * be read, each named in the problems above), or undefined when the source was read whole.
 */
function incompleteSource(summary: RunSummary): string | undefined {
  const spaces = summary.source.incompleteSpaces.length;
  const assets = summary.failed.length;
  if (spaces === 0 && assets === 0) return undefined;
  const parts = [
    ...(spaces > 0 ? [`${plural(spaces, 'space')} not listed completely`] : []),
    ...(assets > 0 ? [`${plural(assets, 'asset')} not read or left as ${assets === 1 ? 'it is' : 'they are'}`] : []),
  ];
  return `Source incomplete: ${parts.join(', ')}; nothing is planned for them and nothing there is deleted.`;
}

/**
 * Every tag change of the run (LF-Tags), table by table and never cut short — tags grant access, so a plan shows
 * each one — after the tag definitions that must be made first. Nothing when the run has no tag change.
 */
export function formatTagChanges(summary: RunSummary, colours: Colours): string[] {
  const figures = summary.tags;
  if (!figures || (figures.changes === 0 && figures.definitions.length === 0)) return [];
  const removals = figures.removals > 0 ? `, ${plural(figures.removals, 'removal')} (counted by deletion.maxCount)` : '';
  const lines = [colours.bold(`${figures.label}: ${plural(figures.changes, 'change')}${removals}`)];
  for (const definition of figures.definitions) {
    const what = definition.create ? `create with ${definition.values.join(', ')}` : `add ${definition.values.join(', ')}`;
    lines.push(colours.green(`  + ${figures.label.replace(/s$/, '')} ${definition.key}: ${what}`));
  }
  for (const action of summary.actions ?? []) {
    if (!action.tags || action.tags.length === 0) continue;
    lines.push(`  ${action.table ?? action.assetId}`);
    for (const change of action.tags) lines.push(`      ${formatFieldChange(tagField(change), colours)}`);
  }
  return lines;
}

/**
 * The database Descriptions the run brought in step with their spaces' labels (a plan or dry run: would bring), one
 * line each. Nothing when there is none.
 */
export function formatDatabaseDescriptions(summary: RunSummary, colours: Colours): string[] {
  const changes = summary.databaseDescriptions ?? [];
  if (changes.length === 0) return [];
  const lines = [colours.bold(`Database Descriptions: ${plural(changes.length, 'change')} (the spaces' labels)`)];
  for (const change of changes) {
    const field: FieldChange = { path: `${change.database} Description`, kind: change.from === undefined ? 'added' : 'changed', ...(change.from !== undefined ? { before: change.from } : {}), after: change.to };
    lines.push(`  ${formatFieldChange(field, colours)}`);
  }
  return lines;
}

function tagField(change: TagChange): FieldChange {
  const where = change.resource === 'table' ? 'table' : `${change.resource} ${change.name}`;
  return {
    path: `${where} ${change.key}`,
    kind: change.kind,
    ...(change.before !== undefined ? { before: change.before } : {}),
    ...(change.after !== undefined ? { after: change.after } : {}),
  };
}
