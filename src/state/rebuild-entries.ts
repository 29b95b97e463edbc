import type { AssetKind } from '../catalog/asset.ts';
import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import type { TargetTable } from '../catalog/target.ts';

export interface RebuildResult {
  entries: CheckpointEntry[];
  /** Tables that carry our marker but cannot give an entry (no asset id or an incomplete set of hashes). */
  skipped: { table: string; reason: string }[];
  /** Asset ids claimed by more than one table: none of them is trusted. */
  duplicates: { assetId: string; tables: string[] }[];
}

/**
 * Checkpoint entries read back from the tables a job owns in the target (`checkpoints rebuild`). Every table we
 * write carries the owning job, the asset id and the three hashes it was written from; an entry built from those
 * says exactly what the next sync's detection needs, so an unchanged source then writes nothing. What the tables
 * do not carry (the asset's kind, validators, custom properties) comes from `previous` — the entry a backup or the
 * damaged file still holds for the same asset and table — or is left for the next write of the asset to fill in.
 */
export function rebuildEntries(
  tables: readonly TargetTable[],
  options: { job: string; sourceSystem: string; now: Date; previous?: ReadonlyMap<string, CheckpointEntry> },
): RebuildResult {
  const result: RebuildResult = { entries: [], skipped: [], duplicates: [] };
  const byAsset = new Map<string, TargetTable[]>();
  for (const table of tables) {
    if (table.owner !== options.job) continue;
    const name = `${table.ref.database}.${table.ref.table}`;
    if (!table.assetId) {
      result.skipped.push({ table: name, reason: 'carries no asset id' });
      continue;
    }
    if (!table.hashes) {
      result.skipped.push({ table: name, reason: 'carries no complete set of hashes' });
      continue;
    }
    const list = byAsset.get(table.assetId);
    if (list) list.push(table);
    else byAsset.set(table.assetId, [table]);
  }
  for (const [assetId, claimed] of [...byAsset].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (claimed.length > 1) {
      result.duplicates.push({ assetId, tables: claimed.map((t) => `${t.ref.database}.${t.ref.table}`).sort() });
      continue;
    }
    const table = claimed[0]!;
    const old = options.previous?.get(assetId);
    const sameTable = old && old.target.database === table.ref.database && old.target.table === table.ref.table;
    const sameHashes = sameTable && sameHashSet(old.hashes, table.hashes!);
    if (sameTable && sameHashes) {
      // The table holds what the old entry says: keep the entry (fields of newer writers included), with the
      // version and deprecation the table shows now.
      const { deprecatedAt: _deprecated, ...rest } = old;
      result.entries.push({
        ...rest,
        target: { ...old.target, ...(table.version !== undefined ? { version: table.version } : {}) },
        ...(table.deprecatedAt !== undefined ? { deprecatedAt: table.deprecatedAt } : {}),
      });
      continue;
    }
    const entry: CheckpointEntry = {
      assetId,
      // Until the asset is next written, a kind the tables do not record reads `unknown`: the checkpoint format takes
      // any kind (a newer writer's kinds are not corruption) and nothing decides by it.
      assetType: ((sameTable ? old.assetType : undefined) ?? (table as TargetTable & { kind?: string }).kind ?? 'unknown') as AssetKind,
      sourceSystem: options.sourceSystem,
      lastSyncAt: options.now.toISOString(),
      hashes: { ...table.hashes! },
      syncVersion: sameTable ? old.syncVersion + 1 : 1,
      target: { database: table.ref.database, table: table.ref.table, ...(table.version !== undefined ? { version: table.version } : {}) },
      customProperties: sameTable ? { ...old.customProperties } : {},
    };
    if (table.deprecatedAt !== undefined) entry.deprecatedAt = table.deprecatedAt;
    // Validators and fingerprints of other hashes than the table's would be lies: left out.
    result.entries.push(entry);
  }
  return result;
}

function sameHashSet(a: CheckpointEntry['hashes'], b: CheckpointEntry['hashes']): boolean {
  return a.content === b.content && a.schema === b.schema && a.metadata === b.metadata;
}
