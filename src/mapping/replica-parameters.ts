import { CONTROL_PREFIX } from './table-parameters.ts';

/**
 * The keys of a replica's Parameters that were copied from its source table, as a sorted JSON array. A later
 * write removes a key the source dropped, and only such a key: one added to the replica by another tool is not
 * in the list and survives every write.
 */
export const REPLICATED_KEYS_KEY = `${CONTROL_PREFIX}replicated_keys`;

/**
 * Where a source table's own `catalog_sync.*` parameters go in the replica (the source catalog may be kept by
 * another catalog-sync job): copied as data under `catalog_sync.source.`, never as our ownership marker, asset id
 * or hashes. The mapping is injective (`catalog_sync.source.x` becomes `catalog_sync.source.source.x`), so a
 * replica of a replica keeps every key apart.
 */
export const SOURCE_CONTROL_PREFIX = `${CONTROL_PREFIX}source.`;

export function replicaParameterKey(sourceKey: string): string {
  return sourceKey.startsWith(CONTROL_PREFIX) ? SOURCE_CONTROL_PREFIX + sourceKey.slice(CONTROL_PREFIX.length) : sourceKey;
}

/** This job's own control keys (ownership, ids, hashes, the replicated-keys list), rewritten by every write. */
export function isOwnControlKey(key: string): boolean {
  return key.startsWith(CONTROL_PREFIX) && !key.startsWith(SOURCE_CONTROL_PREFIX);
}

/** The replicated keys a table records; an unreadable value reads as none. */
export function replicatedKeys(parameters: Record<string, string> | undefined): Set<string> | undefined {
  const text = parameters?.[REPLICATED_KEYS_KEY];
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return new Set(Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : []);
  } catch {
    return new Set();
  }
}
