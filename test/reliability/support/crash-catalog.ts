import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The catalog the crash trials sync: `v1`, then `v2` with every kind of change a run applies — relabelled tables
 * (content and metadata), tables with a new column (schema), tables gone (deleted), new tables (created) — one
 * export file per table, as Datasphere exports them.
 */
export const V1_TABLES = 50;
export const RELABELLED = range(0, 10);
export const RESHAPED = range(10, 15);
export const REMOVED = range(15, 20);
export const ADDED = range(V1_TABLES, V1_TABLES + 5);

export function tableName(index: number): string {
  return `T_${String(index).padStart(4, '0')}`;
}

/** Glue's name of a table of the catalog (lowercase). */
export function glueName(index: number): string {
  return tableName(index).toLowerCase();
}

/** The tables v2 writes (created or updated): each must be written exactly once by a killed run and its rerun. */
export function changedInV2(): Set<string> {
  return new Set([...RELABELLED, ...RESHAPED, ...ADDED].map(glueName));
}

export async function writeCrashCatalog(root: string): Promise<{ v1: string; v2: string }> {
  const v1 = path.join(root, 'v1');
  const v2 = path.join(root, 'v2');
  await mkdir(v1, { recursive: true });
  await mkdir(v2, { recursive: true });
  for (let i = 0; i < V1_TABLES; i++) await writeTable(v1, i, { label: `Table ${i}` });
  for (let i = 0; i < V1_TABLES + ADDED.length; i++) {
    if (REMOVED.includes(i)) continue;
    await writeTable(v2, i, { label: RELABELLED.includes(i) ? `Relabelled table ${i}` : `Table ${i}`, extraColumn: RESHAPED.includes(i) });
  }
  return { v1, v2 };
}

async function writeTable(folder: string, index: number, options: { label: string; extraColumn?: boolean }): Promise<void> {
  const name = tableName(index);
  const definition = {
    kind: 'entity',
    '@EndUserText.label': options.label,
    '@ObjectModel.modelingPattern': { '#': 'DATA_STRUCTURE' },
    elements: {
      ID: { type: 'cds.Integer64', key: true, notNull: true, '@EndUserText.label': 'ID' },
      NAME: { type: 'cds.String', length: 100, '@EndUserText.label': 'Name' },
      AMOUNT: { type: 'cds.Decimal', precision: 15, scale: 2, '@EndUserText.label': 'Amount' },
      CREATED_AT: { type: 'cds.Timestamp' },
      ...(options.extraColumn ? { CURRENCY: { type: 'cds.String', length: 3, '@EndUserText.label': 'Currency' } } : {}),
    },
  };
  await writeFile(path.join(folder, `${name}.json`), JSON.stringify({ definitions: { [name]: definition }, version: { csn: '1.0' } }));
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
