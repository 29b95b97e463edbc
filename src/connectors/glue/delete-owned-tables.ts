import type { DeleteOutcome, TableRef } from '../../catalog/target.ts';
import type { GlueTable } from '../../mapping/glue-table.ts';
import { isOwnedBy, tableOwner } from '../../mapping/read-target-table.ts';
import { assertGlueRef } from './enforce-glue-limits.ts';
import { GLUE_BATCH_DELETE_SIZE } from './glue-catalog-api.ts';
import type { GlueCatalogApi } from './glue-catalog-api.ts';
import { NotOwnedError } from './glue-target-errors.ts';

export interface DeleteContext {
  job: string;
  /** Those of the named tables of a database that exist, as the caller knows them. */
  readTables: (database: string, names: string[]) => Promise<GlueTable[] | undefined>;
  onDeleted: (ref: TableRef) => void;
}

/**
 * Deletes the given tables, only those our job owns, per database: the ownership check on the listing the caller gives, then
 * BatchDeleteTable in chunks of at most 100 names. Glue reports per-table failures inside a successful response;
 * each is looked at on its own: EntityNotFoundException means someone beat us to it (already gone, fine), anything
 * else fails that one table. A chunk whose call fails outright fails its tables and no others. Outcomes come back
 * in the order of `refs`.
 */
export async function deleteOwnedTables(
  api: GlueCatalogApi,
  refs: readonly TableRef[],
  ctx: DeleteContext,
): Promise<DeleteOutcome[]> {
  const outcomes = new Map<number, DeleteOutcome>();
  const byDatabase = new Map<string, { index: number; ref: TableRef }[]>();
  refs.forEach((ref, index) => {
    try {
      assertGlueRef(ref);
    } catch (error) {
      outcomes.set(index, { ref, ok: false, error: (error as Error).message });
      return;
    }
    const group = byDatabase.get(ref.database) ?? [];
    group.push({ index, ref });
    byDatabase.set(ref.database, group);
  });

  for (const [database, group] of byDatabase) {
    let tables: GlueTable[] | undefined;
    try {
      tables = await ctx.readTables(database, [...new Set(group.map((g) => g.ref.table))]);
    } catch (error) {
      for (const { index, ref } of group) outcomes.set(index, { ref, ok: false, error: (error as Error).message });
      continue;
    }
    const byName = new Map((tables ?? []).map((t) => [t.Name, t]));
    const doomed: { index: number; ref: TableRef }[] = [];
    for (const item of group) {
      const table = byName.get(item.ref.table);
      if (!table) outcomes.set(item.index, { ref: item.ref, ok: true, alreadyGone: true });
      else if (!isOwnedBy(table, ctx.job)) {
        const error = new NotOwnedError(item.ref, 'delete', tableOwner(table), ctx.job);
        outcomes.set(item.index, { ref: item.ref, ok: false, error: error.message });
      } else doomed.push(item);
    }
    // The same table named twice goes out once; both entries get its outcome.
    const names = [...new Set(doomed.map((d) => d.ref.table))];
    for (let start = 0; start < names.length; start += GLUE_BATCH_DELETE_SIZE) {
      const chunk = names.slice(start, start + GLUE_BATCH_DELETE_SIZE);
      const result = new Map<string, DeleteOutcome>();
      try {
        const errors = new Map((await api.batchDeleteTable(database, chunk)).map((e) => [e.table, e]));
        for (const table of chunk) {
          const ref = { database, table };
          const e = errors.get(table);
          if (!e) result.set(table, { ref, ok: true });
          else if (e.code === 'EntityNotFoundException') result.set(table, { ref, ok: true, alreadyGone: true });
          else result.set(table, { ref, ok: false, error: `BatchDeleteTable ${database}.${table}: ${e.code}: ${e.message}` });
        }
      } catch (error) {
        for (const table of chunk) result.set(table, { ref: { database, table }, ok: false, error: (error as Error).message });
      }
      for (const { index, ref } of doomed) {
        const outcome = result.get(ref.table);
        if (!outcome) continue;
        if (outcome.ok) ctx.onDeleted(ref);
        outcomes.set(index, { ...outcome, ref });
      }
    }
  }
  return refs.map((ref, index) => outcomes.get(index) ?? { ref, ok: false, error: 'not processed' });
}
