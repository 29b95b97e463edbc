import type { Facet } from '../catalog/hashes.ts';
import type { WriteStrategy } from '../catalog/target.ts';
import type { GlueColumn, GlueParameters, GlueStorageDescriptor, GlueTable, GlueTableInput } from './glue-table.ts';
import { isOwnControlKey, REPLICATED_KEYS_KEY, replicatedKeys, SOURCE_CONTROL_PREFIX } from './replica-parameters.ts';
import { sortedRecord } from './stable-json.ts';
import { toTableInput } from './to-table-input.ts';

/** Whether a desired TableInput is a replica of a Glue table (built by buildNativeTableInput). */
export function isReplicaInput(input: GlueTableInput): boolean {
  return input.Parameters?.[REPLICATED_KEYS_KEY] !== undefined;
}

/** The facets a write of a replica owns: what the strategy owns plus every facet that differs. */
function ownedFacets(strategy: WriteStrategy, facets: readonly Facet[]): Set<Facet> {
  const byStrategy: Record<WriteStrategy, Facet[]> = {
    full: ['content', 'schema', 'metadata'],
    delta: ['content'],
    'metadata-only': ['content', 'metadata'],
  };
  return new Set([...byStrategy[strategy], ...facets]);
}

/**
 * Parameters: our control keys always come from the write. With the metadata facet, the replicated keys are
 * replaced as a set — a key the source dropped is removed, because the replica lists it as copied — and every
 * other key (another tool's, on the replica) is kept. Without it, the replicated keys stay as they are.
 */
function mergeParameters(current: GlueParameters | undefined, wanted: GlueParameters | undefined, metadata: boolean): GlueParameters {
  const before = replicatedKeys(current);
  // A replica that does not say which keys were copied is written in full (it was written by something else).
  const replaceCopied = metadata || before === undefined;
  const copied = new Set([...(before ?? []), ...(replicatedKeys(wanted) ?? [])]);
  const ours = (key: string): boolean =>
    isOwnControlKey(key) ? replaceCopied || key !== REPLICATED_KEYS_KEY : replaceCopied && (copied.has(key) || key.startsWith(SOURCE_CONTROL_PREFIX));
  const out: GlueParameters = {};
  for (const [key, value] of Object.entries(current ?? {})) if (!ours(key)) out[key] = value;
  for (const [key, value] of Object.entries(wanted ?? {})) if (ours(key)) out[key] = value;
  return sortedRecord(out);
}

/** Comments and parameters of each current column from the same-named wanted one; names, types and order stay. */
function columnMetadata(current: GlueColumn[], wanted: GlueColumn[]): GlueColumn[] {
  const byName = new Map(wanted.map((c) => [c.Name, c]));
  return current.map((c) => {
    const w = byName.get(c.Name);
    if (!w) return c;
    const out: GlueColumn = { Name: c.Name };
    if (c.Type !== undefined) out.Type = c.Type;
    if (w.Comment !== undefined) out.Comment = w.Comment;
    if (w.Parameters !== undefined) out.Parameters = w.Parameters;
    return out;
  });
}

/**
 * The merge of a replica write onto the replica table as it is now. A full write (the schema facet: columns,
 * partition keys, storage, table type, view text) takes the whole table from the source; a delta only the
 * description and owner; a metadata-only write the replicated parameters, the storage parameters and the
 * comments and parameters of existing columns and partition keys, leaving names, types and storage as they are.
 * Parameters another tool added to the replica survive every write (see mergeParameters), as do the replica's
 * own parts a write does not own. Without a current table, the result is `desired`.
 */
export function mergeReplicaInput(
  current: GlueTable | GlueTableInput | undefined,
  desired: GlueTableInput,
  strategy: WriteStrategy,
  facets: readonly Facet[],
): GlueTableInput {
  if (!current) return toTableInput(desired);
  const owned = ownedFacets(strategy, facets);
  const base = toTableInput(current);
  const wanted = toTableInput(desired);
  const result: GlueTableInput = { ...base };

  if (owned.has('content')) {
    result.Description = wanted.Description;
    result.Owner = wanted.Owner;
  }
  result.Parameters = mergeParameters(base.Parameters, wanted.Parameters, owned.has('metadata') || owned.has('schema'));
  if (owned.has('schema')) {
    result.TableType = wanted.TableType;
    result.StorageDescriptor = wanted.StorageDescriptor;
    result.PartitionKeys = wanted.PartitionKeys;
    result.ViewOriginalText = wanted.ViewOriginalText;
    result.ViewExpandedText = wanted.ViewExpandedText;
    result.Retention = wanted.Retention;
    result.TargetTable = wanted.TargetTable;
  } else if (owned.has('metadata')) {
    if (base.StorageDescriptor || wanted.StorageDescriptor) {
      const storage: GlueStorageDescriptor = { ...base.StorageDescriptor };
      if (wanted.StorageDescriptor?.Parameters !== undefined) storage.Parameters = wanted.StorageDescriptor.Parameters;
      else delete storage.Parameters;
      if (base.StorageDescriptor?.Columns) storage.Columns = columnMetadata(base.StorageDescriptor.Columns, wanted.StorageDescriptor?.Columns ?? []);
      result.StorageDescriptor = storage;
    }
    if (base.PartitionKeys) result.PartitionKeys = columnMetadata(base.PartitionKeys, wanted.PartitionKeys ?? []);
  }
  // Back through toTableInput for the canonical field order, dropping whatever the source does not have.
  return toTableInput(result);
}
