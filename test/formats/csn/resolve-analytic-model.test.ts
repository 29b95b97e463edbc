import { describe, it, expect } from 'vitest';
import type { Asset, SourceType } from '../../../src/catalog/asset.ts';
import { parseCsn } from '../../../src/formats/csn/parse-csn.ts';
import { ElementTypeResolver } from '../../../src/formats/csn/element-type-resolver.ts';
import { parseBusinessLayers } from '../../../src/formats/csn/business-layer.ts';
import { rawDefinitions, rawElement, readCorpus } from './corpus.ts';

const SPACE = 'SALES';

type Doc = Record<string, unknown> & { definitions: Record<string, Record<string, unknown>> };

function load(file: string): Doc {
  return structuredClone(readCorpus(file)) as Doc;
}

function model(doc: unknown, name: string): { asset?: Asset; failure?: string; others: Asset[] } {
  const result = parseCsn(doc, { space: SPACE, mainName: name });
  return {
    asset: result.assets.find((asset) => asset.technicalName === name),
    failure: result.failures.find((failure) => failure.assetId === `${SPACE}/${name}`)?.error,
    others: result.assets.filter((asset) => asset.technicalName !== name),
  };
}

/** The type the corpus writes on a source element, read straight from the raw JSON. */
function rawType(file: string, entity: string, element: string): SourceType {
  const raw = rawElement(file, entity, element);
  const type: SourceType = { name: raw['type'] as string };
  for (const facet of ['length', 'precision', 'scale', 'srid'] as const) {
    if (typeof raw[facet] === 'number') type[facet] = raw[facet];
  }
  return type;
}

/**
 * Expected type of every model column, traced by hand from the raw model element: a navigation attribute
 * `[assoc, E]` comes from E of the association's target; anything else from the fact source element of
 * the same name (the corpus models map attributes and measures one-to-one by name).
 */
function expectedModelTypes(file: string, modelName: string, factSource: string): Record<string, SourceType> {
  const elements = rawDefinitions(file)[modelName]?.['elements'] as Record<string, Record<string, unknown>>;
  const expected: Record<string, SourceType> = {};
  for (const [name, element] of Object.entries(elements)) {
    if (element['type'] === 'cds.Association') continue;
    expect(element['type'], `${modelName}.${name} is untyped in the file`).toBeUndefined();
    const navigation = element['@Analytics.navigationAttributeRef'] as string[] | undefined;
    if (navigation) {
      const [association, target] = navigation as [string, string];
      const dimension = elements[association]?.['target'] as string;
      expected[name] = rawType(file, dimension, target);
    } else {
      expected[name] = rawType(file, factSource, name);
    }
  }
  return expected;
}

function typesOf(asset: Asset | undefined): Record<string, SourceType> {
  return Object.fromEntries((asset?.columns ?? []).map((column) => [column.name, column.type]));
}

describe('analytic models: columns without type are resolved through their sources', () => {
  it('SalesOrders_Model takes its types from SalesOrders_View and Addresses_Location', () => {
    const { asset, failure } = model(load('SalesOrders_Model.json'), 'SalesOrders_Model');
    expect(failure).toBeUndefined();
    expect(asset?.kind).toBe('analytic-model');
    expect(asset?.columns).toHaveLength(33);
    expect(typesOf(asset)).toEqual(expectedModelTypes('SalesOrders_Model.json', 'SalesOrders_Model', 'SalesOrders_View'));
    // Spot checks against what the fact view and its base table write.
    expect(typesOf(asset)['NETAMOUNT']).toEqual({ name: 'cds.Decimal', precision: 38, scale: 19 });
    expect(typesOf(asset)['LATLONG_2']).toEqual({ name: 'cds.hana.ST_GEOMETRY', srid: 4326 });
    expect(typesOf(asset)['PARTNERID1']).toEqual(rawType('SalesOrders_Model.json', 'Addresses_Location', 'PARTNERID'));
  });

  it('DQMSampleData_Model takes its types from DQMSampleData_View and the level dimensions', () => {
    const { asset, failure } = model(load('DQMSampleData_Model.json'), 'DQMSampleData_Model');
    expect(failure).toBeUndefined();
    expect(typesOf(asset)).toEqual(expectedModelTypes('DQMSampleData_Model.json', 'DQMSampleData_Model', 'DQMSampleData_View'));
    expect(typesOf(asset)['Address_Level_ADDR_ASMT_LEVE']).toEqual({ name: 'cds.String', length: 10 });
    expect(typesOf(asset)['ADDR_ASMT_LEVEL']).toEqual({ name: 'cds.String', length: 2 });
  });

  it('reads the model business context: measures with the source aggregation, dimensions, labels', () => {
    const { asset } = model(load('SalesOrders_Model.json'), 'SalesOrders_Model');
    expect(asset?.businessName).toBe('SalesOrders_Model');
    expect(asset?.businessContext.modelingPattern).toBe('ANALYTICAL_CUBE');
    // The model writes only measureType; SUM is the fact view's @Aggregation.default.
    expect(asset?.businessContext.measures).toEqual([
      { name: 'GROSSAMOUNT', aggregation: 'SUM', measureType: 'BASE' },
      { name: 'NETAMOUNT', aggregation: 'SUM', measureType: 'BASE' },
    ]);
    expect(asset?.businessContext.dimensions).toEqual(['COMPANYNAME']);
    expect(asset?.constraints.associations).toEqual([
      { name: '_Addresses∞0', target: 'Addresses_Location', on: ['COMPANYNAME = _Addresses∞0.COMPANYNAME'] },
    ]);
    const partner = asset?.columns.find((column) => column.name === 'PARTNERID1');
    expect(partner?.label).toBe('PARTNERID');
    expect(partner?.semantics).toEqual({ 'Analytics.navigationAttributeRef': '_Addresses\u221e0.PARTNERID' });

    const dqm = model(load('DQMSampleData_Model.json'), 'DQMSampleData_Model').asset;
    expect(dqm?.businessContext.measures).toEqual([{ name: 'ID', aggregation: 'COUNT', measureType: 'BASE' }]);
    expect(dqm?.businessContext.dimensions).toEqual(['ADDR_ASMT_LEVEL', 'GEO_ASMT_LEVEL']);
  });

  it('resolves through @Analytics.navigationAttributeRef and the query when businessLayerDefinitions is absent', () => {
    const doc = load('SalesOrders_Model.json');
    delete doc['businessLayerDefinitions'];
    const { asset, failure } = model(doc, 'SalesOrders_Model');
    expect(failure).toBeUndefined();
    expect(typesOf(asset)).toEqual(expectedModelTypes('SalesOrders_Model.json', 'SalesOrders_Model', 'SalesOrders_View'));
  });

  it('resolves through the query alone (no business layer, no navigation refs)', () => {
    const doc = load('DQMSampleData_Model.json');
    delete doc['businessLayerDefinitions'];
    const elements = doc.definitions['DQMSampleData_Model']?.['elements'] as Record<string, Record<string, unknown>>;
    for (const element of Object.values(elements)) delete element['@Analytics.navigationAttributeRef'];
    const { asset, failure } = model(doc, 'DQMSampleData_Model');
    expect(failure).toBeUndefined();
    expect(typesOf(asset)).toEqual(expectedModelTypes('DQMSampleData_Model.json', 'DQMSampleData_Model', 'DQMSampleData_View'));
  });

  it('fails the model, naming the column, when nothing can trace a type; the other assets still parse', () => {
    const doc = load('SalesOrders_Model.json');
    delete doc['businessLayerDefinitions'];
    delete doc.definitions['SalesOrders_Model']?.['query'];
    const { asset, failure, others } = model(doc, 'SalesOrders_Model');
    expect(asset).toBeUndefined();
    expect(failure).toContain('SalesOrders_Model.SALESORDERID');
    expect(others.map((other) => other.technicalName).sort()).toEqual([
      'Addresses_Location',
      'Addresses_View_GEO',
      'BusinessPartners',
      'SalesOrders',
      'SalesOrders_View',
    ]);
  });

  it('fails the model when its fact source is not in the document', () => {
    const doc = load('DQMSampleData_Model.json');
    delete doc.definitions['DQMSampleData_View'];
    const { asset, failure, others } = model(doc, 'DQMSampleData_Model');
    expect(asset).toBeUndefined();
    expect(failure).toContain('DQMSampleData_View is not defined in the document');
    expect(others).toHaveLength(4);
  });

  it('never gives a default type to an element it cannot trace', () => {
    const doc = {
      definitions: {
        M: {
          kind: 'entity',
          '@ObjectModel.modelingPattern': { '#': 'ANALYTICAL_CUBE' },
          elements: { A: { '@EndUserText.label': 'A' }, B: { type: 'cds.Integer' } },
        },
      },
    };
    const { asset, failure } = model(doc, 'M');
    expect(asset).toBeUndefined();
    expect(failure).toMatch(/M\.A has no type/);
  });

  it('stops on circular traces instead of looping', () => {
    const doc = {
      definitions: {
        V1: { kind: 'entity', query: { SELECT: { from: { ref: ['V2'] }, columns: [{ ref: ['X'] }] } }, elements: { X: {} } },
        V2: { kind: 'entity', query: { SELECT: { from: { ref: ['V1'] }, columns: [{ ref: ['X'] }] } }, elements: { X: {} } },
      },
    };
    const result = parseCsn(doc, { space: SPACE });
    expect(result.assets).toEqual([]);
    expect(result.failures.map((failure) => failure.assetId)).toEqual([`${SPACE}/V1`, `${SPACE}/V2`]);
    expect(result.failures[0]?.error).toContain('refers back to itself');
  });
});

describe('ElementTypeResolver: each trace on its own', () => {
  function resolver(doc: Doc): ElementTypeResolver {
    const { layers } = parseBusinessLayers(doc['businessLayerDefinitions'] as Record<string, unknown> | undefined);
    return new ElementTypeResolver(doc.definitions, layers);
  }

  function stripNavigation(doc: Doc, modelName: string): void {
    const elements = doc.definitions[modelName]?.['elements'] as Record<string, Record<string, unknown>>;
    for (const element of Object.values(elements)) delete element['@Analytics.navigationAttributeRef'];
  }

  it('businessLayerDefinitions alone: attribute → dimension source, measure → fact source', () => {
    const doc = load('SalesOrders_Model.json');
    delete doc.definitions['SalesOrders_Model']?.['query'];
    stripNavigation(doc, 'SalesOrders_Model');
    const trace = resolver(doc);
    expect(trace.resolve('SalesOrders_Model', 'PARTNERID1')).toMatchObject({
      ok: true,
      origin: { entity: 'Addresses_Location', element: 'PARTNERID' },
    });
    expect(trace.resolve('SalesOrders_Model', 'NETAMOUNT')).toMatchObject({
      ok: true,
      type: { name: 'cds.Decimal', precision: 38, scale: 19 },
      origin: { entity: 'SalesOrders_View', element: 'NETAMOUNT' },
    });
  });

  it('@Analytics.navigationAttributeRef alone follows the model association to the dimension', () => {
    const doc = load('SalesOrders_Model.json');
    delete doc['businessLayerDefinitions'];
    delete doc.definitions['SalesOrders_Model']?.['query'];
    const trace = resolver(doc);
    expect(trace.resolve('SalesOrders_Model', 'LATLONG_2')).toMatchObject({
      ok: true,
      type: { name: 'cds.hana.ST_GEOMETRY', srid: 4326 },
      origin: { entity: 'Addresses_Location', element: 'LATLONG_2' },
    });
    // Fact-source columns carry no navigation ref, so without the other traces they stay unresolved.
    expect(trace.resolve('SalesOrders_Model', 'NETAMOUNT')).toMatchObject({ ok: false });
  });

  it('the query alone: alias refs to the fact source, association refs through the mixin', () => {
    const doc = load('DQMSampleData_Model.json');
    delete doc['businessLayerDefinitions'];
    stripNavigation(doc, 'DQMSampleData_Model');
    const trace = resolver(doc);
    expect(trace.resolve('DQMSampleData_Model', 'Geocode_Level_GEO_ASMT_LEVEL')).toMatchObject({
      ok: true,
      origin: { entity: 'DQMSampleData_Geocode_Level', element: 'Geocode_Level' },
    });
    expect(trace.resolve('DQMSampleData_Model', 'ID')).toMatchObject({
      ok: true,
      origin: { entity: 'DQMSampleData_View', element: 'ID' },
    });
  });

  it('follows an untyped source element further down the chain', () => {
    const doc = {
      definitions: {
        Base: { kind: 'entity', elements: { A: { type: 'cds.String', length: 12 } } },
        Mid: { kind: 'entity', query: { SELECT: { from: { ref: ['Base'] }, columns: [{ ref: ['A'] }] } }, elements: { A: {} } },
        Top: { kind: 'entity', query: { SELECT: { from: { ref: ['Mid'], as: 'm' }, columns: [{ ref: ['m', 'A'], as: 'B' }] } }, elements: { B: {} } },
      },
    } as Doc;
    expect(resolver(doc).resolve('Top', 'B')).toMatchObject({
      ok: true,
      type: { name: 'cds.String', length: 12 },
      origin: { entity: 'Base', element: 'A' },
    });
  });
});
