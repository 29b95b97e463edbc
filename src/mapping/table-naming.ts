import type { Asset } from '../catalog/asset.ts';
import type { TableRef } from '../catalog/target.ts';
import { GLUE_LIMITS, shortHash } from './glue-limits.ts';

export interface GlueName {
  name: string;
  warnings: string[];
}

/**
 * Glue-safe name: lowercase (Glue folds names anyway, and two spellings must not become two tables), every code
 * point outside [a-z0-9_] replaced by `_`, at most 255 bytes. A longer name keeps its first 246 bytes plus
 * `_<hash of the original>`, so two long names that share a prefix still differ.
 */
export function normalizeGlueName(raw: string, what = 'name'): GlueName {
  const warnings: string[] = [];
  let name = raw.toLowerCase().replace(/[^a-z0-9_]/gu, '_');
  if (name.length === 0) {
    warnings.push(`${what} is empty; using "_"`);
    name = '_';
  }
  if (name.length > GLUE_LIMITS.nameBytes) {
    warnings.push(
      `${what} "${raw.slice(0, 40)}…" is ${name.length} bytes; cut to ${GLUE_LIMITS.nameBytes} with a hash suffix`,
    );
    // ASCII by now, so characters are bytes. The hash is over the original, which covers the cut-off tail.
    name = `${name.slice(0, GLUE_LIMITS.nameBytes - 9)}_${shortHash(raw)}`;
  }
  return { name, warnings };
}

export function glueName(raw: string): string {
  return normalizeGlueName(raw).name;
}

/** The Glue database a space maps to: `<databasePrefix><space>`, normalised as a whole. */
export function databaseName(space: string, databasePrefix: string): string {
  return glueName(`${databasePrefix}${space}`);
}

export function resolveTableRef(
  asset: Pick<Asset, 'space' | 'technicalName'>,
  options: { databasePrefix: string },
): TableRef {
  return { database: databaseName(asset.space, options.databasePrefix), table: glueName(asset.technicalName) };
}

export interface RefCollision {
  ref: TableRef;
  /** At least two distinct asset ids, sorted. */
  assetIds: string[];
}

/** Groups asset ids that land on the same table. Pure; sorted by database, table for stable reports. */
export function findCollisions(pairs: ReadonlyArray<{ assetId: string; ref: TableRef }>): RefCollision[] {
  const groups = new Map<string, { ref: TableRef; ids: Set<string> }>();
  for (const { assetId, ref } of pairs) {
    const key = `${ref.database}\u0000${ref.table}`;
    const group = groups.get(key) ?? { ref: { database: ref.database, table: ref.table }, ids: new Set<string>() };
    group.ids.add(assetId);
    groups.set(key, group);
  }
  return [...groups.entries()]
    .filter(([, g]) => g.ids.size > 1)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({ ref: g.ref, assetIds: [...g.ids].sort() }));
}
