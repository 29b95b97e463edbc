import { describe, it, expect } from 'vitest';
import { parseCsn } from '../../../src/formats/csn/parse-csn.ts';
import { flattenCondition } from '../../../src/formats/csn/csn-associations.ts';
import { readCorpus } from './corpus.ts';

const SPACE = 'SP';

function doc(definitions: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { definitions, version: { csn: '1.0' }, ...extra };
}

function only(definitions: Record<string, unknown>) {
  const result = parseCsn(doc(definitions), { space: SPACE });
  expect(result.failures).toEqual([]);
  expect(result.assets).toHaveLength(1);
  return result.assets[0]!;
}

describe('malformed input', () => {
  it.each([
    ['null', null, 'expected a JSON object, got null'],
    ['an array', [], 'got an array'],
    ['a string', 'csn', 'got string'],
    ['no definitions', { version: { csn: '1.0' } }, 'definitions'],
    ['definitions as a list', { definitions: [] }, 'definitions'],
  ])('fails the document when it is %s', (_what, input, reason) => {
    const result = parseCsn(input, { space: SPACE, mainName: 'Main' });
    expect(result.assets).toEqual([]);
    expect(result.documentError).toContain(reason);
    expect(result.failures).toEqual([{ assetId: `${SPACE}/Main`, error: expect.stringContaining(reason) as unknown }]);
  });

  it('fails only the entity whose elements is not an object', () => {
    const result = parseCsn(
      doc({
        Good: { kind: 'entity', elements: { ID: { type: 'cds.Integer64', key: true } } },
        ListElements: { kind: 'entity', elements: [{ type: 'cds.String' }] },
        TextElements: { kind: 'entity', elements: 'ID' },
      }),
      { space: SPACE },
    );
    expect(result.assets.map((asset) => asset.id)).toEqual([`${SPACE}/Good`]);
    expect(result.failures.map((failure) => failure.assetId)).toEqual([`${SPACE}/ListElements`, `${SPACE}/TextElements`]);
    expect(result.failures.every((failure) => failure.error.includes('elements'))).toBe(true);
  });

  it('fails the entity with an element that is not an object or has a malformed facet, naming the element', () => {
    const result = parseCsn(
      doc({
        Good: { kind: 'entity', elements: { ID: { type: 'cds.Integer64' } } },
        Bad: { kind: 'entity', elements: { ID: { type: 'cds.Integer64' }, BROKEN: 42, LEN: { type: 'cds.String', length: '10' } } },
      }),
      { space: SPACE },
    );
    expect(result.assets.map((asset) => asset.technicalName)).toEqual(['Good']);
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.error).toContain('element BROKEN is not an object');
    expect(result.failures[0]?.error).toContain('element LEN: length');
  });

  it('fails a definition that is not an object, an entity without elements, an association without target', () => {
    const result = parseCsn(
      doc({
        Scalar: 'entity',
        Empty: { kind: 'entity' },
        Dangling: { kind: 'entity', elements: { ID: { type: 'cds.Integer' }, _to: { type: 'cds.Association' } } },
        Fine: { kind: 'entity', elements: { ID: { type: 'cds.Integer' } } },
      }),
      { space: SPACE },
    );
    expect(result.assets.map((asset) => asset.technicalName)).toEqual(['Fine']);
    expect(Object.fromEntries(result.failures.map((failure) => [failure.assetId, failure.error]))).toEqual({
      [`${SPACE}/Dangling`]: 'association _to has no target',
      [`${SPACE}/Empty`]: 'entity has no elements',
      [`${SPACE}/Scalar`]: 'definition is not an object',
    });
  });

  it('warns about a csn version it does not know, and still parses', () => {
    const result = parseCsn({ definitions: { T: { kind: 'entity', elements: { A: { type: 'cds.Integer' } } } }, version: { csn: '2.0' } }, { space: SPACE, mainName: 'T' });
    expect(result.assets).toHaveLength(1);
    expect(result.warnings).toEqual([{ assetId: `${SPACE}/T`, message: expect.stringContaining('csn version 2.0') as unknown }]);
  });
});

describe('definition rules', () => {
  it('treats contexts, types and other kinds as namespaces, not assets', () => {
    const result = parseCsn(
      doc({
        'SAP.TIME': { kind: 'context' },
        'SAP.TIME.Code': { kind: 'type', type: 'cds.String', length: 3 },
        'SAP.TIME.VIEW_DIMENSION_DAY': { kind: 'entity', elements: { CODE: { type: 'SAP.TIME.Code' } } },
        svc: { kind: 'service' },
      }),
      { space: SPACE },
    );
    expect(result.failures).toEqual([]);
    expect(result.assets.map((asset) => asset.id)).toEqual([`${SPACE}/SAP.TIME.VIEW_DIMENSION_DAY`]);
    // A named type is followed to the built-in it stands for.
    expect(result.assets[0]?.columns[0]?.type).toEqual({ name: 'cds.String', length: 3 });
  });

  it('takes the space from @DataWarehouse.space.name when the definition has one', () => {
    const result = parseCsn(
      doc({
        Local: { kind: 'entity', elements: { A: { type: 'cds.Integer' } } },
        Shared: { kind: 'entity', '@DataWarehouse.space.name': 'CENTRAL', elements: { A: { type: 'cds.Integer' } } },
      }),
      { space: SPACE, mainName: 'Shared' },
    );
    expect(result.assets.map((asset) => [asset.id, asset.space])).toEqual([
      ['CENTRAL/Shared', 'CENTRAL'],
      [`${SPACE}/Local`, SPACE],
    ]);
    expect(result.mainAssetId).toBe('CENTRAL/Shared');
  });

  it.each([
    [{ '@ObjectModel.modelingPattern': { '#': 'LANGUAGE_DEPENDENT_TEXT' } }, 'text'],
    [{ '@ObjectModel.modelingPattern': { '#': 'ANALYTICAL_PARENT_CHILD_HIERARCHY' } }, 'hierarchy'],
    [{ '@ObjectModel.modelingPattern': { '#': 'ANALYTICAL_FACT' }, query: { SELECT: {} } }, 'fact'],
    [{ '@ObjectModel.modelingPattern': { '#': 'DATA_STRUCTURE' }, query: { SELECT: {} } }, 'view'],
    [{ projection: { from: { ref: ['X'] } } }, 'view'],
    [{ '@DataWarehouse.sqlEditor.query': 'SELECT 1 AS A FROM DUMMY' }, 'view'],
    [{ '@DataWarehouse.remote.connection': 'EC3', '@DataWarehouse.remote.entity': 'SAPI.0COSTELMNT_ATTR' }, 'remote-table'],
    [{ '@DataWarehouse.dataSource.schema': 'SP#USER', '@DataWarehouse.dataSource.entity': 'T' }, 'table'],
    [{ '@DataWarehouse.external.schema': 'SP#USER', '@DataWarehouse.external.entity': 'T' }, 'table'],
    [{}, 'table'],
  ])('classifies %j as %s', (annotations, kind) => {
    const asset = only({ T: { kind: 'entity', ...annotations, elements: { A: { type: 'cds.Integer' } } } });
    expect(asset.kind).toBe(kind);
  });

  it('warns when a modeling pattern is unknown and classifies by structure', () => {
    const result = parseCsn(
      doc({ T: { kind: 'entity', '@ObjectModel.modelingPattern': { '#': 'SOMETHING_NEW' }, elements: { A: { type: 'cds.Integer' } } } }),
      { space: SPACE },
    );
    expect(result.assets[0]?.kind).toBe('table');
    expect(result.assets[0]?.businessContext.modelingPattern).toBe('SOMETHING_NEW');
    expect(result.warnings[0]?.message).toContain('SOMETHING_NEW');
  });

  it('defaults cds.String to length 5000, normalises hana.* geometry, keeps other type names as written', () => {
    const asset = only({
      T: {
        kind: 'entity',
        elements: {
          S: { type: 'cds.String' },
          S10: { type: 'cds.String', length: 10 },
          G: { type: 'hana.ST_GEOMETRY', srid: 4326 },
          D: { type: 'cds.Decimal', precision: 15, scale: 2 },
          F: { type: 'cds.DecimalFloat' },
          LS: { type: 'cds.LargeString' },
        },
      },
    });
    expect(asset.columns.map((column) => column.type)).toEqual([
      { name: 'cds.String', length: 5000 },
      { name: 'cds.String', length: 10 },
      { name: 'cds.hana.ST_GEOMETRY', srid: 4326 },
      { name: 'cds.Decimal', precision: 15, scale: 2 },
      { name: 'cds.DecimalFloat' },
      { name: 'cds.LargeString' },
    ]);
  });

  it('normalises enum and reference values in semantics, with sorted keys, and skips non-semantic annotations', () => {
    const asset = only({
      T: {
        kind: 'entity',
        elements: {
          AMOUNT: {
            type: 'cds.Decimal',
            '@Semantics.amount.currencyCode': { '=': 'CURRENCY' },
            '@Aggregation.default': { '#': 'SUM' },
            '@DataWarehouse.spatial.resultOnError': { '#': 'NULL' },
          },
          CURRENCY: { type: 'cds.String', length: 5, '@Semantics.currencyCode': true },
          UNIT: { type: 'cds.String', length: 3, '@Semantics': { unitOfMeasure: true }, '@Consumption.hidden': true },
        },
      },
    });
    expect(asset.columns.map((column) => column.semantics)).toEqual([
      { 'Semantics.amount.currencyCode': 'CURRENCY' },
      { 'Semantics.currencyCode': true },
      { 'Semantics.unitOfMeasure': true },
    ]);
    expect(asset.businessContext.measures).toEqual([{ name: 'AMOUNT', aggregation: 'SUM' }]);
  });

  it('reads @EndUserText.quickInfo as the description', () => {
    const asset = only({
      T: {
        kind: 'entity',
        '@EndUserText.label': 'Orders',
        '@EndUserText.quickInfo': 'One row per sales order',
        elements: { A: { type: 'cds.Integer', '@EndUserText.quickInfo': 'Order number' } },
      },
    });
    expect(asset.businessName).toBe('Orders');
    expect(asset.description).toBe('One row per sales order');
    expect(asset.columns[0]?.description).toBe('Order number');
  });

  it('treats notNull as not nullable and key as primary key in element order', () => {
    const asset = only({
      T: {
        kind: 'entity',
        elements: {
          B: { type: 'cds.Integer', key: true },
          X: { type: 'cds.Integer', notNull: true },
          A: { type: 'cds.Integer', key: true },
          Y: { type: 'cds.Integer' },
        },
      },
    });
    expect(asset.constraints.primaryKey).toEqual(['B', 'A']);
    expect(asset.columns.map((column) => column.nullable)).toEqual([false, false, false, true]);
  });

  it('reads parent-child hierarchies and managed associations with cardinality and keys', () => {
    const asset = only({
      H: {
        kind: 'entity',
        '@ObjectModel.modelingPattern': { '#': 'ANALYTICAL_PARENT_CHILD_HIERARCHY' },
        '@Hierarchy.parentChild': [{ name: 'H1', label: 'Org', recurse: { parent: [{ '=': 'PARENT' }], child: [{ '=': 'NODE' }] } }],
        elements: {
          NODE: { type: 'cds.String', length: 10, key: true },
          PARENT: { type: 'cds.String', length: 10 },
          _parent: { type: 'cds.Association', target: 'H', cardinality: { max: 1 }, keys: [{ ref: ['NODE'] }] },
          _children: { type: 'cds.Composition', target: 'H', cardinality: { max: '*' }, on: [{ ref: ['_children', 'PARENT'] }, '=', { ref: ['NODE'] }, 'and', { ref: ['_children', 'X'] }, '=', { val: 'A' }] },
        },
      },
    });
    expect(asset.kind).toBe('hierarchy');
    expect(asset.businessContext.hierarchies).toEqual([{ name: 'H1', kind: 'parent-child', parent: 'PARENT', child: 'NODE', label: 'Org' }]);
    expect(asset.columns.map((column) => column.name)).toEqual(['NODE', 'PARENT']);
    expect(asset.constraints.associations).toEqual([
      { name: '_parent', target: 'H', cardinality: { max: 1 }, keys: ['NODE'] },
      { name: '_children', target: 'H', cardinality: { max: '*' }, on: ['_children.PARENT = NODE', "_children.X = 'A'"] },
    ]);
  });

  it('keeps an or-condition as one string', () => {
    expect(flattenCondition([{ ref: ['A'] }, '=', { ref: ['B'] }, 'or', { ref: ['A'] }, '=', { val: 1 }])).toEqual(['A = B or A = 1']);
  });

  it('gives the same assets whatever order the definitions are written in', () => {
    const original = readCorpus('SalesOrders_Model.json') as { definitions: Record<string, unknown> };
    const reversed = { ...original, definitions: Object.fromEntries(Object.entries(original.definitions).reverse()) };
    const a = parseCsn(original, { space: SPACE, mainName: 'SalesOrders_Model' });
    const b = parseCsn(reversed, { space: SPACE, mainName: 'SalesOrders_Model' });
    expect(b.assets).toEqual(a.assets);
    expect(a.assets.map((asset) => asset.technicalName)).toEqual([...a.assets.map((asset) => asset.technicalName)].sort());
  });
});
