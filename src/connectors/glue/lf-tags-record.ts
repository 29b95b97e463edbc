import { z } from 'zod';
import { stableJson } from '../../mapping/stable-json.ts';

/**
 * The table parameter in which the Glue target records the LF-Tags it manages on a table, its columns and its
 * database. A control key (`catalog_sync.`): every write replaces it, and only this job writes it.
 *
 * Why a table parameter: the keys a job manages are the configured ones — but a key taken out of the config must
 * still come off the resources where this job set it, and only there. The table is the one record that is written
 * exactly when its tags are (a tag change always rides on a write of its table), is read before every such write
 * anyway, and survives a lost or rebuilt checkpoint, the way the ownership marker and the hashes do.
 */
export const LF_TAGS_PARAMETER = 'catalog_sync.lf_tags';

export interface LfTagRecord {
  /**
   * Keys this job has set (or was still taking off) at each level of this table. Read back, they join the configured
   * keys as the ones the next write manages; a level without keys is one whose tags were never read, since this job
   * never set any there.
   */
  keys: { database: string[]; table: string[]; column: string[] };
  /** Digest of the tags wanted at this write: the same digest at the next write means the same tags. */
  digest: string;
}

const keyList = z.array(z.string().min(1)).catch([]);
const recordSchema = z.object({
  keys: z.object({ database: keyList, table: keyList, column: keyList }),
  digest: z.string().catch(''),
});

/** The record a table carries, validated (a table's parameters are anyone's to edit); undefined without one. */
export function readLfTagRecord(parameters: Readonly<Record<string, string>> | undefined): LfTagRecord | undefined {
  const raw = parameters?.[LF_TAGS_PARAMETER];
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = recordSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function formatLfTagRecord(record: LfTagRecord): string {
  const sorted = (keys: readonly string[]) => [...new Set(keys)].sort();
  return stableJson({
    digest: record.digest,
    keys: { column: sorted(record.keys.column), database: sorted(record.keys.database), table: sorted(record.keys.table) },
  });
}
