import { z } from 'zod';
import type { JsonValue } from '../../catalog/native-glue-table.ts';
import type { Partition } from '../../catalog/partitions.ts';

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

/** What a GetPartitions entry must hold to be replicated; the rest of it is left out (see toPartition). */
const gluePartition = z.looseObject({
  Values: z.array(z.string()),
  StorageDescriptor: z.record(z.string(), jsonValue).optional(),
  Parameters: z.record(z.string(), z.string()).optional(),
});

/**
 * A Glue partition as the catalog-neutral Partition: its values, and its StorageDescriptor and Parameters as
 * plain JSON — exactly what a PartitionInput carries. Left out: what names the table (DatabaseName, TableName,
 * CatalogId, which the target supplies) and the times Glue keeps by itself (CreationTime, LastAccessTime,
 * LastAnalyzedTime), which move without anyone changing the partition and would make every run look changed.
 * Read the same way on both sides, so a source partition and its replica compare equal.
 */
export function toPartition(raw: unknown, where: string): Partition {
  const parsed = gluePartition.safeParse(raw === undefined ? undefined : JSON.parse(JSON.stringify(raw)));
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'partition'}: ${i.message}`).join('; ');
    throw new Error(`${where}: not a readable Glue partition: ${why}`);
  }
  const { Values, StorageDescriptor, Parameters } = parsed.data;
  const definition: Partition['definition'] = {};
  if (StorageDescriptor !== undefined) definition['StorageDescriptor'] = StorageDescriptor;
  if (Parameters !== undefined) definition['Parameters'] = Parameters;
  return { values: Values, definition };
}
