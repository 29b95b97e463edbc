import type { SemanticValue } from '../../catalog/asset.ts';

/**
 * Reading CSN annotations. CSN writes enum values as `{"#": "VALUE"}` and element references as
 * `{"=": "NAME"}`; both become plain strings here, so nothing downstream has to know the notation.
 */

export type CsnNode = Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{"#": "X"}` and `{"=": "X"}` → `"X"`; anything else unchanged. */
export function plainValue(value: unknown): unknown {
  if (isRecord(value)) {
    if (typeof value['#'] === 'string') return value['#'];
    if (typeof value['='] === 'string') return value['='];
  }
  return value;
}

/** An annotation read as one string: strings, enums, references, numbers and booleans; lists joined. */
export function annotationString(node: CsnNode, key: string, separator = ','): string | undefined {
  const value = semanticValue(node[key], separator);
  if (value === undefined) return undefined;
  return String(value);
}

/**
 * A scalar, enum or reference, or a list of them joined by `separator` (lists of element references such
 * as `@ObjectModel.text.element: [{"=": "NAME"}]` are common). Structured values yield undefined.
 */
export function semanticValue(value: unknown, separator = ','): SemanticValue | undefined {
  const plain = plainValue(value);
  if (typeof plain === 'string' || typeof plain === 'boolean') return plain;
  if (typeof plain === 'number') return Number.isFinite(plain) ? plain : undefined;
  if (Array.isArray(plain)) {
    const parts = plain.map(plainValue);
    if (parts.length === 0) return undefined;
    if (!parts.every((p) => typeof p === 'string' || typeof p === 'number' || typeof p === 'boolean')) {
      return undefined;
    }
    return parts.map(String).join(separator);
  }
  return undefined;
}

/**
 * The business label. Current exports use `@EndUserText.label`; the csn 0.2 ER-modeler export
 * (Bike_Sales_Model.json) uses `@Common.Label` only, so both are read, the CDS-standard one first.
 */
export function labelOf(node: CsnNode): string | undefined {
  return nonEmpty(annotationString(node, '@EndUserText.label')) ?? nonEmpty(annotationString(node, '@Common.Label'));
}

/**
 * A longer description. No file in the corpus has one; these are the places CDS puts it
 * (`@EndUserText.quickInfo` is the tooltip text, `doc` is what `/** ... *\/` comments compile to).
 */
export function descriptionOf(node: CsnNode): string | undefined {
  return (
    nonEmpty(annotationString(node, '@EndUserText.quickInfo')) ??
    nonEmpty(annotationString(node, '@Common.QuickInfo')) ??
    nonEmpty(typeof node['doc'] === 'string' ? node['doc'] : undefined)
  );
}

/**
 * Per-column annotations that describe meaning rather than structure. `@Analytics.dimension` and the
 * measure annotations are not repeated here: they land in businessContext. `@Analytics.navigationAttributeRef`
 * is kept because it is the only lineage an analytic-model column carries.
 */
const SEMANTIC_PREFIXES = ['@Semantics.', '@ObjectModel.text.', '@ObjectModel.foreignKey.', '@ObjectModel.hierarchy.'];
const SEMANTIC_KEYS = new Set(['@Analytics.navigationAttributeRef', '@Semantics', '@ObjectModel.text', '@ObjectModel.foreignKey']);
/** A navigation path reads as one dotted path, not as a list. */
const PATH_KEYS = new Set(['@Analytics.navigationAttributeRef']);

export function columnSemantics(element: CsnNode): Record<string, SemanticValue> | undefined {
  const entries: Array<[string, SemanticValue]> = [];
  for (const [key, raw] of Object.entries(element)) {
    if (!SEMANTIC_KEYS.has(key) && !SEMANTIC_PREFIXES.some((prefix) => key.startsWith(prefix))) continue;
    for (const [flatKey, flatValue] of flattenAnnotation(key, raw)) {
      const value = semanticValue(flatValue, PATH_KEYS.has(key) ? '.' : ',');
      if (value !== undefined) entries.push([flatKey.slice(1), value]);
    }
  }
  if (entries.length === 0) return undefined;
  // Exports order annotations arbitrarily; sorted keys keep the metadata hash stable across them.
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

/** CSN may write `"@Semantics.amount": {"currencyCode": ...}` instead of the flat dotted key; treat both alike. */
function flattenAnnotation(key: string, value: unknown): Array<[string, unknown]> {
  if (isRecord(value) && typeof value['#'] !== 'string' && typeof value['='] !== 'string') {
    return Object.entries(value).flatMap(([sub, subValue]) => flattenAnnotation(`${key}.${sub}`, subValue));
  }
  return [[key, value]];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
