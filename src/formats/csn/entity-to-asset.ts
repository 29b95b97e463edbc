import { assetId } from '../../catalog/asset.ts';
import type { Asset, Association, Column, Measure, SourceType } from '../../catalog/asset.ts';
import { annotationString, columnSemantics, descriptionOf, isRecord, labelOf } from './csn-annotations.ts';
import { toAssociation } from './csn-associations.ts';
import { hierarchiesOf, isDimensionColumn, measureOf } from './csn-business-context.ts';
import { customPropertiesOf } from './csn-custom-properties.ts';
import { csnElementSchema, describeIssues } from './csn-document.ts';
import type { CsnDefinition } from './csn-document.ts';
import { assetKindOf } from './csn-kind.ts';
import { nameProblem } from '../text/name-problem.ts';
import { isAssociationType, namedSourceType } from './csn-types.ts';
import { businessLayerMeasureNames } from './business-layer.ts';
import type { BusinessLayer } from './business-layer.ts';
import type { ElementTypeResolver } from './element-type-resolver.ts';

export interface EntityContext {
  /** Space for definitions without `@DataWarehouse.space.name`. */
  space: string;
  definitions: Readonly<Record<string, unknown>>;
  layers: ReadonlyMap<string, BusinessLayer>;
  resolver: ElementTypeResolver;
}

export type EntityResult =
  | { ok: true; asset: Asset; warnings: string[] }
  | { ok: false; assetId: string; error: string };

/** How many element problems a failure message lists before it summarises the rest. */
const MAX_LISTED_PROBLEMS = 5;

/** Space an entity belongs to: its own `@DataWarehouse.space.name`, else the one the caller gave. */
export function spaceOf(definition: Record<string, unknown>, fallback: string): string {
  const own = annotationString(definition, '@DataWarehouse.space.name');
  return own !== undefined && own !== '' ? own : fallback;
}

/**
 * One `kind: "entity"` definition as an Asset. Any element that is malformed or whose type cannot be found
 * fails the whole asset: a table synced with a column missing or mistyped is worse than one not synced.
 */
export function entityToAsset(name: string, definition: CsnDefinition, context: EntityContext): EntityResult {
  const space = spaceOf(definition, context.space);
  const id = assetId(space, name);
  if (definition.elements === undefined) return { ok: false, assetId: id, error: 'entity has no elements' };

  const layer = context.layers.get(name);
  const columns: Column[] = [];
  const associations: Association[] = [];
  const primaryKey: string[] = [];
  const dimensions: string[] = [];
  const measures: Measure[] = [];
  const problems: string[] = [];

  for (const [elementName, raw] of Object.entries(definition.elements)) {
    const badName = nameProblem(elementName, 'element name');
    if (badName !== undefined) {
      problems.push(badName);
      continue;
    }
    if (!isRecord(raw)) {
      problems.push(`element ${elementName} is not an object`);
      continue;
    }
    const parsed = csnElementSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(`element ${elementName}: ${describeIssues(parsed.error)}`);
      continue;
    }
    const element = parsed.data;
    if (isAssociationType(element.type)) {
      const result = toAssociation(elementName, element);
      if ('error' in result) problems.push(result.error);
      else associations.push(result.association);
      continue;
    }

    let type: SourceType;
    let inheritedAggregation: string | undefined;
    if (typeof element.type === 'string') {
      const named = namedSourceType(element.type, element, context.definitions);
      if (!named.ok) {
        problems.push(`element ${elementName}: ${named.reason}`);
        continue;
      }
      type = named.type;
    } else {
      const resolved = context.resolver.resolve(name, elementName);
      if (!resolved.ok) {
        problems.push(resolved.reason);
        continue;
      }
      type = resolved.type;
      inheritedAggregation = annotationString(resolved.originElement, '@Aggregation.default');
    }

    const key = element.key === true;
    const column: Column = { name: elementName, type, nullable: !key && element.notNull !== true, key };
    const label = labelOf(element);
    if (label !== undefined) column.label = label;
    const description = descriptionOf(element);
    if (description !== undefined) column.description = description;
    const semantics = columnSemantics(element);
    if (semantics !== undefined) column.semantics = semantics;
    columns.push(column);

    if (key) primaryKey.push(elementName);
    if (isDimensionColumn(element)) dimensions.push(elementName);
    const measure = measureOf(elementName, element, inheritedAggregation);
    if (measure) measures.push(measure);
  }

  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
    const more = problems.length > MAX_LISTED_PROBLEMS ? `; and ${problems.length - MAX_LISTED_PROBLEMS} more` : '';
    return { ok: false, assetId: id, error: `${listed}${more}` };
  }

  // A model measure the business layer lists but the element does not annotate is still a measure.
  if (layer) {
    for (const measureName of businessLayerMeasureNames(layer)) {
      const isColumn = columns.some((column) => column.name === measureName);
      if (isColumn && !measures.some((measure) => measure.name === measureName)) measures.push({ name: measureName });
    }
  }

  const warnings: string[] = [];
  const { kind, modelingPattern, unknownPattern } = assetKindOf(definition);
  if (unknownPattern !== undefined) {
    warnings.push(`unknown @ObjectModel.modelingPattern ${unknownPattern}; classified as ${kind} by its structure`);
  }

  const businessName = labelOf(definition);
  const description = descriptionOf(definition);
  const asset: Asset = {
    id,
    space,
    technicalName: name,
    kind,
    ...(businessName !== undefined ? { businessName } : {}),
    ...(description !== undefined ? { description } : {}),
    columns,
    constraints: { primaryKey, associations },
    businessContext: {
      tags: [],
      dimensions,
      measures,
      hierarchies: hierarchiesOf(definition),
      ...(modelingPattern !== undefined ? { modelingPattern } : {}),
    },
    customProperties: customPropertiesOf(definition, layer),
  };
  return { ok: true, asset, warnings };
}
