import type { TableRef } from '../../catalog/target.ts';
import type { GlueTable } from '../../mapping/glue-table.ts';

/** Timestamps the SDK hands us as Date and expects back as Date (TableInput's LastAccessTime, LastAnalyzedTime). */
const DATE_FIELDS: ReadonlySet<string> = new Set(['CreateTime', 'UpdateTime', 'LastAccessTime', 'LastAnalyzedTime']);

function revive(key: string, value: unknown): unknown {
  return DATE_FIELDS.has(key) && typeof value === 'string' ? new Date(value) : value;
}

/** A table known not to exist (read and not found, or deleted by us) in a database that was not listed. */
const MISSING = null;

/**
 * The tables this run read or wrote, kept as JSON text and parsed only for the few tables a write or a deletion
 * touches: whole databases that were listed (the refresh), and single tables read one by one (an incremental run
 * reads just the tables its plan writes or deletes). Parsed SDK objects of a 100k-table catalog would take
 * gigabytes; their text takes a fraction, and an unchanged run never parses any of it again.
 */
export class TableCache {
  readonly #databases = new Map<string, Map<string, string>>();
  /** Single tables by `database/table`: the table's text, or MISSING. */
  readonly #tables = new Map<string, string | typeof MISSING>();

  /** Replaces what is known of a database with a fresh listing (undefined: the database does not exist). */
  load(database: string, tables: readonly GlueTable[] | undefined): Map<string, number> {
    const byName = new Map<string, string>();
    const sizes = new Map<string, number>();
    for (const table of tables ?? []) {
      const text = JSON.stringify(table);
      byName.set(table.Name, text);
      sizes.set(table.Name, Buffer.byteLength(text));
    }
    this.#databases.set(database, byName);
    for (const key of [...this.#tables.keys()]) if (key.startsWith(`${database}/`)) this.#tables.delete(key);
    return sizes;
  }

  /** Remembers one table as read now (undefined: it does not exist); returns its size in bytes. */
  remember(ref: TableRef, table: GlueTable | undefined): number {
    const text = table === undefined ? MISSING : JSON.stringify(table);
    const listed = this.#databases.get(ref.database);
    if (listed) {
      if (text === MISSING) listed.delete(ref.table);
      else listed.set(ref.table, text);
    } else {
      this.#tables.set(keyOf(ref), text);
    }
    return text === MISSING ? 0 : Buffer.byteLength(text);
  }

  /** Whether the database was listed in this run. */
  loaded(database: string): boolean {
    return this.#databases.has(database);
  }

  /** Whether this run knows the table's state (present or missing) from a listing or a single read. */
  knows(ref: TableRef): boolean {
    return this.#databases.has(ref.database) || this.#tables.has(keyOf(ref));
  }

  count(database: string): number {
    return this.#databases.get(database)?.size ?? 0;
  }

  has(ref: TableRef): boolean {
    const listed = this.#databases.get(ref.database);
    if (listed) return listed.has(ref.table);
    return typeof this.#tables.get(keyOf(ref)) === 'string';
  }

  get(ref: TableRef): GlueTable | undefined {
    const listed = this.#databases.get(ref.database);
    const text = listed ? listed.get(ref.table) : this.#tables.get(keyOf(ref));
    return typeof text === 'string' ? (JSON.parse(text, revive) as GlueTable) : undefined;
  }

  /** Remembers a table as this run wrote it: a later write in the same run merges onto it. */
  set(ref: TableRef, table: GlueTable): void {
    this.remember(ref, table);
  }

  /** Forgets a table we deleted: it is known to be missing now. */
  delete(ref: TableRef): void {
    this.remember(ref, undefined);
  }

  /** The named tables of a database that exist, as far as this run knows them. */
  pick(database: string, names: readonly string[]): GlueTable[] {
    const out: GlueTable[] = [];
    for (const name of names) {
      const table = this.get({ database, table: name });
      if (table) out.push(table);
    }
    return out;
  }
}

function keyOf(ref: TableRef): string {
  return `${ref.database}/${ref.table}`;
}
