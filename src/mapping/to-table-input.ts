import type { GlueTable, GlueTableInput } from './glue-table.ts';
import { TABLE_INPUT_FIELDS } from './glue-table.ts';
import { cloneJson } from './clone-json.ts';

/**
 * The writable part of a table as read from Glue: a deep copy holding only TableInput fields, in canonical order.
 * Read-only fields (DatabaseName, VersionId, CreateTime, UpdateTime, CreatedBy, CatalogId,
 * IsRegisteredWithLakeFormation, and whatever Glue adds later) are dropped, because UpdateTable rejects or
 * ignores them. ViewDefinition is dropped too: its read shape differs from its input shape, and we never
 * own views.
 */
export function toTableInput(table: GlueTable | GlueTableInput): GlueTableInput {
  const source = table as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of TABLE_INPUT_FIELDS) {
    if (source[field] !== undefined) out[field] = cloneJson(source[field]);
  }
  return out as unknown as GlueTableInput;
}
