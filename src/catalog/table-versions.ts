import type { TableRef, Target } from './target.ts';

/** A table definition as the target stores it, opaque to everything but the target that produced it. */
export type TableDefinition = Readonly<Record<string, unknown>>;

/**
 * What `rollback` needs of a target beyond the Target interface: the versions it keeps of each table (Glue's table
 * versions; the file target's `.versions/` folder) and the definitions of tables this job deleted (archived by the
 * target before deleting, since a deleted Glue table takes its versions with it).
 */
export interface TableVersions {
  /**
   * The table as it was at `version`: from the target's own versions, or, for a table this job deleted, from the
   * definition archived before the deletion. Undefined when neither holds it (skipArchive, or pruned).
   */
  readVersion(ref: TableRef, version: string): Promise<TableDefinition | undefined>;
  /**
   * Makes `definition` the table's current state: an update (which the target archives like any other) or, where
   * the table is gone, a create. Both the table as it is now and the definition must carry this job's ownership
   * marker. Returns the version it produced, where the target says.
   */
  restoreVersion(ref: TableRef, definition: TableDefinition): Promise<{ version?: string }>;
}

export function hasTableVersions(target: Target): target is Target & TableVersions {
  const t = target as Partial<TableVersions>;
  return typeof t.readVersion === 'function' && typeof t.restoreVersion === 'function';
}
