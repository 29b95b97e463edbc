import type { TableRef } from './target.ts';

/** `database.table`: the one way a table is named in maps, messages and summaries. */
export function refKey(ref: TableRef): string {
  return `${ref.database}.${ref.table}`;
}
