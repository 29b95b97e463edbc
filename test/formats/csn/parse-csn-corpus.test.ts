import { describe, it, expect } from 'vitest';
import type { Asset, AssetKind } from '../../../src/catalog/asset.ts';
import { parseCsn } from '../../../src/formats/csn/parse-csn.ts';
import { corpusFiles, mainNameOf, rawDefinitions, readCorpus } from './corpus.ts';

const SPACE = 'SALES';

function parseFile(file: string) {
  return parseCsn(readCorpus(file), { space: SPACE, mainName: mainNameOf(file) });
}

function assetOf(file: string, name: string): Asset {
  const asset = parseFile(file).assets.find((candidate) => candidate.technicalName === name);
  if (!asset) throw new Error(`${name} not parsed from ${file}`);
  return asset;
}

function isAssociation(element: Record<string, unknown>): boolean {
  return element['type'] === 'cds.Association' || element['type'] === 'cds.Composition';
}

/** Counted by hand from the corpus: every `kind: "entity"` definition of each export. */
const EXPECTED_COUNTS: Record<string, number> = {
  'Addresses_Location.json': 3,
  'Addresses_View_GEO.json': 1,
  'Bike_Sales_Model.json': 9,
  'DQMSampleData_Model.json': 6,
  'DQMSampleData_SQL.json': 2,
  'SalesOrders.json': 1,
  'SalesOrders_Model.json': 6,
  'SalesOrders_View.json': 5,
};

/** From each definition's @ObjectModel.modelingPattern / query / annotations, read off the files. */
const EXPECTED_KINDS: Record<string, AssetKind> = {
  Addresses_Location: 'dimension',
  Addresses_View_GEO: 'table',
  BusinessPartners: 'table',
  SalesOrders: 'table',
  SalesOrders_View: 'fact',
  SalesOrders_Model: 'analytic-model',
  DQMSampleData: 'table',
  DQMSampleData_SQL: 'view',
  DQMSampleData_View: 'fact',
  DQMSampleData_Address_Level: 'dimension',
  DQMSampleData_Geocode_Level: 'dimension',
  DQMSampleData_Model: 'analytic-model',
};

describe('parseCsn over every corpus file', () => {
  it('sees the whole corpus', () => {
    expect(corpusFiles()).toEqual(Object.keys(EXPECTED_COUNTS).sort());
  });

  for (const file of corpusFiles()) {
    describe(file, () => {
      const result = parseFile(file);
      const raw = rawDefinitions(file);

      it('turns every entity definition into one asset, and nothing else', () => {
        const entityNames = Object.entries(raw)
          .filter(([, definition]) => definition['kind'] === 'entity')
          .map(([name]) => name)
          .sort();
        expect(result.failures).toEqual([]);
        expect(result.assets).toHaveLength(EXPECTED_COUNTS[file] ?? -1);
        expect(result.assets.map((asset) => asset.technicalName).sort()).toEqual(entityNames);
        expect(result.assets.every((asset) => asset.id === `${SPACE}/${asset.technicalName}`)).toBe(true);
      });

      it('leaves no column without a type', () => {
        for (const asset of result.assets) {
          expect(asset.columns.length, asset.id).toBeGreaterThan(0);
          for (const column of asset.columns) {
            expect(typeof column.type.name, `${asset.id}.${column.name}`).toBe('string');
            expect(column.type.name.length, `${asset.id}.${column.name}`).toBeGreaterThan(0);
          }
        }
      });

      it('keeps associations out of the columns and in the constraints', () => {
        for (const asset of result.assets) {
          const elements = Object.entries(raw[asset.technicalName]?.['elements'] as Record<string, Record<string, unknown>>);
          const columnNames = elements.filter(([, element]) => !isAssociation(element)).map(([name]) => name);
          const associationNames = elements.filter(([, element]) => isAssociation(element)).map(([name]) => name);
          expect(asset.columns.map((column) => column.name), asset.id).toEqual(columnNames);
          expect(asset.constraints.associations.map((association) => association.name), asset.id).toEqual(associationNames);
        }
      });

      it('carries the labels the file has, from @EndUserText.label or @Common.Label', () => {
        for (const asset of result.assets) {
          const definition = raw[asset.technicalName] as Record<string, unknown>;
          const entityLabel = definition['@EndUserText.label'] ?? definition['@Common.Label'];
          expect(entityLabel, `${asset.id} label in the file`).toBeTypeOf('string');
          expect(asset.businessName, asset.id).toBe(entityLabel);
          const elements = definition['elements'] as Record<string, Record<string, unknown>>;
          for (const column of asset.columns) {
            const element = elements[column.name] as Record<string, unknown>;
            expect(column.label, `${asset.id}.${column.name}`).toBe(element['@EndUserText.label'] ?? element['@Common.Label']);
          }
        }
      });

      it('marks key elements as key, not nullable, and lists them as the primary key in element order', () => {
        for (const asset of result.assets) {
          const elements = raw[asset.technicalName]?.['elements'] as Record<string, Record<string, unknown>>;
          const keys = Object.entries(elements)
            .filter(([, element]) => element['key'] === true)
            .map(([name]) => name);
          expect(asset.constraints.primaryKey, asset.id).toEqual(keys);
          for (const column of asset.columns) {
            const element = elements[column.name] as Record<string, unknown>;
            expect(column.key).toBe(element['key'] === true);
            expect(column.nullable, `${asset.id}.${column.name}`).toBe(element['key'] !== true && element['notNull'] !== true);
          }
        }
      });

      it('is JSON-plain and deterministic', () => {
        expect(JSON.parse(JSON.stringify(result))).toStrictEqual(result);
        expect(parseFile(file)).toEqual(result);
        for (const asset of result.assets) {
          expect(Object.values(asset.customProperties).every((value) => typeof value === 'string')).toBe(true);
        }
      });
    });
  }

  it('has 19 distinct assets across the folder', () => {
    const ids = new Set(corpusFiles().flatMap((file) => parseFile(file).assets.map((asset) => asset.id)));
    expect(ids.size).toBe(19);
  });

  it('classifies each corpus object by its semantic usage and structure', () => {
    for (const file of corpusFiles().filter((name) => name !== 'Bike_Sales_Model.json')) {
      for (const asset of parseFile(file).assets) {
        expect(asset.kind, asset.id).toBe(EXPECTED_KINDS[asset.technicalName]);
      }
    }
    // The ER-model export has no modeling pattern and no queries: plain tables.
    expect(new Set(parseFile('Bike_Sales_Model.json').assets.map((asset) => asset.kind))).toEqual(new Set(['table']));
  });

  it('names the main object of each export after its file', () => {
    expect(parseFile('SalesOrders_Model.json').mainAssetId).toBe(`${SPACE}/SalesOrders_Model`);
    expect(parseFile('Addresses_View_GEO.json').mainAssetId).toBe(`${SPACE}/Addresses_View_GEO`);
    // "Bike Sales Model" is the ER model itself, not one of the entities it holds.
    expect(parseFile('Bike_Sales_Model.json').mainAssetId).toBeUndefined();
  });
});

describe('corpus details', () => {
  it('reads csn 0.2 labels, keys and types (Bike_Sales_Model)', () => {
    const employees = assetOf('Bike_Sales_Model.json', 'Employees');
    expect(employees.businessName).toBe('Employees');
    expect(employees.constraints.primaryKey).toEqual(['EMPLOYEEID', 'VALIDITY_ENDDATE']);
    const items = assetOf('Bike_Sales_Model.json', 'SalesOrderItems');
    expect(items.businessName).toBe('Sales Order Items');
    expect(items.constraints.primaryKey).toEqual(['SALESORDERID', 'SALESORDERITEM']);
    const gross = items.columns.find((column) => column.name === 'GROSSAMOUNT');
    expect(gross).toMatchObject({ label: 'Gross amount', type: { name: 'cds.Decimal', precision: 15, scale: 2 }, nullable: true });
    expect(items.columns.find((column) => column.name === 'SALESORDERID')).toMatchObject({
      type: { name: 'cds.String', length: 10 },
      key: true,
      nullable: false,
    });
    expect(assetOf('Bike_Sales_Model.json', 'ProductTexts').constraints.primaryKey).toEqual(['PRODUCTID', 'LANGUAGE']);
  });

  it('flattens association joins (Bike_Sales_Model SalesOrders)', () => {
    const orders = assetOf('Bike_Sales_Model.json', 'SalesOrders');
    expect(orders.columns).toHaveLength(17);
    expect(orders.constraints.associations).toEqual([
      { name: '_SalesOrderItems', target: 'SalesOrderItems', on: ['SALESORDERID = _SalesOrderItems.SALESORDERID'] },
      { name: '_BusinessPartners', target: 'BusinessPartners', on: ['PARTNERID = _BusinessPartners.PARTNERID'] },
      { name: '_Employees', target: 'Employees', on: ['CREATEDBY = _Employees.EMPLOYEEID'] },
    ]);
  });

  it('keeps decimal, default-length string and geometry types as the file writes them', () => {
    const orders = assetOf('SalesOrders.json', 'SalesOrders');
    expect(orders.columns.find((column) => column.name === 'NETAMOUNT')?.type).toEqual({ name: 'cds.Decimal', precision: 38, scale: 19 });
    expect(orders.columns.find((column) => column.name === 'FISCVARIANT')?.type).toEqual({ name: 'cds.String', length: 5000 });
    expect(orders.constraints.primaryKey).toEqual([]);
    const geo = assetOf('Addresses_View_GEO.json', 'Addresses_View_GEO');
    expect(geo.columns.find((column) => column.name === 'LATLONG')?.type).toEqual({ name: 'cds.hana.ST_GEOMETRY', srid: 3857 });
    const location = assetOf('Addresses_Location.json', 'Addresses_Location');
    expect(location.columns.find((column) => column.name === 'LATLONG_2')?.type).toEqual({ name: 'cds.hana.ST_GEOMETRY', srid: 4326 });
  });

  it('reads the dimension view: key, dimensions', () => {
    const location = assetOf('Addresses_Location.json', 'Addresses_Location');
    expect(location.constraints.primaryKey).toEqual(['COMPANYNAME']);
    expect(location.columns.find((column) => column.name === 'COMPANYNAME')).toMatchObject({ key: true, nullable: false });
    expect(location.businessContext.dimensions).toEqual(['LATLONG', 'GEO_ASMT_LEVEL', 'COMPANYNAME']);
    expect(location.businessContext.modelingPattern).toBe('ANALYTICAL_DIMENSION');
  });

  it('reads measures, dimension associations and text semantics of the fact views', () => {
    const sales = assetOf('SalesOrders_View.json', 'SalesOrders_View');
    expect(sales.businessContext.measures).toEqual([
      { name: 'GROSSAMOUNT', aggregation: 'SUM', measureType: 'BASE' },
      { name: 'NETAMOUNT', aggregation: 'SUM', measureType: 'BASE' },
    ]);
    expect(sales.businessContext.dimensions).toEqual(['COMPANYNAME']);
    expect(sales.constraints.associations).toEqual([
      { name: '_Addresses', target: 'Addresses_Location', on: ['COMPANYNAME = _Addresses.COMPANYNAME'] },
    ]);
    expect(sales.columns.find((column) => column.name === 'COMPANYNAME')?.semantics).toEqual({
      'ObjectModel.foreignKey.association': '_Addresses',
    });

    const dqm = assetOf('DQMSampleData_Model.json', 'DQMSampleData_View');
    expect(dqm.businessContext.measures).toEqual([{ name: 'ID', aggregation: 'COUNT', measureType: 'BASE' }]);
    expect(dqm.businessContext.dimensions).toEqual(['ADDR_ASMT_LEVEL', 'GEO_ASMT_LEVEL']);
    expect(dqm.columns.find((column) => column.name === 'STD_ADDR_COUNTRY_3CHAR')?.semantics).toEqual({
      'ObjectModel.text.element': 'STD_ADDR_COUNTRY_NAME',
    });
    expect(dqm.columns.find((column) => column.name === 'STD_ADDR_COUNTRY_NAME')?.semantics).toEqual({ 'Semantics.text': true });
  });

  it('reads leveled hierarchies with their levels as element names', () => {
    const level = assetOf('DQMSampleData_Model.json', 'DQMSampleData_Address_Level');
    expect(level.kind).toBe('dimension');
    expect(level.businessContext.hierarchies).toEqual([
      { name: 'Hierarchy', kind: 'leveled', levels: ['Address_Level', 'ADDR_ASMT_LEVEL'], label: 'Hierarchy' },
    ]);
    expect(assetOf('DQMSampleData_Model.json', 'DQMSampleData_Geocode_Level').businessContext.hierarchies[0]?.levels).toEqual([
      'Geocode_Level',
      'GEO_ASMT_LEVEL',
    ]);
  });

  it('keeps custom properties to small facts and leaves the SQL text out', () => {
    const sql = assetOf('DQMSampleData_SQL.json', 'DQMSampleData_SQL');
    expect(sql.kind).toBe('view');
    expect(sql.customProperties).toEqual({ consumptionExternal: 'false', sqlEditor: 'true', supportedCapabilities: 'DATA_STRUCTURE' });
    const model = assetOf('SalesOrders_Model.json', 'SalesOrders_Model');
    expect(model.customProperties).toMatchObject({
      editorType: 'DWCQueryModelEditor',
      viewType: 'CALCULATION_VIEW',
      consumptionExternal: 'true',
      factSources: 'SalesOrders_View',
      dimensionSources: 'Addresses_Location',
    });
    expect(assetOf('SalesOrders.json', 'SalesOrders').customProperties).toMatchObject({
      dataSourceSchema: 'HN_RMS#WRG_HYE65HAQ94CFXBYU',
      dataSourceEntity: 'sap.dataset.conf_91980af5-61bb-46f7-87e0-4bf551221be8_view',
    });
    for (const file of corpusFiles()) {
      for (const asset of parseFile(file).assets) {
        for (const value of Object.values(asset.customProperties)) expect(value.length).toBeLessThan(200);
      }
    }
  });
});
