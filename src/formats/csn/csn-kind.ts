import type { AssetKind } from '../../catalog/asset.ts';
import { annotationString } from './csn-annotations.ts';
import type { CsnNode } from './csn-annotations.ts';

const KIND_BY_PATTERN: Readonly<Record<string, AssetKind>> = {
  ANALYTICAL_CUBE: 'analytic-model',
  ANALYTICAL_DIMENSION: 'dimension',
  ANALYTICAL_FACT: 'fact',
  LANGUAGE_DEPENDENT_TEXT: 'text',
};

/** Patterns that say nothing about the kind beyond "a plain relational structure". */
const STRUCTURAL_PATTERNS = new Set(['DATA_STRUCTURE']);

/**
 * Remote tables (federated through a connection) are marked `@DataWarehouse.remote.connection` /
 * `@DataWarehouse.remote.entity` in Datasphere CSN; `@remote.source` is the older spelling.
 */
const REMOTE_ANNOTATIONS = ['@DataWarehouse.remote.connection', '@DataWarehouse.remote.entity', '@remote.source'];

/**
 * The kind rule, from what the corpus holds:
 *   1. `@ObjectModel.modelingPattern` (the "semantic usage") decides when it says more than DATA_STRUCTURE:
 *      ANALYTICAL_CUBE → analytic-model, ANALYTICAL_DIMENSION → dimension, ANALYTICAL_FACT → fact,
 *      LANGUAGE_DEPENDENT_TEXT → text, any *HIERARCHY* pattern → hierarchy. A dimension that merely carries
 *      `@Hierarchy.leveled` (DQMSampleData_Address_Level) stays a dimension.
 *   2. Otherwise (DATA_STRUCTURE, no pattern, or a pattern we do not know): a definition with a `query` or
 *      `projection` (graphical and SQL views alike; SQL views also carry `@DataWarehouse.sqlEditor.query`)
 *      is a view;
 *   3. one with remote-source annotations (REMOTE_ANNOTATIONS) is a remote table;
 *   4. anything else is a table.
 * `@DataWarehouse.dataSource.*` and `@DataWarehouse.external.*` are deliberately NOT read as "remote": in
 * the corpus they sit on SalesOrders, BusinessPartners and DQMSampleData (file-upload local tables whose
 * data lives in a `<SPACE>#<USER>` schema of the same tenant — SOURCES.md calls SalesOrders a local table)
 * and on Addresses_View_GEO (a local table over an Open SQL schema table). They are kept as custom
 * properties instead.
 */
export function assetKindOf(definition: CsnNode): { kind: AssetKind; modelingPattern?: string; unknownPattern?: string } {
  const pattern = annotationString(definition, '@ObjectModel.modelingPattern');
  const byPattern = pattern === undefined ? undefined : patternKind(pattern);
  const base = pattern === undefined ? {} : { modelingPattern: pattern };
  if (byPattern) return { kind: byPattern, ...base };

  const unknownPattern = pattern !== undefined && !STRUCTURAL_PATTERNS.has(pattern) ? { unknownPattern: pattern } : {};
  if (isView(definition)) return { kind: 'view', ...base, ...unknownPattern };
  if (REMOTE_ANNOTATIONS.some((key) => definition[key] !== undefined)) return { kind: 'remote-table', ...base, ...unknownPattern };
  return { kind: 'table', ...base, ...unknownPattern };
}

export function isView(definition: CsnNode): boolean {
  return (
    definition['kind'] === 'view' ||
    definition['query'] !== undefined ||
    definition['projection'] !== undefined ||
    definition['@DataWarehouse.sqlEditor.query'] !== undefined
  );
}

function patternKind(pattern: string): AssetKind | undefined {
  if (Object.hasOwn(KIND_BY_PATTERN, pattern)) return KIND_BY_PATTERN[pattern];
  return pattern.includes('HIERARCHY') ? 'hierarchy' : undefined;
}
