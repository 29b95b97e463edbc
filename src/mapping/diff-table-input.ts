import type { FieldChange } from '../catalog/target.ts';
import type { GlueColumn, GlueParameters, GlueTableInput } from './glue-table.ts';
import { CONTROL_PREFIX, DEPRECATED_AT_KEY } from './table-parameters.ts';

/** Longest value shown for one side of a change; parameter values (JSON lists of dimensions…) can be huge. */
const MAX_SHOWN = 80;
/** Characters kept before the first difference when two long values are cut. */
const CONTEXT = 12;

/**
 * Our bookkeeping (ownership marker, asset id, hashes, mapping version) changes with every write and says nothing
 * a reader of `plan` can act on. The deprecation marker does: its removal brings a table back to life.
 */
function isBookkeeping(key: string): boolean {
  return key.startsWith(CONTROL_PREFIX) && key !== DEPRECATED_AT_KEY;
}

function cut(text: string, from: number): string {
  const start = from > 0 ? `…${text.slice(from)}` : text;
  return start.length > MAX_SHOWN ? `${start.slice(0, MAX_SHOWN - 1)}…` : start;
}

/** A text as shown in a diff: quoted, and when both sides are long, cut around where they first differ. */
function quotePair(before: string, after: string): [string, string] {
  let common = 0;
  while (common < before.length && common < after.length && before[common] === after[common]) common += 1;
  const from = before.length > MAX_SHOWN || after.length > MAX_SHOWN ? Math.max(0, common - CONTEXT) : 0;
  return [JSON.stringify(cut(before, from)), JSON.stringify(cut(after, from))];
}

const quote = (text: string): string => JSON.stringify(cut(text, 0));

function text(out: FieldChange[], path: string, before: string | undefined, after: string | undefined, quoted = true): void {
  if (before === after) return;
  if (before === undefined) out.push({ path, kind: 'added', after: quoted ? quote(after as string) : (after as string) });
  else if (after === undefined) out.push({ path, kind: 'removed', before: quoted ? quote(before) : before });
  else if (quoted) {
    const [b, a] = quotePair(before, after);
    out.push({ path, kind: 'changed', before: b, after: a });
  } else out.push({ path, kind: 'changed', before, after });
}

function parameters(out: FieldChange[], prefix: string, before: GlueParameters | undefined, after: GlueParameters | undefined): void {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of [...keys].sort()) {
    if (isBookkeeping(key)) continue;
    text(out, `${prefix}${key}`, before?.[key], after?.[key]);
  }
}

/** How a new column reads in one line: its type, and its comment when it has one. */
function columnSummary(column: GlueColumn): string {
  const type = column.Type ?? '(no type)';
  return column.Comment !== undefined && column.Comment !== '' ? `${type} ${quote(column.Comment)}` : type;
}

/**
 * Columns by name (case-insensitive, as Glue stores them): added, removed, and per column its type, comment and
 * parameters. A reorder of the columns both sides share is one change of its own, since positional formats
 * (CSV, ORC without names) read columns by position.
 */
function columns(out: FieldChange[], label: string, before: readonly GlueColumn[], after: readonly GlueColumn[]): void {
  const old = new Map(before.map((c) => [c.Name.toLowerCase(), c]));
  const now = new Set(after.map((c) => c.Name.toLowerCase()));
  for (const column of after) {
    const key = column.Name.toLowerCase();
    const previous = old.get(key);
    const path = `${label} ${column.Name}`;
    if (!previous) {
      out.push({ path, kind: 'added', after: columnSummary(column) });
      continue;
    }
    text(out, `${path} type`, previous.Type, column.Type, false);
    text(out, `${path} comment`, previous.Comment, column.Comment);
    parameters(out, `${path} parameter `, previous.Parameters, column.Parameters);
  }
  for (const column of before) {
    if (!now.has(column.Name.toLowerCase())) out.push({ path: `${label} ${column.Name}`, kind: 'removed', before: column.Type ?? '(no type)' });
  }
  const sharedBefore = before.map((c) => c.Name.toLowerCase()).filter((n) => now.has(n));
  const sharedAfter = after.map((c) => c.Name.toLowerCase()).filter((n) => old.has(n));
  if (sharedBefore.join('\n') !== sharedAfter.join('\n')) {
    out.push({ path: `${label} order`, kind: 'changed', before: cut(sharedBefore.join(', '), 0), after: cut(sharedAfter.join(', '), 0) });
  }
}

/** The fields a new table is made of, as added: what a person reviewing a create wants to see. */
function created(table: GlueTableInput): FieldChange[] {
  const out: FieldChange[] = [];
  text(out, 'description', undefined, table.Description);
  text(out, 'owner', undefined, table.Owner);
  for (const column of table.StorageDescriptor?.Columns ?? []) out.push({ path: `column ${column.Name}`, kind: 'added', after: columnSummary(column) });
  for (const column of table.PartitionKeys ?? []) out.push({ path: `partition key ${column.Name}`, kind: 'added', after: columnSummary(column) });
  text(out, 'storage location', undefined, table.StorageDescriptor?.Location);
  return out;
}

/**
 * What changes in a Glue table when `after` replaces `before`: description, owner, table type, columns, partition
 * keys, table parameters and the storage descriptor's location, formats and SerDe. Our bookkeeping parameters are
 * left out. Without `before` (a create) the result lists the new table's main fields as added. Pure; the order is
 * stable (table fields, columns in their new order, removed columns, parameters by key, storage).
 */
export function diffTableInput(before: GlueTableInput | undefined, after: GlueTableInput): FieldChange[] {
  if (!before) return created(after);
  const out: FieldChange[] = [];
  text(out, 'description', before.Description, after.Description);
  text(out, 'owner', before.Owner, after.Owner);
  text(out, 'table type', before.TableType, after.TableType, false);
  columns(out, 'column', before.StorageDescriptor?.Columns ?? [], after.StorageDescriptor?.Columns ?? []);
  columns(out, 'partition key', before.PartitionKeys ?? [], after.PartitionKeys ?? []);
  parameters(out, 'parameter ', before.Parameters, after.Parameters);
  const sb = before.StorageDescriptor;
  const sa = after.StorageDescriptor;
  text(out, 'storage location', sb?.Location, sa?.Location);
  text(out, 'storage input format', sb?.InputFormat, sa?.InputFormat, false);
  text(out, 'storage output format', sb?.OutputFormat, sa?.OutputFormat, false);
  text(out, 'storage serde', sb?.SerdeInfo?.SerializationLibrary, sa?.SerdeInfo?.SerializationLibrary, false);
  parameters(out, 'storage serde parameter ', sb?.SerdeInfo?.Parameters, sa?.SerdeInfo?.Parameters);
  parameters(out, 'storage parameter ', sb?.Parameters, sa?.Parameters);
  return out;
}
