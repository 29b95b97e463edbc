import type { GlueTable, GlueTableInput } from '../../mapping/glue-table.ts';
import { toTableInput } from '../../mapping/to-table-input.ts';

/** Glue's value for a bucket count nobody set: 0 from the API, -1 from Hive and Athena. */
const NO_BUCKETS = new Set([0, -1]);

function canonical(value: unknown, key: string | undefined): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonical(v, undefined)).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[name], name);
      if (v !== undefined) out[name] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (value === false || value === null || value === undefined) return undefined;
  if (key === 'NumberOfBuckets' && typeof value === 'number' && NO_BUCKETS.has(value)) return undefined;
  return value;
}

/**
 * A table's writable content as comparable text: its TableInput fields with keys sorted, and the values Glue fills
 * in by itself on a table created without them (Compressed and StoredAsSubDirectories false, NumberOfBuckets 0,
 * an empty SerdeInfo, empty lists and maps) left out, since they mean the same as their absence. Two tables with
 * the same text hold the same thing. Read-only fields (versions, times, ids) are not content.
 */
export function tableContent(table: GlueTable | GlueTableInput): string {
  return JSON.stringify(canonical(toTableInput(table), undefined) ?? {});
}
