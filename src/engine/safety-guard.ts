import type { PlannedAction, SyncPlan } from './sync-plan.ts';
import { plural } from '../catalog/plural.ts';
import { GuardError } from './engine-errors.ts';

export interface GuardOptions {
  dryRun: boolean;
  force: boolean;
  maxDeleteCount: number;
  maxDeletePercent: number;
}

export interface GuardInput {
  plan: SyncPlan;
  /** Spaces whose complete listing came back empty while the checkpoint knows assets there. */
  emptySpaces: readonly string[];
  /** Partitions the run would delete (engine/plan-partitions.ts): max-delete counts them with the tables. */
  partitionDeletions?: number;
  /**
   * Tags the run would take off databases, tables and columns (engine/plan-tags.ts): tags such as Lake Formation's
   * grant access, so max-delete counts their removals with the tables.
   */
  tagRemovals?: number;
}

const DESTRUCTIVE: ReadonlySet<PlannedAction['kind']> = new Set(['delete', 'deprecate']);

/**
 * The one gate every change to the target passes. Before anything is applied, `check` measures the
 * whole plan's destructive part against the limits and stops the run (GuardError) before a single
 * deletion; during apply, `permits` is asked for every write and deletion, which is how dry-run is
 * enforced in exactly one place. Ownership is decided by the planner and re-checked by the targets.
 */
export class SafetyGuard {
  private prevented = 0;

  constructor(private readonly options: GuardOptions) {}

  get dryRun(): boolean {
    return this.options.dryRun;
  }

  /** Actions a dry-run held back: a dry-run still counts what it would have done. */
  get heldBack(): number {
    return this.prevented;
  }

  check({ plan, emptySpaces, partitionDeletions = 0, tagRemovals = 0 }: GuardInput): void {
    const destructive = plan.actions.filter((a) => DESTRUCTIVE.has(a.kind)).length;
    this.checkDeletions(destructive, plan.ownedTables, emptySpaces);
    if (this.options.force || partitionDeletions + tagRemovals === 0) return;
    if (destructive + partitionDeletions + tagRemovals > this.options.maxDeleteCount) {
      const parts = [plural(destructive, 'table')];
      if (partitionDeletions > 0) parts.push(plural(partitionDeletions, 'partition'));
      if (tagRemovals > 0) parts.push(plural(tagRemovals, 'tag removal'));
      throw new GuardError(
        `the plan deletes ${parts.join(' and ')}, more than deletion.maxCount (${this.options.maxDeleteCount}); nothing was deleted (use --force to override)`,
        { deletions: destructive, partitionDeletions, ...(tagRemovals > 0 ? { tagRemovals } : {}), maxCount: this.options.maxDeleteCount },
      );
    }
  }

  /**
   * The same limits for destructive steps counted elsewhere (a rollback deleting the tables a run created): GuardError
   * when `destructive` of `ownedTables` is over max-delete count or percent, unless forced.
   */
  checkDeletions(destructive: number, ownedTables: number, emptySpaces: readonly string[] = []): void {
    if (this.options.force) return;
    const plan = { ownedTables };
    if (emptySpaces.length > 0 && destructive > 0) {
      throw new GuardError(
        `the source listed no assets in ${emptySpaces.join(', ')} where the checkpoint has some; ` +
          'refusing to delete their tables (rerun with --force if the space really is empty)',
        { emptySpaces: [...emptySpaces], deletions: destructive },
      );
    }
    if (destructive > this.options.maxDeleteCount) {
      throw new GuardError(
        `the plan deletes ${destructive} ${destructive === 1 ? 'table' : 'tables'}, more than deletion.maxCount (${this.options.maxDeleteCount}); nothing was deleted (use --force to override)`,
        { deletions: destructive, maxCount: this.options.maxDeleteCount },
      );
    }
    const percent = plan.ownedTables > 0 ? (destructive / plan.ownedTables) * 100 : 0;
    if (destructive > 0 && percent > this.options.maxDeletePercent) {
      throw new GuardError(
        `the plan deletes ${destructive} of ${plan.ownedTables} owned tables (${percent.toFixed(1)} %), more than deletion.maxPercent (${this.options.maxDeletePercent} %); nothing was deleted (use --force to override)`,
        { deletions: destructive, ownedTables: plan.ownedTables, percent, maxPercent: this.options.maxDeletePercent },
      );
    }
  }

  /** Whether `count` partition changes of one table may go out now. False in a dry-run, where they are counted. */
  permitsPartitions(count: number): boolean {
    if (this.options.dryRun) {
      this.prevented += count;
      return false;
    }
    return true;
  }

  /** Whether an action may touch the target now. False in a dry-run, where it is counted instead. */
  permits(action: PlannedAction): boolean {
    if (action.kind === 'blocked' || action.kind === 'conflict' || action.kind === 'skip') return false;
    if (this.options.dryRun) {
      this.prevented += 1;
      return false;
    }
    return true;
  }
}
