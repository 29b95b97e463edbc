import { describe, expect, it } from 'vitest';
import { GuardError } from '../../src/engine/engine-errors.ts';
import { SafetyGuard } from '../../src/engine/safety-guard.ts';
import type { PlannedAction, SyncPlan } from '../../src/engine/sync-plan.ts';

function plan(deletes: number, owned: number): SyncPlan {
  const actions = Array.from({ length: deletes }, (_, i) => ({
    kind: 'delete',
    change: { assetId: `S/${i}` },
    ref: { database: 'd', table: `t${i}` },
  })) as unknown as PlannedAction[];
  return { mode: 'incremental', actions, drift: [], ownedTables: owned };
}

const limits = { dryRun: false, force: false, maxDeleteCount: 10, maxDeletePercent: 20 };

describe('SafetyGuard', () => {
  it('passes a plan within both limits', () => {
    expect(() => new SafetyGuard(limits).check({ plan: plan(2, 100), emptySpaces: [] })).not.toThrow();
  });

  it('stops a plan over the count limit', () => {
    expect(() => new SafetyGuard(limits).check({ plan: plan(11, 1000), emptySpaces: [] })).toThrow(GuardError);
  });

  it('stops a plan over the percent limit', () => {
    expect(() => new SafetyGuard(limits).check({ plan: plan(3, 10), emptySpaces: [] })).toThrow(/30.0 %/);
  });

  it('stops deletions caused by a space that suddenly lists nothing', () => {
    expect(() => new SafetyGuard(limits).check({ plan: plan(1, 100), emptySpaces: ['SALES'] })).toThrow(/SALES/);
  });

  it('lets --force override every limit', () => {
    expect(() => new SafetyGuard({ ...limits, force: true }).check({ plan: plan(50, 50), emptySpaces: ['X'] })).not.toThrow();
  });

  it('holds back and counts every action in a dry-run', () => {
    const guard = new SafetyGuard({ ...limits, dryRun: true });
    const p = plan(3, 100);
    expect(p.actions.map((a) => guard.permits(a))).toEqual([false, false, false]);
    expect(guard.heldBack).toBe(3);
    const live = new SafetyGuard(limits);
    expect(live.permits(p.actions[0]!)).toBe(true);
  });
});
