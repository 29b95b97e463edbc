import type { Hierarchy, Measure } from '../../catalog/asset.ts';
import { annotationString, isRecord, plainValue } from './csn-annotations.ts';
import type { CsnNode } from './csn-annotations.ts';

/** `@Aggregation.default` values that mean "do not aggregate"; CDS puts them on attributes, not measures. */
const NON_AGGREGATIONS = new Set(['NONE', 'NOP']);

/**
 * A measure when the element says so: `@AnalyticsDetails.measureType` (fact views and analytic models), or
 * a real `@Aggregation.default`. `inheritedAggregation` is the aggregation of the source element an
 * analytic-model measure comes from — the model itself only repeats the measure type.
 */
export function measureOf(name: string, element: CsnNode, inheritedAggregation?: string): Measure | undefined {
  const measureType = annotationString(element, '@AnalyticsDetails.measureType');
  const ownAggregation = annotationString(element, '@Aggregation.default');
  const isMeasure = measureType !== undefined || (ownAggregation !== undefined && !NON_AGGREGATIONS.has(ownAggregation));
  if (!isMeasure) return undefined;
  const measure: Measure = { name };
  const aggregation = ownAggregation ?? inheritedAggregation;
  if (aggregation !== undefined) measure.aggregation = aggregation;
  if (measureType !== undefined) measure.measureType = measureType;
  return measure;
}

/**
 * A column acts as a dimension when it is annotated `@Analytics.dimension: true` (dimension views), or when
 * it is the foreign key of a dimension association (`@ObjectModel.foreignKey.association`) — that is how
 * fact views and analytic models mark their dimensions; they carry no `@Analytics.dimension`.
 */
export function isDimensionColumn(element: CsnNode): boolean {
  return element['@Analytics.dimension'] === true || element['@ObjectModel.foreignKey.association'] !== undefined;
}

/**
 * `@Hierarchy.leveled: [{ name, label, levels: [{ element: {"=": X} }] }]` and
 * `@Hierarchy.parentChild: [{ name, label, recurse: { parent: [...], child: [...] } }]`; any other
 * `@Hierarchy.*` annotation is kept as kind 'other' so it is at least named.
 */
export function hierarchiesOf(definition: CsnNode): Hierarchy[] {
  const hierarchies: Hierarchy[] = [];
  for (const [key, value] of Object.entries(definition)) {
    if (!key.startsWith('@Hierarchy.')) continue;
    const variant = key.slice('@Hierarchy.'.length);
    for (const entry of Array.isArray(value) ? value : [value]) {
      if (!isRecord(entry)) continue;
      const name = typeof entry['name'] === 'string' ? entry['name'] : variant;
      const hierarchy: Hierarchy =
        variant === 'leveled'
          ? { name, kind: 'leveled', levels: names(entry['levels'], 'element') }
          : variant === 'parentChild'
            ? parentChild(name, entry['recurse'])
            : { name, kind: 'other' };
      if (typeof entry['label'] === 'string') hierarchy.label = entry['label'];
      hierarchies.push(hierarchy);
    }
  }
  return hierarchies;
}

function parentChild(name: string, recurse: unknown): Hierarchy {
  const hierarchy: Hierarchy = { name, kind: 'parent-child' };
  if (!isRecord(recurse)) return hierarchy;
  const parent = names(recurse['parent']);
  const child = names(recurse['child']);
  if (parent.length > 0) hierarchy.parent = parent.join(',');
  if (child.length > 0) hierarchy.child = child.join(',');
  return hierarchy;
}

/** Element names from a list of `"X"`, `{"=": "X"}` or `{ [field]: {"=": "X"} }` entries. */
function names(list: unknown, field?: string): string[] {
  const items = Array.isArray(list) ? list : list === undefined ? [] : [list];
  return items
    .map((item) => plainValue(field !== undefined && isRecord(item) && field in item ? item[field] : item))
    .filter((item): item is string => typeof item === 'string');
}
