import { assetId } from '../../catalog/asset.ts';
import { boundText } from '../../catalog/bounded-text.ts';
import type { Asset } from '../../catalog/asset.ts';
import type { AssetFailure, AssetWarning } from '../../catalog/source.ts';
import { isRecord } from './csn-annotations.ts';
import { csnDefinitionSchema, csnDocumentSchema, describeIssues } from './csn-document.ts';
import { parseBusinessLayers } from './business-layer.ts';
import { ElementTypeResolver } from './element-type-resolver.ts';
import { entityToAsset, spaceOf } from './entity-to-asset.ts';
import { nameProblem, spaceNameProblem } from '../text/name-problem.ts';
import { compareText } from '../../catalog/compare-text.ts';

export interface ParseCsnOptions {
  /** Space of every definition that does not name its own with `@DataWarehouse.space.name`. */
  space: string;
  /** Technical name of the exported object (the file name for a file export); its dependencies ride along. */
  mainName?: string;
}

export interface ParseCsnResult {
  /** Sorted by id, so the same document always gives the same output whatever its key order. */
  assets: Asset[];
  warnings: AssetWarning[];
  failures: AssetFailure[];
  /** Id of the definition named `mainName`, when the document defines it (whether it parsed or failed). */
  mainAssetId?: string;
  /** Set when the document as a whole is unusable: its assets are unknown, which is not the same as absent. */
  documentError?: string;
}

/** Export formats this parser was written against: current exports and the older ER-modeler export. */
const KNOWN_CSN_VERSIONS = new Set(['1.0', '0.2']);

/** `entity` is what current CSN uses for tables and views alike; `view` is the pre-1.0 spelling of a view. */
const ASSET_DEFINITION_KINDS = new Set(['entity', 'view']);

/**
 * Datasphere CSN export → assets. Pure: no I/O, so a file export and a per-object REST response go through
 * the same code. Every `kind: "entity"` definition becomes an asset (the main object and each dependency the
 * export carries); `context`, `type` and other kinds are namespaces or helpers, not assets. Definition names
 * are unique within a document by construction (they are keys of one JSON object).
 */
export function parseCsn(doc: unknown, options: ParseCsnOptions): ParseCsnResult {
  const documentAssetId = assetId(options.space, options.mainName ?? '(document)');
  const parsed = csnDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    const error = boundText(
      isRecord(doc)
        ? `not a CSN document: ${describeIssues(parsed.error)}`
        : `not a CSN document: expected a JSON object, got ${doc === null ? 'null' : Array.isArray(doc) ? 'an array' : typeof doc}`,
    );
    return { assets: [], warnings: [], failures: [{ assetId: documentAssetId, error }], documentError: error };
  }

  const { definitions, businessLayerDefinitions } = parsed.data;
  const warnings: AssetWarning[] = [];
  const failures: AssetFailure[] = [];
  const assets: Asset[] = [];

  const version = parsed.data.version?.csn ?? parsed.data.$version;
  if (version !== undefined && !KNOWN_CSN_VERSIONS.has(version)) {
    warnings.push({
      assetId: documentAssetId,
      message: `csn version ${version} is not one this parser knows (${[...KNOWN_CSN_VERSIONS].join(', ')}); parsed as 1.0`,
    });
  }

  const { layers, problems } = parseBusinessLayers(businessLayerDefinitions);
  for (const problem of problems) warnings.push({ assetId: assetId(options.space, problem.model), message: problem.reason });
  const context = { space: options.space, definitions, layers, resolver: new ElementTypeResolver(definitions, layers) };

  let mainAssetId: string | undefined;
  for (const [name, raw] of Object.entries(definitions)) {
    if (!isRecord(raw)) {
      failures.push({ assetId: assetId(options.space, name), error: 'definition is not an object' });
      continue;
    }
    const ownSpace = spaceOf(raw, options.space);
    const spaceProblem = spaceNameProblem(ownSpace, 'space name (@DataWarehouse.space.name)');
    // Under an unusable space the id itself would be ambiguous: such a definition is filed under the export's space.
    const id = assetId(spaceProblem === undefined ? ownSpace : options.space, name);
    if (typeof raw['kind'] === 'string' && !ASSET_DEFINITION_KINDS.has(raw['kind'])) continue;
    const definition = csnDefinitionSchema.safeParse(raw);
    if (!definition.success) {
      failures.push({ assetId: id, error: `malformed definition: ${describeIssues(definition.error)}` });
      continue;
    }
    if (definition.data.kind === undefined) continue;
    if (name === options.mainName) mainAssetId = id;
    // A damaged name would sync as another asset (its table named after what is left of it): fail it instead.
    const badName = nameProblem(name, 'definition name');
    if (badName !== undefined) {
      failures.push({ assetId: id, error: badName });
      continue;
    }
    if (spaceProblem !== undefined) {
      failures.push({ assetId: id, error: spaceProblem });
      continue;
    }

    const result = entityToAsset(name, definition.data, context);
    if (!result.ok) {
      failures.push({ assetId: result.assetId, error: result.error });
      continue;
    }
    assets.push(result.asset);
    for (const message of result.warnings) warnings.push({ assetId: result.asset.id, message });
  }

  assets.sort((a, b) => compareText(a.id, b.id));
  return {
    assets,
    warnings: warnings.map((w) => ({ assetId: w.assetId, message: boundText(w.message) })),
    failures: failures.sort((a, b) => compareText(a.assetId, b.assetId)).map((f) => ({ assetId: f.assetId, error: boundText(f.error) })),
    ...(mainAssetId !== undefined ? { mainAssetId } : {}),
  };
}

