import type { TagChange } from '../../catalog/resource-tags.ts';
import type { TableRef } from '../../catalog/target.ts';
import { stableJson } from '../../mapping/stable-json.ts';
import type { LfResource, TagValues } from './lf-tags-api.ts';

type Levels<T> = { database: T; table: T; column: T };

/** The tags one table wants, in the names Lake Formation knows its resources by (Glue database, table, columns). */
export interface WantedTags {
  /** Keys managed at each level: configured now, or recorded on the table as set by this job before. */
  managed: Levels<readonly string[]>;
  database: Readonly<Record<string, string>>;
  table: Readonly<Record<string, string>>;
  /** By Glue column name. */
  columns: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** The tags found on the resources (only the levels that were read; a level not read counts as carrying none). */
export interface CurrentTags {
  /** Undefined when the database's tags are not this table's to change (another table of the run has them). */
  database: TagValues | undefined;
  table: TagValues;
  /** By Glue column name; the columns the table holds now and keeps. */
  columns: ReadonlyMap<string, TagValues>;
}

export interface TagDiff {
  /** Every change, database first, then the table, then columns in name order: what `plan` shows. */
  changes: TagChange[];
  /** RemoveLFTagsFromResource calls, with the values found (Lake Formation removes exactly those). */
  removals: Array<{ resource: LfResource; tags: TagValues }>;
  /**
   * AddLFTagsToResource calls. A resource that needs any addition gets every tag this job wants on it in the same
   * call: the unchanged ones are a no-op for Lake Formation, and a resource is never left holding half our set.
   */
  additions: Array<{ resource: LfResource; tags: Record<string, string> }>;
  /** Keys found on a resource that this diff takes off: still recorded as ours until that is confirmed. */
  removing: Levels<string[]>;
}

interface ResourceDiff {
  changes: Array<Pick<TagChange, 'key' | 'kind' | 'before' | 'after'>>;
  removed: TagValues;
  adds: boolean;
}

/** Managed keys only: a key this job does not manage is neither read into the diff nor ever changed. */
function diffResource(managed: readonly string[], want: Readonly<Record<string, string>>, have: TagValues): ResourceDiff {
  const out: ResourceDiff = { changes: [], removed: {}, adds: false };
  for (const key of [...new Set(managed)].sort()) {
    const after = want[key];
    const found = have[key];
    const before = found === undefined || found.length === 0 ? undefined : found.join('|');
    if (after !== undefined && before === undefined) {
      out.changes.push({ key, kind: 'added', after });
      out.adds = true;
    } else if (after !== undefined && before !== undefined && (found?.length !== 1 || found[0] !== after)) {
      // One value per key on a resource: assigning the new one replaces the old.
      out.changes.push({ key, kind: 'changed', before, after });
      out.adds = true;
    } else if (after === undefined && before !== undefined) {
      out.changes.push({ key, kind: 'removed', before });
      out.removed[key] = found as string[];
    }
  }
  return out;
}

/**
 * What it takes to bring one table's tags (and, where `current.database` is given, its database's) from what was
 * found to what is wanted, touching managed keys only. Pure. Columns that need the same additions share one call,
 * as do columns losing the same tags.
 */
export function diffTags(ref: TableRef, wanted: WantedTags, current: CurrentTags): TagDiff {
  const diff: TagDiff = { changes: [], removals: [], additions: [], removing: { database: [], table: [], column: [] } };

  if (current.database !== undefined) {
    const db = diffResource(wanted.managed.database, wanted.database, current.database);
    const resource: LfResource = { kind: 'database', database: ref.database };
    record(diff, db, 'database', ref.database, resource, wanted.database);
  }
  const table = diffResource(wanted.managed.table, wanted.table, current.table);
  record(diff, table, 'table', ref.table, { kind: 'table', ref }, wanted.table);

  const names = [...new Set([...wanted.columns.keys(), ...current.columns.keys()])].sort();
  const addGroups = new Map<string, { tags: Readonly<Record<string, string>>; columns: string[] }>();
  const removeGroups = new Map<string, { tags: TagValues; columns: string[] }>();
  for (const name of names) {
    const want = wanted.columns.get(name) ?? {};
    const column = diffResource(wanted.managed.column, want, current.columns.get(name) ?? {});
    for (const change of column.changes) diff.changes.push({ resource: 'column', name, ...change });
    if (column.adds) group(addGroups, want, name);
    if (Object.keys(column.removed).length > 0) {
      group(removeGroups, column.removed, name);
      diff.removing.column.push(...Object.keys(column.removed));
    }
  }
  for (const { tags, columns } of removeGroups.values()) diff.removals.push({ resource: { kind: 'columns', ref, columns }, tags });
  for (const { tags, columns } of addGroups.values()) diff.additions.push({ resource: { kind: 'columns', ref, columns }, tags: { ...tags } });
  diff.removing.column = [...new Set(diff.removing.column)].sort();
  return diff;
}

function record(
  diff: TagDiff,
  found: ResourceDiff,
  kind: 'database' | 'table',
  name: string,
  resource: LfResource,
  want: Readonly<Record<string, string>>,
): void {
  for (const change of found.changes) diff.changes.push({ resource: kind, name, ...change });
  if (Object.keys(found.removed).length > 0) {
    diff.removals.push({ resource, tags: found.removed });
    diff.removing[kind].push(...Object.keys(found.removed));
  }
  if (found.adds) diff.additions.push({ resource, tags: { ...want } });
}

function group<T>(groups: Map<string, { tags: T; columns: string[] }>, tags: T, column: string): void {
  const key = stableJson(tags);
  const entry = groups.get(key);
  if (entry) entry.columns.push(column);
  else groups.set(key, { tags, columns: [column] });
}
