import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TableRef } from '../../catalog/target.ts';
import type { GlueTable } from '../../mapping/glue-table.ts';
import { atomicWriteFile } from './atomic-write-file.ts';
import { parseTableFile, tableFileName } from './table-files.ts';

/**
 * The versions the file target keeps, as Glue keeps table versions: before a table file is replaced or deleted,
 * the version it held goes to `<path>/<database>/.versions/<table>/<VersionId>.json`. The folder starts with a dot,
 * so database listings skip it. Rollback reads versions back from here.
 */
export const VERSIONS_DIR = '.versions';

function folderOf(root: string, ref: TableRef): string {
  return join(root, ref.database, VERSIONS_DIR, tableFileName(ref.table).replace(/\.json$/, ''));
}

const DECIMAL = /^(\d{1,15})\.json$/;

/** Keeps `table` (as it is on disk now) among the table's versions. */
export async function keepVersion(root: string, ref: TableRef, table: GlueTable): Promise<void> {
  if (table.VersionId === undefined || !/^\d{1,15}$/.test(table.VersionId)) return;
  const folder = folderOf(root, ref);
  await mkdir(folder, { recursive: true });
  await atomicWriteFile(join(folder, `${table.VersionId}.json`), `${JSON.stringify(table, null, 2)}\n`);
}

/** A kept version of the table, or undefined. */
export async function readKeptVersion(root: string, ref: TableRef, version: string): Promise<GlueTable | undefined> {
  if (!/^\d{1,15}$/.test(version)) return undefined;
  const file = join(folderOf(root, ref), `${version}.json`);
  try {
    return parseTableFile(await readFile(file, 'utf8'), file, ref.database);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Deletes all but the newest `keep` kept versions of the table; returns how many went. */
export async function pruneKeptVersions(root: string, ref: TableRef, keep: number): Promise<number> {
  let names: string[];
  try {
    names = await readdir(folderOf(root, ref));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const versions = names
    .map((n) => DECIMAL.exec(n)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
  const doomed = versions.slice(Math.max(0, keep));
  for (const v of doomed) await rm(join(folderOf(root, ref), `${v}.json`), { force: true });
  return doomed.length;
}
