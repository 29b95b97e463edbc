import type { Asset } from '../catalog/asset.ts';
import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import { refKey } from '../catalog/ref-key.ts';
import type { DatabaseHint, TableRef } from '../catalog/target.ts';
import type { ChangeSet } from '../change/change-set.ts';
import { plannedRef } from './plan-sync.ts';

export interface ReadSelection {
  mode: 'incremental' | 'full';
  resolve: (asset: Asset) => TableRef;
  /** The target versions its tables (Target.versioned): an entry without a version is repaired by a read. */
  versioned: boolean;
}

/**
 * The tables an incremental run reads from the target before planning: exactly those its plan may write, deprecate
 * or delete — every change but UNCHANGED — to merge onto, to check ownership, and to recognise a write that
 * already happened (a rerun after a crash). Unchanged assets are not read, so an unchanged run reads nothing; the
 * one exception is an entry that never learnt its table's version (a create whose verification did not run): its
 * table is read so the version can be recorded, or the table recreated if it is gone. A `--full` run writes every
 * asset, so it reads every table. Each table once, in the order of the changes.
 */
export function tablesToRead(changeSet: ChangeSet, selection: ReadSelection): TableRef[] {
  const out = new Map<string, TableRef>();
  for (const change of changeSet.changes) {
    const unversioned = selection.versioned && change.previous !== undefined && change.previous.target.version === undefined;
    if (change.type === 'UNCHANGED' && selection.mode === 'incremental' && !unversioned) continue;
    const ref = plannedRef(change, selection.resolve);
    out.set(refKey(ref), ref);
  }
  return [...out.values()];
}

/**
 * What the checkpoint says about each database: how many of our tables it holds and about how many bytes they take
 * (the sizes recorded with the entries; entries without one count at the average of those with one). The target
 * weighs single reads against a listing with it.
 */
export function databaseHints(entries: readonly CheckpointEntry[]): Map<string, DatabaseHint> {
  const totals = new Map<string, { tables: number; sized: number; bytes: number }>();
  for (const entry of entries) {
    const t = totals.get(entry.target.database) ?? { tables: 0, sized: 0, bytes: 0 };
    t.tables += 1;
    if (entry.tableBytes !== undefined) {
      t.sized += 1;
      t.bytes += entry.tableBytes;
    }
    totals.set(entry.target.database, t);
  }
  const hints = new Map<string, DatabaseHint>();
  for (const [database, t] of totals) {
    hints.set(database, t.sized > 0 ? { tables: t.tables, bytes: Math.round((t.bytes / t.sized) * t.tables) } : { tables: t.tables });
  }
  return hints;
}
