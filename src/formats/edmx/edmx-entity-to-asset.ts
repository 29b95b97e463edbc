import { assetId } from '../../catalog/asset.ts';
import type { Asset, AssetKind, Association, Column, Hierarchy, Measure, SemanticValue } from '../../catalog/asset.ts';
import { csnSemanticName } from './csn-semantic-name.ts';
import { semanticOf, termIsTrue, termString } from './edmx-annotations.ts';
import type { AnnotationMap, EdmxValue } from './edmx-annotations.ts';
import { propertySourceType } from './edmx-types.ts';
import { nameProblem } from '../text/name-problem.ts';
import type { DeclaredTypes } from './edmx-types.ts';
import { child, childrenNamed } from './xml-tree.ts';
import type { XmlNode } from './xml-tree.ts';

export interface EdmxEntityContext {
  space: string;
  /** Qualified name of the entity type, e.g. `StandaloneService.SAP_TIME_VIEW_DIMENSION_DAY`. */
  qualifiedName: string;
  annotations: ReadonlyMap<string, AnnotationMap>;
  declared: DeclaredTypes;
  /** Alias-qualified name → namespace-qualified name. */
  resolveName: (name: string) => string;
  /** Kind when the annotations do not say; the caller knows whether the service was analytical. */
  defaultKind: AssetKind;
}

export type EdmxEntityResult = { ok: true; asset: Asset } | { ok: false; assetId: string; error: string };

/** How many property problems a failure lists before it summarises the rest (as the CSN parser does). */
const MAX_LISTED_PROBLEMS = 5;

/**
 * Per-column annotations that describe meaning: the SAP Common `Is…` calendar/fiscal markers, text and unit
 * references, the Measures vocabulary. Labels, descriptions, dimension/measure flags and aggregation land in
 * their own Asset fields instead, so they are not repeated here.
 */
const SEMANTIC_PREFIXES = ['common.is', 'common.text', 'common.unit', 'common.timezone', 'measures.', 'semantics.'];
const NOT_SEMANTICS = new Set(['common.label', 'common.quickinfo', 'core.description', 'common.textformat']);

/**
 * One EntityType as an Asset. As with CSN, a property that cannot be typed or a key that names no property
 * fails the whole asset: a table with a column missing or mistyped is worse than one not synced.
 */
export function entityTypeToAsset(type: XmlNode, technicalName: string, context: EdmxEntityContext): EdmxEntityResult {
  const id = assetId(context.space, technicalName);
  const own = context.annotations.get(context.qualifiedName);
  const columns: Column[] = [];
  const associations: Association[] = [];
  const dimensions: string[] = [];
  const measures: Measure[] = [];
  const problems: string[] = [];

  const keyNode = child(type, 'Key');
  const keys = keyNode ? childrenNamed(keyNode, 'PropertyRef').map((ref) => ref.attrs['Name'] ?? '') : [];
  const keySet = new Set(keys);

  for (const property of childrenNamed(type, 'Property')) {
    const name = property.attrs['Name'];
    if (!name) {
      problems.push('a Property has no Name');
      continue;
    }
    const badName = nameProblem(name, 'property name');
    if (badName !== undefined) {
      problems.push(badName);
      continue;
    }
    const typed = propertySourceType(property, context.declared, context.resolveName);
    if (!typed.ok) {
      problems.push(`property ${name} ${typed.reason}`);
      continue;
    }
    const annotations = context.annotations.get(`${context.qualifiedName}/${name}`);
    const key = keySet.has(name);
    const column: Column = { name, type: typed.type, nullable: !key && property.attrs['Nullable']?.trim().toLowerCase() !== 'false', key };
    const label = termString(annotations, 'Common.Label');
    if (label !== undefined) column.label = label;
    const description = termString(annotations, 'Core.Description') ?? termString(annotations, 'Common.QuickInfo');
    if (description !== undefined) column.description = description;
    const semantics = columnSemantics(annotations);
    if (semantics) column.semantics = semantics;
    columns.push(column);

    if (termIsTrue(annotations, 'Analytics.Dimension')) dimensions.push(name);
    if (termIsTrue(annotations, 'Analytics.Measure')) {
      const measure: Measure = { name };
      const aggregation = termString(annotations, 'Aggregation.default');
      if (aggregation !== undefined) measure.aggregation = aggregation;
      measures.push(measure);
    }
  }
  for (const key of keys) if (!columns.some((column) => column.name === key)) problems.push(`key ${key || '(unnamed)'} names no property`);

  for (const navigation of childrenNamed(type, 'NavigationProperty')) {
    const association = toAssociation(navigation, context.resolveName);
    if ('error' in association) problems.push(association.error);
    else associations.push(association);
  }

  if (columns.length === 0 && problems.length === 0) problems.push('entity type has no properties');
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
    const more = problems.length > MAX_LISTED_PROBLEMS ? `; and ${problems.length - MAX_LISTED_PROBLEMS} more` : '';
    return { ok: false, assetId: id, error: `${listed}${more}` };
  }

  const dimensionType = termString(own, 'Analytics.dimensionType');
  const kind: AssetKind = dimensionType !== undefined || termIsTrue(own, 'Analytics.Dimension') ? 'dimension' : context.defaultKind;
  const businessName = termString(own, 'Common.Label');
  const description = termString(own, 'Core.Description') ?? termString(own, 'Common.QuickInfo');
  const asset: Asset = {
    id,
    space: context.space,
    technicalName,
    kind,
    ...(businessName !== undefined ? { businessName } : {}),
    ...(description !== undefined ? { description } : {}),
    columns,
    constraints: { primaryKey: keys, associations },
    businessContext: { tags: [], dimensions, measures, hierarchies: hierarchiesOf(own) },
    customProperties: dimensionType !== undefined ? { dimensionType } : {},
  };
  return { ok: true, asset };
}

function columnSemantics(annotations: AnnotationMap | undefined): Record<string, SemanticValue> | undefined {
  if (!annotations) return undefined;
  const entries: Array<[string, SemanticValue]> = [];
  for (const [term, value] of annotations) {
    const lower = term.toLowerCase();
    if (NOT_SEMANTICS.has(lower) || !SEMANTIC_PREFIXES.some((prefix) => lower.startsWith(prefix))) continue;
    const semantic = semanticOf(value);
    if (semantic !== undefined) entries.push([csnSemanticName(term), semantic]);
  }
  if (entries.length === 0) return undefined;
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

/**
 * `Hierarchy.leveled: [{ name, label, levels: [{ element: Path }] }]` as Datasphere writes it (the same
 * shape as CSN's `@Hierarchy.leveled`); `Hierarchy.parentChild` with `recurse.parent/child`; any other
 * Hierarchy term is kept by name as kind 'other'.
 */
function hierarchiesOf(annotations: AnnotationMap | undefined): Hierarchy[] {
  if (!annotations) return [];
  const hierarchies: Hierarchy[] = [];
  for (const [term, value] of annotations) {
    if (!term.toLowerCase().startsWith('hierarchy.')) continue;
    const variant = term.slice('Hierarchy.'.length).split('#')[0] ?? '';
    for (const entry of Array.isArray(value) ? value : [value]) {
      const record = isRecord(entry) ? entry : {};
      const name = typeof record['name'] === 'string' ? record['name'] : variant;
      let hierarchy: Hierarchy;
      if (variant.toLowerCase() === 'leveled') {
        hierarchy = { name, kind: 'leveled', levels: paths(record['levels'], 'element') };
      } else if (variant.toLowerCase() === 'parentchild') {
        hierarchy = { name, kind: 'parent-child' };
        const recurse = isRecord(record['recurse']) ? record['recurse'] : {};
        const parent = paths(recurse['parent']);
        const childNames = paths(recurse['child']);
        if (parent.length > 0) hierarchy.parent = parent.join(',');
        if (childNames.length > 0) hierarchy.child = childNames.join(',');
      } else {
        hierarchy = { name, kind: 'other' };
      }
      if (typeof record['label'] === 'string') hierarchy.label = record['label'];
      hierarchies.push(hierarchy);
    }
  }
  return hierarchies;
}

function toAssociation(navigation: XmlNode, resolveName: (name: string) => string): Association | { error: string } {
  const name = navigation.attrs['Name'];
  const written = navigation.attrs['Type'];
  if (!name || !written) return { error: `a NavigationProperty lacks Name or Type` };
  const collection = /^Collection\((.+)\)$/.exec(written.trim());
  const qualified = resolveName(collection ? (collection[1] as string) : written.trim());
  const association: Association = { name, target: qualified.slice(qualified.lastIndexOf('.') + 1) };
  const notNull = navigation.attrs['Nullable']?.trim().toLowerCase() === 'false';
  association.cardinality = collection ? { max: '*' } : { ...(notNull ? { min: 1 } : {}), max: 1 };
  const on = childrenNamed(navigation, 'ReferentialConstraint').map(
    (constraint) => `${constraint.attrs['Property'] ?? ''} = ${name}.${constraint.attrs['ReferencedProperty'] ?? ''}`,
  );
  if (on.length > 0) association.on = on;
  return association;
}

/** Names from a list of `"X"` or `{ [field]: "X" }` entries (Path values are read as their text). */
function paths(list: EdmxValue | undefined, field?: string): string[] {
  const items = Array.isArray(list) ? list : list === undefined ? [] : [list];
  return items
    .map((item) => (field !== undefined && isRecord(item) ? item[field] : item))
    .filter((item): item is string => typeof item === 'string');
}

function isRecord(value: EdmxValue | undefined): value is { [property: string]: EdmxValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
