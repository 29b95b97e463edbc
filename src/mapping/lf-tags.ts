import type { Asset, Column } from '../catalog/asset.ts';
import type { AssetTags } from '../catalog/resource-tags.ts';
import { shortHash } from './glue-limits.ts';

/** The asset fields a table-level LF-Tag can carry (`governance.lfTags.table`). */
export const ASSET_TAG_FIELDS = ['space', 'kind', 'modelingPattern', 'certification'] as const;
/** The column fields a column-level LF-Tag can carry (`governance.lfTags.column`). */
export const COLUMN_TAG_FIELDS = ['role', 'semantics'] as const;

export type AssetTagField = (typeof ASSET_TAG_FIELDS)[number];
export type ColumnTagField = (typeof COLUMN_TAG_FIELDS)[number];

/** `governance.lfTags` without its switches: LF-Tag key → the field whose value it carries, per level. */
export interface LfTagMapping {
  database: Readonly<Record<string, 'space'>>;
  table: Readonly<Record<string, AssetTagField>>;
  column: Readonly<Record<string, ColumnTagField>>;
}

/** What a column is to an analytic consumer: what `role` tags it with. */
export type ColumnRole = 'measure' | 'dimension' | 'attribute';

/**
 * Lake Formation stores keys and values in lower case and takes, per value, letters, digits, spaces and
 * `_ . : * / = + - @ %`, at most 50 characters (its tag-based access control notes; the API allows 256, the
 * console and grants do not). Anything else becomes `_`; a longer value keeps its start and a hash of the whole,
 * so two long values stay apart.
 */
const MAX_VALUE_LENGTH = 50;
const NOT_ALLOWED = /[^\p{L}\p{Z}\p{N}_.:*/=+\-@%]/gu;

/** A source value as an LF-Tag value; undefined when nothing is left of it. */
export function lfTagValue(raw: string): string | undefined {
  const value = raw.trim().toLowerCase().replace(NOT_ALLOWED, '_');
  if (value === '') return undefined;
  if (value.length <= MAX_VALUE_LENGTH) return value;
  const hash = shortHash(value);
  return `${value.slice(0, MAX_VALUE_LENGTH - hash.length - 1)}_${hash}`;
}

/** A measure (`@AnalyticsDetails.measureType`, `@Aggregation.default`), a dimension (`@Analytics.dimension`, a foreign key of a dimension association), or neither. */
export function columnRole(asset: Asset, column: Column): ColumnRole {
  const business = asset.businessContext;
  if (business.measures.some((m) => m.name === column.name)) return 'measure';
  if (business.dimensions.includes(column.name)) return 'dimension';
  return 'attribute';
}

const SEMANTICS = 'Semantics.';

/**
 * The column's `@Semantics.*` meaning as one name: the annotation path below `Semantics.` for a flag
 * (`@Semantics.currencyCode: true` → `currencyCode`, `@Semantics.calendar.year: true` → `calendar.year`), and the
 * path without its last step where the annotation points elsewhere (`@Semantics.amount.currencyCode: 'CURRENCY'`
 * → `amount`, `@Semantics.quantity.unitOfMeasure: 'UNIT'` → `quantity`). A column has one LF-Tag value per key, so
 * of several the first in annotation order (the keys come sorted) wins. Undefined without one.
 */
export function columnSemanticName(column: Column): string | undefined {
  for (const [key, value] of Object.entries(column.semantics ?? {})) {
    if (!key.startsWith(SEMANTICS) || value === false) continue;
    const path = key.slice(SEMANTICS.length).split('.');
    const name = value === true || path.length === 1 ? path : path.slice(0, -1);
    if (name.length > 0 && name.every((step) => step !== '')) return name.join('.');
  }
  return undefined;
}

function assetField(asset: Asset, field: AssetTagField): string | undefined {
  switch (field) {
    case 'space':
      return asset.space;
    case 'kind':
      return asset.kind;
    case 'modelingPattern':
      return asset.businessContext.modelingPattern;
    case 'certification':
      return asset.businessContext.certification;
  }
}

function columnField(asset: Asset, column: Column, field: ColumnTagField): string | undefined {
  return field === 'role' ? columnRole(asset, column) : columnSemanticName(column);
}

function tagsOf<F extends string>(mapping: Readonly<Record<string, F>>, valueOf: (field: F) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(mapping).sort()) {
    const raw = valueOf(mapping[key] as F);
    const value = raw === undefined ? undefined : lfTagValue(raw);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * The LF-Tags one asset wants on its database, its table and each of its columns, and the keys managed at each
 * level. Pure: the same asset and mapping give the same value, keys sorted, so it hashes the same every run.
 */
export function assetTags(asset: Asset, mapping: LfTagMapping): AssetTags {
  const columns: Record<string, Record<string, string>> = {};
  for (const column of asset.columns) {
    const tags = tagsOf(mapping.column, (field) => columnField(asset, column, field));
    if (Object.keys(tags).length > 0) columns[column.name] = tags;
  }
  return {
    keys: {
      database: Object.keys(mapping.database).sort(),
      table: Object.keys(mapping.table).sort(),
      column: Object.keys(mapping.column).sort(),
    },
    database: tagsOf(mapping.database, (field) => assetField(asset, field)),
    table: tagsOf(mapping.table, (field) => assetField(asset, field)),
    columns,
  };
}

/** The asset with its wanted LF-Tags in its business context (a new object; the input is left as it was). */
export function withLfTags(asset: Asset, mapping: LfTagMapping): Asset {
  return { ...asset, businessContext: { ...asset.businessContext, lfTags: assetTags(asset, mapping) } };
}
