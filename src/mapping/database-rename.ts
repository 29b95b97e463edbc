import { glueName } from './table-naming.ts';

/** `target.databaseRename` with the prefix every other database gets. */
export interface DatabaseRename {
  /** Source database → replica database, for the databases named; the others get `prefix`. */
  rename: Readonly<Record<string, string>>;
  prefix: string;
}

/**
 * The replica database of a source database (a Glue source's space): the name the rename map gives it, else
 * `<prefix><name>`; normalised like every database name (lowercase, Glue's character set and length).
 */
export function renameDatabase(database: string, rules: DatabaseRename): string {
  const mapped = Object.hasOwn(rules.rename, database) ? rules.rename[database] : undefined;
  return glueName(mapped ?? `${rules.prefix}${database}`);
}
