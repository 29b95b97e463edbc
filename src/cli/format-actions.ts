import type { FieldChange } from '../catalog/target.ts';
import type { RunAction } from '../engine/run-summary.ts';
import type { Colours } from './colour.ts';
import { plural } from '../catalog/plural.ts';

export interface ActionListOptions {
  colours: Colours;
  /** Field diffs shown per table; the rest is counted ("… 12 more changes"). */
  maxDiffLines?: number;
  /** Tables listed; the rest is counted. Unlimited when not set. */
  maxActions?: number;
}

type Tone = 'green' | 'yellow' | 'red' | 'dim';

/** How each action reads before (plan, dry-run) and after (sync) it happened, with its mark and colour. */
const VERBS: Record<RunAction['action'], { planned: string; done: string; mark: string; tone: Tone }> = {
  create: { planned: 'create', done: 'created', mark: '+', tone: 'green' },
  update: { planned: 'update', done: 'updated', mark: '~', tone: 'yellow' },
  deprecate: { planned: 'deprecate', done: 'deprecated', mark: '~', tone: 'yellow' },
  delete: { planned: 'delete', done: 'deleted', mark: '-', tone: 'red' },
  'log-deletion': { planned: 'keep', done: 'kept', mark: '=', tone: 'dim' },
  record: { planned: 'record', done: 'recorded', mark: '=', tone: 'dim' },
  forget: { planned: 'forget', done: 'forgot', mark: '-', tone: 'dim' },
  blocked: { planned: 'blocked', done: 'blocked', mark: '!', tone: 'red' },
  conflict: { planned: 'conflict', done: 'conflict', mark: '!', tone: 'yellow' },
};

const MARKS: Record<FieldChange['kind'], { mark: string; tone: Tone }> = {
  added: { mark: '+', tone: 'green' },
  removed: { mark: '-', tone: 'red' },
  changed: { mark: '~', tone: 'yellow' },
};

/** Longest table or asset id that still sets the column width; longer ones just push their own line. */
const MAX_WIDTH = 40;

function verbOf(a: RunAction): { verb: string; mark: string; tone: Tone } {
  const v = VERBS[a.action];
  switch (a.outcome) {
    case 'planned':
      return { verb: v.planned, mark: v.mark, tone: v.tone };
    case 'done':
      return { verb: v.done, mark: v.mark, tone: v.tone };
    case 'failed':
      return a.action === 'blocked' ? { verb: 'blocked', mark: '!', tone: 'red' } : { verb: 'failed', mark: '!', tone: 'red' };
    case 'not-started':
      return { verb: 'not started', mark: '·', tone: 'dim' };
    default:
      return { verb: a.action === 'conflict' ? 'conflict' : 'skipped', mark: '!', tone: 'yellow' };
  }
}

/** `full`, `metadata-only (metadata)`, `update failed: …`: what was done and why it did not work out. */
function detailOf(a: RunAction): string {
  const parts: string[] = [];
  if (a.strategy && a.strategy !== 'deletion') {
    // A full write covers every facet, so naming them says nothing; a partial write names what it covers.
    parts.push(a.facets.length > 0 && a.strategy !== 'full' ? `${a.strategy} (${a.facets.join(', ')})` : a.strategy);
  }
  if ((a.outcome === 'failed' || a.outcome === 'not-started') && a.action !== 'blocked') parts.unshift(a.action);
  let detail = parts.join(' ');
  if (a.reason) detail += detail ? ` — ${a.reason}` : a.reason;
  if (a.error) detail += `: ${a.error}`;
  return detail;
}

export function formatFieldChange(change: FieldChange, colours: Colours): string {
  const { mark, tone } = MARKS[change.kind];
  const value =
    change.kind === 'added' ? `: ${change.after ?? ''}` : change.kind === 'removed' ? `: ${change.before ?? ''}` : `: ${change.before ?? ''} → ${change.after ?? ''}`;
  return colours[tone](`${mark} ${change.path}${value}`);
}

const pad = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));

/**
 * One line per table action, aligned like a table (`+ create  ds_sales.orders  CREATED  SALES/Orders  full`), each
 * followed by its field diff where the action carries one.
 */
export function formatActionList(actions: readonly RunAction[], options: ActionListOptions): string[] {
  const { colours } = options;
  const shown = options.maxActions !== undefined ? actions.slice(0, options.maxActions) : actions;
  const verbs = shown.map(verbOf);
  const width = (values: string[]) => Math.min(MAX_WIDTH, Math.max(0, ...values.map((v) => v.length)));
  const verbWidth = width(verbs.map((v) => v.verb));
  const tableWidth = width(shown.map((a) => a.table ?? '-'));
  const changeWidth = width(shown.map((a) => a.change));
  const assetWidth = width(shown.map((a) => a.assetId));
  const maxDiff = options.maxDiffLines ?? Number.POSITIVE_INFINITY;

  const lines: string[] = [];
  shown.forEach((a, i) => {
    const v = verbs[i]!;
    const head = colours[v.tone](`${v.mark} ${pad(v.verb, verbWidth)}`);
    const columns = [pad(a.table ?? '-', tableWidth), pad(a.change, changeWidth), pad(a.assetId, assetWidth), detailOf(a)];
    lines.push(`  ${head}  ${columns.join('  ')}`.trimEnd());
    const diff = a.diff ?? [];
    for (const change of diff.slice(0, maxDiff)) lines.push(`      ${formatFieldChange(change, colours)}`);
    if (diff.length > maxDiff) lines.push(colours.dim(`      … ${plural(diff.length - maxDiff, 'more change')} (see --json)`));
  });
  if (shown.length < actions.length) {
    lines.push(colours.dim(`  … ${plural(actions.length - shown.length, 'more table')} (see --json or the log)`));
  }
  return lines;
}

/** How many actions of each kind, e.g. `1 table to create, 2 to update` (plan) or `1 table created` (sync). */
export function countActions(actions: readonly RunAction[], tense: 'planned' | 'done'): string {
  const counts = new Map<string, number>();
  for (const a of actions) {
    if (tense === 'planned' ? a.outcome !== 'planned' : a.outcome !== 'done') continue;
    // Blocked assets and conflicts are problems, listed as such; they are not work the run does.
    if (a.action === 'blocked' || a.action === 'conflict') continue;
    const verb = tense === 'planned' ? `to ${VERBS[a.action].planned}` : VERBS[a.action].done;
    counts.set(verb, (counts.get(verb) ?? 0) + 1);
  }
  return [...counts].map(([verb, n], i) => (i === 0 ? `${plural(n, 'table')} ${verb}` : `${n} ${verb}`)).join(', ');
}
