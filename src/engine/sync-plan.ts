import type { AssetChange } from '../change/change-set.ts';
import type { Facet } from '../catalog/hashes.ts';
import type { TableRef, WriteStrategy } from '../catalog/target.ts';

export type PlannedAction =
  | {
      kind: 'write';
      change: AssetChange;
      strategy: WriteStrategy;
      ref: TableRef;
      /** The target does not hold the table yet. */
      create: boolean;
      facets: Facet[];
      /** The table changed in the target since our last write (conflict policy source-wins). */
      drifted: boolean;
      /** Why a write was planned where the change type alone would not need one. */
      reason?: string;
    }
  | {
      /**
       * The target already holds exactly this version: only the checkpoint is updated. A rerun after a crash (the
       * write happened, its entry was not saved), a rebuilt checkpoint, or an entry that lacks the table's version
       * (a create whose verification never ran): the version read now is recorded.
       */
      kind: 'record';
      change: AssetChange;
      ref: TableRef;
      version?: string;
      /** Size of the table as read (TargetTable.bytes), kept with the entry for the savings baseline. */
      tableBytes?: number;
    }
  | { kind: 'delete' | 'deprecate' | 'log-deletion'; change: AssetChange; ref: TableRef }
  | {
      /** The asset's table is already gone from the target: the checkpoint entry is dropped. */
      kind: 'forget';
      change: AssetChange;
      ref: TableRef;
    }
  | { kind: 'skip'; change: AssetChange; ref?: TableRef }
  | {
      /** Not applied, and the asset counts as failed: ownership or a naming collision forbids it. */
      kind: 'blocked';
      change: AssetChange;
      ref?: TableRef;
      reason: string;
    }
  | {
      /** Drift under the target-wins policy: reported, not written. */
      kind: 'conflict';
      change: AssetChange;
      ref: TableRef;
      reason: string;
    };

export interface DriftReport {
  assetId: string;
  ref: TableRef;
  expectedVersion: string;
  actualVersion: string;
}

export interface SyncPlan {
  mode: 'incremental' | 'full';
  actions: PlannedAction[];
  drift: DriftReport[];
  /** Tables this job owns in the spaces in scope, by its checkpoint: the base of the max-delete percentage. */
  ownedTables: number;
}

export interface StrategyCounts {
  full: number;
  delta: number;
  metadataOnly: number;
  deletion: number;
  skipped: number;
}

/** How many actions of the plan fall under each strategy, as the run summary reports them. */
export function countStrategies(actions: readonly PlannedAction[]): StrategyCounts {
  const counts: StrategyCounts = { full: 0, delta: 0, metadataOnly: 0, deletion: 0, skipped: 0 };
  for (const action of actions) {
    switch (action.kind) {
      case 'write':
        if (action.strategy === 'full') counts.full += 1;
        else if (action.strategy === 'delta') counts.delta += 1;
        else counts.metadataOnly += 1;
        break;
      case 'delete':
      case 'deprecate':
      case 'log-deletion':
        counts.deletion += 1;
        break;
      case 'skip':
      case 'record':
      case 'forget':
      case 'conflict':
        counts.skipped += 1;
        break;
      case 'blocked':
        break;
    }
  }
  return counts;
}
