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
  /**
   * Updates may go out unread (WriteRequest.selfContained): a real run under conflicts.policy source-wins. A
   * plan or dry-run reads to show each write's diff; target-wins and fail must see drift before anything is
   * written, which only a read shows.
   */
  writeUnread: boolean;
}

const UPDATES: ReadonlySet<string> = new Set(['SCHEMA_CHANGED', 'MODIFIED', 'METADATA_CHANGED']);

/**
 * The tables an incremental run reads from the target before planning: those its plan may write, deprecate or
 * delete — every change but UNCHANGED — to merge onto, to check ownership, and to recognise a write that already
 * happened (a rerun after a crash). Unchanged assets are not read, so an unchanged run reads nothing; the one
 * exception is an entry that never learnt its table's version (a create whose verification did not run): its
 * table is read so the version can be recorded, or the table recreated if it is gone. Nor is the table of an
 * update that may go out unread: its entry has the version our last write produced and the target's word that
 * the table held nothing but our build (selfContained), so the target writes it conditional on that version and
 * reads it only if refused. A `--full` run writes every asset, so it reads every table. Each table once.
 */
export function tablesToRead(changeSet: ChangeSet, selection: ReadSelection): TableRef[] {
  const out = new Map<string, TableRef>();
  for (const change of changeSet.changes) {
    const unversioned = selection.versioned && change.previous !== undefined && change.previous.target.version === undefined;
    if (change.type === 'UNCHANGED' && selection.mode === 'incremental' && !unversioned) continue;
    if (selection.writeUnread && selection.mode === 'incremental' && UPDATES.has(change.type) && writableUnread(change.previous)) continue;
    const ref = plannedRef(change, selection.resolve);
    out.set(refKey(ref), ref);
  }
  return [...out.values()];
}

function writableUnread(entry: CheckpointEntry | undefined): boolean {
  return entry !== undefined && entry.target.version !== undefined && entry.target.selfContained !== undefined && entry.deprecatedAt === undefined;
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
