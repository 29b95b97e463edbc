import { boundText } from '../catalog/bounded-text.ts';
import { refKey } from '../catalog/ref-key.ts';
import type { TagChange } from '../catalog/resource-tags.ts';
import type { FieldChange } from '../catalog/target.ts';
import type { ApplyResult } from './apply-plan.ts';
import type { RunAction } from './run-summary.ts';
import type { PlannedAction } from './sync-plan.ts';

export interface ActionOutcomes {
  applied: ApplyResult;
  /** Plan or dry-run: nothing was meant to be written. */
  dryRun: boolean;
  previews?: ReadonlyMap<string, FieldChange[]>;
  /** Tag changes by asset id (engine/plan-tags.ts). */
  tags?: ReadonlyMap<string, TagChange[]>;
}

/** One line per table the run touched (or would touch): what, how, and whether the target confirmed it. */
export function runActions(actions: readonly PlannedAction[], outcomes: ActionOutcomes): RunAction[] {
  const out: RunAction[] = [];
  for (const planned of actions) {
    if (planned.kind === 'skip') continue;
    const { change } = planned;
    const action: RunAction = {
      assetId: boundText(change.assetId),
      ...(planned.ref ? { table: refKey(planned.ref) } : {}),
      change: change.type,
      action: actionOf(planned),
      facets: planned.kind === 'write' ? planned.facets : change.facets,
      outcome: outcomeOf(planned, outcomes),
    };
    const strategy = strategyOf(planned);
    if (strategy) action.strategy = strategy;
    const result = outcomes.applied.outcomes.get(change.assetId);
    if (result?.error !== undefined) action.error = boundText(result.error);
    if ((planned.kind === 'write' && planned.reason) || planned.kind === 'blocked' || planned.kind === 'conflict') {
      action.reason = planned.reason as string;
    }
    const diff = outcomes.previews?.get(change.assetId);
    if (diff) action.diff = diff;
    const tags = outcomes.tags?.get(change.assetId);
    if (tags) action.tags = tags;
    out.push(action);
  }
  return out;
}

function actionOf(planned: Exclude<PlannedAction, { kind: 'skip' }>): RunAction['action'] {
  if (planned.kind === 'write') return planned.create ? 'create' : 'update';
  return planned.kind;
}

function strategyOf(planned: PlannedAction): RunAction['strategy'] | undefined {
  if (planned.kind === 'write') return planned.strategy;
  if (planned.kind === 'delete' || planned.kind === 'deprecate' || planned.kind === 'log-deletion') return 'deletion';
  return undefined;
}

function outcomeOf(planned: PlannedAction, { applied, dryRun }: ActionOutcomes): RunAction['outcome'] {
  if (planned.kind === 'blocked') return 'failed';
  if (planned.kind === 'conflict') return 'skipped';
  const result = applied.outcomes.get(planned.change.assetId);
  if (result) return result.outcome;
  return dryRun ? 'planned' : 'not-started';
}

/** What the target confirmed, by kind of action: a failed or unstarted action is never counted as done. */
export function countApplied(actions: readonly RunAction[]): { created: number; updated: number; deprecated: number; deleted: number; recorded: number; failed: number } {
  const counts = { created: 0, updated: 0, deprecated: 0, deleted: 0, recorded: 0, failed: 0 };
  for (const a of actions) {
    if (a.outcome === 'failed') counts.failed += 1;
    if (a.outcome !== 'done') continue;
    if (a.action === 'create') counts.created += 1;
    else if (a.action === 'update') counts.updated += 1;
    else if (a.action === 'deprecate') counts.deprecated += 1;
    else if (a.action === 'delete') counts.deleted += 1;
    else if (a.action === 'record') counts.recorded += 1;
  }
  return counts;
}
