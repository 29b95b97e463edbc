import { assetId } from '../../catalog/asset.ts';
import { boundText } from '../../catalog/bounded-text.ts';
import type { Asset, AssetKind } from '../../catalog/asset.ts';
import type { AssetFailure, AssetWarning } from '../../catalog/source.ts';
import { collectAnnotations, termString, Vocabulary } from './edmx-annotations.ts';
import type { AnnotationMap, EdmxValue } from './edmx-annotations.ts';
import { entityTypeToAsset } from './edmx-entity-to-asset.ts';
import type { DeclaredTypes } from './edmx-types.ts';
import { nameProblem } from '../text/name-problem.ts';
import { child, childrenNamed, parseXmlTree } from './xml-tree.ts';
import type { XmlNode } from './xml-tree.ts';
import { compareText } from '../../catalog/compare-text.ts';

export interface ParseEdmxOptions {
  /** Space every entity type belongs to (EDMX does not name one). */
  space: string;
  /**
   * Technical name of the asset the document was fetched for. The matching entity type (by its
   * `DataIntegration.OriginalName`, its entity set or its own name, dots written as `_`) is given this
   * name, so the id lines up with the catalog listing even where EDMX had to rename it.
   */
  mainName?: string;
  /** Kind of entity types whose annotations do not say (default `view`: the consumption API exposes views). */
  defaultKind?: AssetKind;
}

/** The same shape as the CSN parser's result, so a source handles both formats alike. */
export interface ParseEdmxResult {
  /** Sorted by id. */
  assets: Asset[];
  warnings: AssetWarning[];
  failures: AssetFailure[];
  /** Id of the entity type matched to `mainName` (whether it parsed or failed). */
  mainAssetId?: string;
  /** Set when the document as a whole is unusable: not XML, not EDMX, or no entity types. */
  documentError?: string;
}

interface Candidate {
  type: XmlNode;
  qualifiedName: string;
  namespace: string;
  technicalName: string;
  entitySets: string[];
  annotations: ReadonlyMap<string, AnnotationMap>;
}

/**
 * Consumption `$metadata` (OData V4 EDMX) → assets. Pure: XML text in, Assets out. Types stay in EDM
 * spelling (`{ name: 'Edm.String', length: 10 }`); the EDM → Glue table in mappings/ maps them. Business
 * context comes from the SAP vocabularies: Common.Label → labels, Analytics.Dimension / Analytics.Measure
 * → dimensions and measures, Hierarchy.leveled → hierarchies.
 */
export function parseEdmx(xml: string, options: ParseEdmxOptions): ParseEdmxResult {
  const documentId = assetId(options.space, options.mainName ?? '(document)');
  const fail = (error: string): ParseEdmxResult => ({
    assets: [],
    warnings: [],
    failures: [{ assetId: documentId, error: boundText(error) }],
    documentError: boundText(error),
  });

  const tree = parseXmlTree(xml);
  if (!tree.ok) return fail(`not an EDMX document: ${tree.error}`);
  const edmx = tree.root;
  if (edmx.name !== 'Edmx') return fail(`not an EDMX document: the root element is <${edmx.name}>, not <edmx:Edmx>`);
  const services = child(edmx, 'DataServices');
  if (!services) return fail('not an EDMX document: it has no <edmx:DataServices>');

  const vocabulary = new Vocabulary(edmx);
  const schemas = childrenNamed(services, 'Schema');
  const declared = declaredTypes(schemas);
  const resolveName = (name: string): string => vocabulary.target(name);
  // Annotations may target a type from another schema (a separate annotation schema is common), so they
  // are gathered across the whole document first.
  const annotations = new Map<string, Map<string, EdmxValue>>();
  for (const schema of schemas) {
    for (const [target, terms] of collectAnnotations(schema, vocabulary)) {
      const merged = annotations.get(target);
      if (merged) for (const [term, value] of terms) merged.set(term, value);
      else annotations.set(target, terms);
    }
  }
  const candidates = schemas.flatMap((schema) => candidatesOf(schema, vocabulary, schemas, annotations));
  if (candidates.length === 0) return fail('the EDMX document defines no entity type');

  const main = options.mainName === undefined ? undefined : findMain(candidates, options.mainName);
  const warnings: AssetWarning[] = [];
  const failures: AssetFailure[] = [];
  const assets: Asset[] = [];
  const seen = new Set<string>();
  let mainAssetId: string | undefined;

  for (const candidate of candidates) {
    const technicalName = candidate === main ? (options.mainName as string) : candidate.technicalName;
    const id = assetId(options.space, technicalName);
    if (candidate === main) mainAssetId = id;
    if (seen.has(id)) {
      warnings.push({ assetId: id, message: `entity type ${candidate.qualifiedName} repeats the name ${technicalName}; ignored` });
      continue;
    }
    seen.add(id);
    const badName = nameProblem(technicalName, 'entity name');
    if (badName !== undefined) {
      failures.push({ assetId: id, error: badName });
      continue;
    }
    const result = entityTypeToAsset(candidate.type, technicalName, {
      space: options.space,
      qualifiedName: candidate.qualifiedName,
      annotations: candidate.annotations,
      declared,
      resolveName,
      defaultKind: options.defaultKind ?? 'view',
    });
    if (result.ok) assets.push(result.asset);
    else failures.push({ assetId: result.assetId, error: result.error });
  }

  assets.sort((a, b) => compareText(a.id, b.id));
  return {
    assets,
    // Names and values in these come from the document: bounded, whatever their size.
    warnings: warnings.map((w) => ({ assetId: w.assetId, message: boundText(w.message) })),
    failures: failures.sort((a, b) => compareText(a.assetId, b.assetId)).map((f) => ({ assetId: f.assetId, error: boundText(f.error) })),
    ...(mainAssetId !== undefined ? { mainAssetId } : {}),
  };
}

function candidatesOf(
  schema: XmlNode,
  vocabulary: Vocabulary,
  schemas: readonly XmlNode[],
  annotations: ReadonlyMap<string, AnnotationMap>,
): Candidate[] {
  const namespace = schema.attrs['Namespace'] ?? '';
  // Entity sets may sit in another schema's container; collect them all once per candidate.
  const sets = schemas.flatMap((s) => childrenNamed(s, 'EntityContainer')).flatMap((c) => childrenNamed(c, 'EntitySet'));
  return childrenNamed(schema, 'EntityType')
    .filter((type) => type.attrs['Abstract']?.toLowerCase() !== 'true' && type.attrs['Name'])
    .map((type) => {
      const name = type.attrs['Name'] as string;
      const qualifiedName = `${namespace}.${name}`;
      const original = termString(annotations.get(qualifiedName), 'DataIntegration.OriginalName');
      const entitySets = sets
        .filter((set) => set.attrs['EntityType'] !== undefined && vocabulary.target(set.attrs['EntityType']) === qualifiedName)
        .map((set) => set.attrs['Name'] ?? '');
      return { type, qualifiedName, namespace, technicalName: original ?? name, entitySets, annotations };
    });
}

/**
 * The entity type a document was fetched for: named by `DataIntegration.OriginalName`, else by its entity
 * set, else by its own name — each also tried with dots written as underscores, the form OData names
 * take. A document with a single entity type needs no name to match.
 */
function findMain(candidates: readonly Candidate[], mainName: string): Candidate | undefined {
  const names = new Set([mainName, mainName.replace(/[^A-Za-z0-9_]/g, '_')]);
  return (
    candidates.find((c) => c.technicalName === mainName) ??
    candidates.find((c) => c.entitySets.some((set) => names.has(set))) ??
    candidates.find((c) => names.has(c.qualifiedName.slice(c.namespace.length + 1))) ??
    (candidates.length === 1 ? candidates[0] : undefined)
  );
}

function declaredTypes(schemas: readonly XmlNode[]): DeclaredTypes {
  const definitions = new Map<string, XmlNode>();
  const enums = new Map<string, XmlNode>();
  for (const schema of schemas) {
    const namespace = schema.attrs['Namespace'] ?? '';
    for (const node of childrenNamed(schema, 'TypeDefinition')) definitions.set(`${namespace}.${node.attrs['Name'] ?? ''}`, node);
    for (const node of childrenNamed(schema, 'EnumType')) enums.set(`${namespace}.${node.attrs['Name'] ?? ''}`, node);
  }
  return { definitions, enums };
}

