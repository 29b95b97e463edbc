import type { GlueTable, GlueTableInput } from './glue-table.ts';
import { sortedRecord } from './stable-json.ts';
import { DEPRECATED_AT_KEY } from './table-parameters.ts';
import { toTableInput } from './to-table-input.ts';

/** The current table, unchanged but for the deprecation marker (deletion policy `deprecate`). */
export function deprecateTableInput(current: GlueTable | GlueTableInput, at: string): GlueTableInput {
  const input = toTableInput(current);
  input.Parameters = sortedRecord({ ...input.Parameters, [DEPRECATED_AT_KEY]: at });
  return input;
}
