import pLimit from 'p-limit';
import { messageOf } from '../catalog/message-of.ts';
import type { TagChange, TagDefinitionChange, TagRequest, TargetTagging } from '../catalog/resource-tags.ts';
import { targetTagging } from '../catalog/resource-tags.ts';
import type { Target } from '../catalog/target.ts';
import type { EngineLogger } from './engine-logger.ts';
import type { TagFigures } from './run-summary.ts';
import type { PlannedAction, SyncPlan } from './sync-plan.ts';

/** The tag work of a run: planned before the guard, applied with each table's write. */
export interface TagPlan {
  tagging: TargetTagging;
  /** By asset id, the tables whose tags this run handles. */
  requests: Map<string, TagRequest>;
  /** By asset id, the changes planned for each table that has any (its database's included). */
  changes: Map<string, TagChange[]>;
  /** By asset id, tables whose tags could not be read: their write is not made, so a table never runs ahead of its tags. */
  failed: Map<string, string>;
  /** Tag keys to create and allowed values to add first. */
  definitions: TagDefinitionChange[];
  /** Changes across all tables, and how many of them take a tag off: counted by the max-delete guard. */
  total: number;
  removals: number;
  /** Changes the target confirmed so far. */
  applied: number;
}

export interface TagPlanDeps {
  target: Target;
  mode: 'incremental' | 'full';
  concurrency: number;
  logger: EngineLogger;
  signal?: AbortSignal;
}

type TaggedAction = Extract<PlannedAction, { kind: 'write' | 'record' }>;

/**
 * The tables whose tags a run handles: those it writes, and those it records after a write an earlier run made
 * without confirming it (its tags may not have followed). An unchanged table's tags are not looked at — an
 * unchanged run makes no tag call at all — unless `sync --full` writes it.
 */
function taggedActions(plan: SyncPlan): TaggedAction[] {
  return plan.actions.filter(
    (a): a is TaggedAction => (a.kind === 'write' || (a.kind === 'record' && a.change.type !== 'UNCHANGED')) && a.change.asset !== undefined,
  );
}

/**
 * Asks the target what each such table's tags need (engine/safety-guard.ts counts the removals, `plan` shows every
 * change), and which tag definitions must be made first. Undefined where the target has no tagging (LF-Tags off).
 */
export async function planTags(plan: SyncPlan, deps: TagPlanDeps): Promise<TagPlan | undefined> {
  const tagging = targetTagging(deps.target);
  if (!tagging) return undefined;
  const out: TagPlan = { tagging, requests: new Map(), changes: new Map(), failed: new Map(), definitions: [], total: 0, removals: 0, applied: 0 };
  const limit = pLimit(Math.max(1, deps.concurrency));
  await Promise.all(
    taggedActions(plan).map((action) =>
      limit(async () => {
        if (deps.signal?.aborted) return;
        const { change } = action;
        const request: TagRequest = {
          asset: change.asset!,
          ref: action.ref,
          ...(change.previous ? { confirmed: change.previous.hashes } : {}),
          force: deps.mode === 'full',
        };
        out.requests.set(change.assetId, request);
        try {
          const changes = await tagging.plan(request);
          if (changes.length > 0) out.changes.set(change.assetId, changes);
        } catch (error) {
          out.failed.set(change.assetId, `${tagging.label}: ${messageOf(error)}`);
          deps.logger.error({ assetId: change.assetId, err: messageOf(error) }, `could not read the table's ${tagging.label}; it is not written`);
        }
      }),
    ),
  );
  const all = [...out.changes.values()].flat();
  out.total = all.length;
  out.removals = all.filter((c) => c.kind === 'removed').length;
  if (all.length > 0) {
    try {
      out.definitions = await tagging.definitions(all);
    } catch (error) {
      // Shown only: each table defines what it needs when its tags are applied, and fails there if it cannot.
      deps.logger.warn({ err: messageOf(error) }, `could not read the ${tagging.label} definitions; the plan shows no definition changes`);
    }
  }
  return out;
}

/** Throws the reason a table's tags could not be read: its write is not made. */
export function assertTagsRead(plan: TagPlan, assetId: string): void {
  const failed = plan.failed.get(assetId);
  if (failed !== undefined) throw new Error(failed);
}

/** Applies one table's planned tag changes (none planned: no call); counts them into `plan.applied`. */
export async function applyTags(plan: TagPlan, assetId: string): Promise<void> {
  assertTagsRead(plan, assetId);
  const request = plan.requests.get(assetId);
  if (request === undefined || !plan.changes.has(assetId)) return;
  const applied = await plan.tagging.apply(request);
  plan.applied += applied;
}

/** The run summary's tag figures. */
export function tagFigures(plan: TagPlan): TagFigures {
  return {
    label: plan.tagging.label,
    tables: plan.requests.size,
    changes: plan.total,
    removals: plan.removals,
    applied: plan.applied,
    failed: plan.failed.size,
    definitions: plan.definitions,
  };
}
