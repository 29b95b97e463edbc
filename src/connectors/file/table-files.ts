import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TableRef } from '../../catalog/target.ts';
import { shortHash } from '../../mapping/glue-limits.ts';
import type { GlueTable } from '../../mapping/glue-table.ts';
import { CorruptTableFileError, InvalidTableRefError } from './file-target-errors.ts';

export const DATABASE_FILE = '_database.json';
const SAFE_NAME = /^[a-z0-9_]{1,255}$/;
/** Most file systems allow 255 bytes per file name; `.json` takes 5. */
const MAX_STEM = 250;

/** Refs become paths: only normalised Glue names are accepted, which also rules out `..` and separators. */
export function assertStorableRef(ref: TableRef): void {
  if (!SAFE_NAME.test(ref.database) || !SAFE_NAME.test(ref.table)) {
    throw new InvalidTableRefError(`${ref.database}.${ref.table} is not a normalised Glue name ([a-z0-9_], 1-255)`);
  }
  if (`${ref.table}.json` === DATABASE_FILE) {
    throw new InvalidTableRefError(`${ref.database}.${ref.table}: the file target reserves the table name _database`);
  }
}

export function assertStorableDatabase(database: string): void {
  if (!SAFE_NAME.test(database)) {
    throw new InvalidTableRefError(`${database} is not a normalised Glue database name ([a-z0-9_], 1-255)`);
  }
}

/** `<table>.json`; a name too long for the file system keeps a prefix and a hash (the Name inside is exact). */
export function tableFileName(table: string): string {
  if (table.length <= MAX_STEM) return `${table}.json`;
  return `${table.slice(0, MAX_STEM - 9)}_${shortHash(table)}.json`;
}

export function tablePath(root: string, ref: TableRef): string {
  return join(root, ref.database, tableFileName(ref.table));
}

export function isTableFile(name: string): boolean {
  return name.endsWith('.json') && name !== DATABASE_FILE && !name.startsWith('.');
}

export function parseTableFile(text: string, file: string, database: string): GlueTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CorruptTableFileError(file, `not JSON (${(error as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new CorruptTableFileError(file, 'not a JSON object');
  }
  const table = json as Record<string, unknown>;
  if (typeof table['Name'] !== 'string' || table['Name'] === '') throw new CorruptTableFileError(file, 'no Name');
  const params = table['Parameters'];
  const stringMap =
    params !== null && typeof params === 'object' && !Array.isArray(params) &&
    Object.values(params).every((v) => typeof v === 'string');
  if (params !== undefined && !stringMap) throw new CorruptTableFileError(file, 'Parameters is not a map of strings');
  if (table['VersionId'] !== undefined && typeof table['VersionId'] !== 'string') {
    throw new CorruptTableFileError(file, 'VersionId is not a string');
  }
  // The folder is the database; a stale DatabaseName inside (a copied file) must not send writes elsewhere.
  return { ...(table as unknown as GlueTable), DatabaseName: database };
}

/** The table file as it is on disk now, or undefined when there is none. */
export async function readTableFile(
  root: string,
  ref: TableRef,
): Promise<{ table: GlueTable; bytes: number } | undefined> {
  const file = tablePath(root, ref);
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  return { table: parseTableFile(text, file, ref.database), bytes: Buffer.byteLength(text) };
}

/**
 * A file's text, or undefined when there is no such file; any other error is thrown. Synchronous, as the writes
 * are (atomic-write-file.ts): a table file is small and local. A missing file (every table of a first run) is
 * found by a stat that does not throw: an ENOENT error built for each would cost more than the read.
 */
export async function readTextIfExists(file: string): Promise<string | undefined> {
  if (statSync(file, { throwIfNoEntry: false }) === undefined) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    // Removed between the stat and the read.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
