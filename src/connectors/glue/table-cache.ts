import type { TableRef } from '../../catalog/target.ts';
import type { GlueTable } from '../../mapping/glue-table.ts';

/** Timestamps the SDK hands us as Date and expects back as Date (TableInput's LastAccessTime, LastAnalyzedTime). */
const DATE_FIELDS: ReadonlySet<string> = new Set(['CreateTime', 'UpdateTime', 'LastAccessTime', 'LastAnalyzedTime']);

function revive(key: string, value: unknown): unknown {
  return DATE_FIELDS.has(key) && typeof value === 'string' ? new Date(value) : value;
}

/**
 * The tables of each database as this run read them, kept as JSON text and parsed only for the few tables a
 * write or a deletion touches. Parsed SDK objects of a 100k-table catalog would take gigabytes; their text
 * takes a fraction, and an unchanged run never parses any of it again.
 */
export class TableCache {
  readonly #databases = new Map<string, Map<string, string>>();

  /** Replaces what is known of a database with a fresh listing (undefined: the database does not exist). */
  load(database: string, tables: readonly GlueTable[] | undefined): void {
    const byName = new Map<string, string>();
    for (const table of tables ?? []) byName.set(table.Name, JSON.stringify(table));
    this.#databases.set(database, byName);
  }

  /** Whether the database was listed in this run. */
  loaded(database: string): boolean {
    return this.#databases.has(database);
  }

  count(database: string): number {
    return this.#databases.get(database)?.size ?? 0;
  }

  has(ref: TableRef): boolean {
    return this.#databases.get(ref.database)?.has(ref.table) ?? false;
  }

  get(ref: TableRef): GlueTable | undefined {
    const text = this.#databases.get(ref.database)?.get(ref.table);
    return text === undefined ? undefined : (JSON.parse(text, revive) as GlueTable);
  }

  /** Remembers a table, for databases that were listed; others are read afresh when needed. */
  set(ref: TableRef, table: GlueTable): void {
    this.#databases.get(ref.database)?.set(ref.table, JSON.stringify(table));
  }

  delete(ref: TableRef): void {
    this.#databases.get(ref.database)?.delete(ref.table);
  }

  /** The named tables of a listed database that exist. */
  pick(database: string, names: readonly string[]): GlueTable[] {
    const out: GlueTable[] = [];
    for (const name of names) {
      const table = this.get({ database, table: name });
      if (table) out.push(table);
    }
    return out;
  }
}
