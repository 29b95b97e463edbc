import { annotationString } from './csn-annotations.ts';
import type { CsnNode } from './csn-annotations.ts';
import { businessLayerSourceNames } from './business-layer.ts';
import type { BusinessLayer } from './business-layer.ts';

/**
 * Small, stable facts worth a Glue table parameter. Left out on purpose: the SQL text
 * (`@DataWarehouse.sqlEditor.query`, kilobytes that would bloat every table and churn the metadata hash on
 * whitespace edits — only its presence is kept), the compiled `query`, `_meta` and editor UI state.
 */
const ANNOTATION_PROPERTIES: ReadonlyArray<readonly [annotation: string, property: string]> = [
  ['@DataWarehouse.consumption.external', 'consumptionExternal'],
  ['@DataWarehouse.dataSource.entity', 'dataSourceEntity'],
  ['@DataWarehouse.dataSource.schema', 'dataSourceSchema'],
  ['@DataWarehouse.editorType', 'editorType'],
  ['@DataWarehouse.external.entity', 'externalEntity'],
  ['@DataWarehouse.external.schema', 'externalSchema'],
  ['@DataWarehouse.remote.connection', 'remoteConnection'],
  ['@DataWarehouse.remote.entity', 'remoteEntity'],
  ['@ObjectModel.supportedCapabilities', 'supportedCapabilities'],
  ['@DataWarehouse.hanaCatalog.viewType', 'viewType'],
];

export function customPropertiesOf(definition: CsnNode, layer: BusinessLayer | undefined): Record<string, string> {
  const properties: Array<[string, string]> = [];
  for (const [annotation, property] of ANNOTATION_PROPERTIES) {
    const value = annotationString(definition, annotation);
    if (value !== undefined) properties.push([property, value]);
  }
  // `@Analytics.dimensionType: #TIME` (exports write it as the string "#TIME" or as {"#": "TIME"}): the EDMX of
  // the same object says `Analytics.dimensionType` "TIME", read there as dimensionType=TIME. Both paths keep it,
  // or an asset would change its metadata hash when a tenant falls back from one format to the other.
  const dimensionType = annotationString(definition, '@Analytics.dimensionType')?.replace(/^#/, '');
  if (dimensionType !== undefined && dimensionType.trim() !== '') properties.push(['dimensionType', dimensionType]);
  if (definition['@DataWarehouse.sqlEditor.query'] !== undefined) properties.push(['sqlEditor', 'true']);
  if (layer) {
    const { facts, dimensions } = businessLayerSourceNames(layer);
    if (facts.length > 0) properties.push(['factSources', facts.join(',')]);
    if (dimensions.length > 0) properties.push(['dimensionSources', dimensions.join(',')]);
  }
  properties.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(properties);
}
