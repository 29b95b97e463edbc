import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import { defaultChangeOptions } from '../../src/change/change-options.ts';
import { hashAsset, metadataFacet, schemaFacet } from '../../src/change/hash-asset.ts';
import { parseCsn } from '../../src/formats/csn/parse-csn.ts';
import { parseEdmx } from '../../src/formats/edmx/parse-edmx.ts';

/*
 * One real Datasphere view in both definition formats: its design-time CSN and its consumption $metadata
 * (EDMX). A tenant reads the CSN, and falls back to the EDMX when design-time reading is refused or the CSN
 * cannot be used; whatever both formats say about the object must come out the same, or the fallback alone
 * changes the asset's hashes and rewrites its table.
 */
const API = fileURLToPath(new URL('../fixtures/corpus/datasphere-api/', import.meta.url));
const NAME = 'SAP.TIME.VIEW_DIMENSION_DAY';
const SPACE = 'DEMO_SPACE';

function viaCsn(): Asset {
  const result = parseCsn(JSON.parse(readFileSync(`${API}design-time/views/${NAME}.json`, 'utf8')), { space: SPACE, mainName: NAME });
  expect(result.failures).toEqual([]);
  return result.assets.find((a) => a.id === result.mainAssetId) as Asset;
}

function viaEdmx(): Asset {
  const result = parseEdmx(readFileSync(`${API}${NAME}.xml`, 'utf8'), { space: SPACE, mainName: NAME });
  expect(result.failures).toEqual([]);
  return result.assets.find((a) => a.id === result.mainAssetId) as Asset;
}

/**
 * What only the CSN of this object states, so the EDMX path cannot know it: the associations (their targets
 * are not exposed for consumption, so the EDMX has no navigation properties), the text element and text
 * association references, the modelling pattern and the supported capabilities. Listed one by one: anything
 * else that differs is a disagreement between the two parsers.
 */
function withoutCsnOnlyFacts(asset: Asset): Asset {
  const csnOnlySemantics = new Set(['ObjectModel.text.element', 'ObjectModel.text.association', 'Semantics.text']);
  const { modelingPattern: _pattern, ...businessContext } = asset.businessContext;
  const { supportedCapabilities: _capabilities, ...customProperties } = asset.customProperties;
  return {
    ...asset,
    columns: asset.columns.map((column) => {
      const { semantics, ...rest } = column;
      const kept = Object.entries(semantics ?? {}).filter(([key]) => !csnOnlySemantics.has(key));
      return kept.length > 0 ? { ...rest, semantics: Object.fromEntries(kept) } : rest;
    }),
    constraints: { ...asset.constraints, associations: [] },
    businessContext,
    customProperties,
  };
}

describe(`${NAME} read from design-time CSN and from consumption EDMX`, () => {
  it('keeps @Analytics.dimensionType on the CSN path, as the EDMX path does', () => {
    expect(viaCsn().customProperties['dimensionType']).toBe('TIME');
    expect(viaEdmx().customProperties['dimensionType']).toBe('TIME');
  });

  it('yields the same columns with the same types, keys and nullability', () => {
    const strip = (asset: Asset) => asset.columns.map(({ name, type, key, nullable }) => ({ name, type, key, nullable }));
    expect(strip(viaEdmx())).toEqual(strip(viaCsn()));
    expect(viaEdmx().columns.map((c) => c.type.name)).not.toContain('Edm.String');
  });

  it('differs in nothing but what only the CSN states', () => {
    expect(viaEdmx()).toEqual(withoutCsnOnlyFacts(viaCsn()));
  });

  it('gives equal schema and metadata hashes over what both formats describe', () => {
    const csn = hashAsset(withoutCsnOnlyFacts(viaCsn()), defaultChangeOptions);
    const edmx = hashAsset(viaEdmx(), defaultChangeOptions);
    expect(edmx.schema).toBe(csn.schema);
    expect(edmx.metadata).toBe(csn.metadata);
    expect(edmx.content).toBe(csn.content);
  });

  it('states exactly the CSN-only facts it leaves out (so the comparison above hides nothing else)', () => {
    const csn = viaCsn();
    expect(csn.constraints.associations.map((a) => a.name)).toEqual(['_DAY_OF_WEEK', '_MONTH', '_QUARTER']);
    expect(csn.businessContext.modelingPattern).toBe('ANALYTICAL_DIMENSION');
    expect(csn.customProperties['supportedCapabilities']).toBe('ANALYTICAL_PROVIDER,ANALYTICAL_DIMENSION');
    // With them, the facets differ only there: the schema by the associations, the metadata by the rest.
    const reduced = withoutCsnOnlyFacts(csn);
    expect(schemaFacet({ ...reduced, constraints: csn.constraints })).toEqual(schemaFacet({ ...viaEdmx(), constraints: csn.constraints }));
    expect(metadataFacet(reduced)).toEqual(metadataFacet(viaEdmx()));
  });
});
