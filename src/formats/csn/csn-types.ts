import type { SourceType } from '../../catalog/asset.ts';
import { isRecord } from './csn-annotations.ts';
import { csnElementSchema, describeIssues } from './csn-document.ts';
import type { CsnElement } from './csn-document.ts';

/** Datasphere creates `cds.String` columns without a length as NVARCHAR(5000). */
export const DATASPHERE_DEFAULT_STRING_LENGTH = 5000;

const ASSOCIATION_TYPES = new Set(['cds.Association', 'cds.Composition', 'Association', 'Composition']);

export function isAssociationType(type: unknown): boolean {
  return typeof type === 'string' && ASSOCIATION_TYPES.has(type);
}

/**
 * The corpus spells the geometry type `cds.hana.ST_GEOMETRY` (CDS compiler 1.x output); older CDS wrote
 * `hana.ST_GEOMETRY` for the same type. Both become the `cds.hana.` spelling, every other name is kept
 * exactly as written, so the type mapping has one name per type.
 */
export function normaliseTypeName(name: string): string {
  return name.startsWith('hana.') ? `cds.${name}` : name;
}

export type TypeResult = { ok: true; type: SourceType } | { ok: false; reason: string };

/**
 * The SourceType of an element whose `type` is a name. Names defined in the document itself
 * (`kind: "type"`) are followed to the built-in they stand for; the element's own facets win over the
 * named type's, as in CDS.
 */
export function namedSourceType(
  typeName: string,
  facets: CsnElement,
  definitions: Readonly<Record<string, unknown>>,
  seen: ReadonlySet<string> = new Set(),
): TypeResult {
  const custom = Object.hasOwn(definitions, typeName) ? definitions[typeName] : undefined;
  if (!typeName.startsWith('cds.') && isRecord(custom) && (custom['kind'] === undefined || custom['kind'] === 'type')) {
    if (seen.has(typeName)) return { ok: false, reason: `type ${typeName} is defined in terms of itself` };
    const parsed = csnElementSchema.safeParse(custom);
    if (!parsed.success) return { ok: false, reason: `type ${typeName}: ${describeIssues(parsed.error)}` };
    const inner = parsed.data.type;
    if (typeof inner !== 'string') return { ok: false, reason: `type ${typeName} has no built-in underlying type` };
    const merged = { ...parsed.data, ...definedFacets(facets) };
    return namedSourceType(inner, merged, definitions, new Set([...seen, typeName]));
  }
  return { ok: true, type: builtInSourceType(normaliseTypeName(typeName), facets) };
}

/** Builds the SourceType with only the facets that are present, in a fixed key order. */
export function builtInSourceType(name: string, facets: CsnElement): SourceType {
  const type: SourceType = { name };
  const length = facets.length ?? (name === 'cds.String' ? DATASPHERE_DEFAULT_STRING_LENGTH : undefined);
  if (length !== undefined) type.length = length;
  if (facets.precision !== undefined) type.precision = facets.precision;
  if (typeof facets.scale === 'number') type.scale = facets.scale;
  if (facets.srid !== undefined) type.srid = facets.srid;
  return type;
}

function definedFacets(element: CsnElement): Partial<CsnElement> {
  const facets: Partial<CsnElement> = {};
  if (element.length !== undefined) facets.length = element.length;
  if (element.precision !== undefined) facets.precision = element.precision;
  if (element.scale !== undefined) facets.scale = element.scale;
  if (element.srid !== undefined) facets.srid = element.srid;
  return facets;
}
