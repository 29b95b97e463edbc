import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Asset } from '../../../src/catalog/asset.ts';
import { parseEdmx } from '../../../src/formats/edmx/parse-edmx.ts';
import { loadMapping } from '../../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../../src/mapping/load-mapping.ts';
import { mapType } from '../../../src/mapping/map-type.ts';

/** The recorded consumption $metadata of a real tenant (test/fixtures/corpus/datasphere-api). */
const RECORDED = fileURLToPath(new URL('../../fixtures/corpus/datasphere-api/SAP.TIME.VIEW_DIMENSION_DAY.xml', import.meta.url));
const DAY = 'SAP.TIME.VIEW_DIMENSION_DAY';

function edmx(schema: string, references = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">${references}
  <edmx:DataServices><Schema Namespace="Svc" xmlns="http://docs.oasis-open.org/odata/ns/edm">${schema}</Schema></edmx:DataServices>
</edmx:Edmx>`;
}

function only(xml: string, mainName?: string): Asset {
  const result = parseEdmx(xml, { space: 'S', ...(mainName ? { mainName } : {}) });
  expect(result.documentError).toBeUndefined();
  expect(result.failures).toEqual([]);
  expect(result.assets).toHaveLength(1);
  return result.assets[0] as Asset;
}

describe('parseEdmx on the recorded SAP.TIME.VIEW_DIMENSION_DAY $metadata', () => {
  let asset: Asset;
  let mapping: Mapping;

  beforeAll(async () => {
    const result = parseEdmx(readFileSync(RECORDED, 'utf8'), { space: 'DEMO_SPACE', mainName: DAY });
    expect(result.failures).toEqual([]);
    expect(result.mainAssetId).toBe(`DEMO_SPACE/${DAY}`);
    asset = result.assets[0] as Asset;
    mapping = await loadMapping();
  });

  it('names the asset by DataIntegration.OriginalName, not the OData-safe entity type name', () => {
    expect(asset.id).toBe(`DEMO_SPACE/${DAY}`);
    expect(asset.technicalName).toBe(DAY);
    expect(asset.businessName).toBe('Time Dimension - Day');
    expect(asset.kind).toBe('dimension');
    expect(asset.customProperties).toEqual({ dimensionType: 'TIME' });
  });

  it('keeps every property in document order, typed in the CDS spelling the CSN uses, the key not nullable', () => {
    expect(asset.columns.map((c) => c.name)).toEqual(['DATE_SQL', 'DATE_SAP', 'DAY_OF_WEEK', 'CALWEEK', 'CALMONTH', 'MONTH', 'CALQUARTER', 'QUARTER', 'YEAR', 'DAY_INT']);
    expect(asset.columns[0]).toMatchObject({ name: 'DATE_SQL', type: { name: 'cds.Date' }, nullable: false, key: true, label: 'Date' });
    expect(asset.columns[1]).toMatchObject({ type: { name: 'cds.String', length: 8 }, nullable: true, key: false, label: 'Date (String)' });
    // Edm.Byte is Datasphere's TINYINT (the view's CSN says cds.hana.TINYINT).
    expect(asset.columns[9]).toMatchObject({ type: { name: 'cds.hana.TINYINT' }, label: 'Day (Number)' });
    expect(asset.constraints).toEqual({ primaryKey: ['DATE_SQL'], associations: [] });
  });

  it('reads Analytics.dimension as dimensions and Common.Is… markers as column semantics, under their CSN names', () => {
    expect(asset.businessContext.dimensions).toEqual(['DATE_SQL', 'DATE_SAP', 'DAY_OF_WEEK', 'CALWEEK', 'CALMONTH', 'MONTH', 'CALQUARTER', 'QUARTER', 'YEAR']);
    expect(asset.businessContext.measures).toEqual([]);
    expect(asset.columns[4]?.semantics).toEqual({ 'Semantics.calendar.yearMonth': true });
    expect(asset.columns[0]?.semantics).toEqual({ 'Semantics.date': true });
    expect(asset.columns[7]?.semantics).toBeUndefined();
  });

  it('reads the three leveled hierarchies as the CSN parser would', () => {
    expect(asset.businessContext.hierarchies).toEqual([
      { name: 'YQMD', kind: 'leveled', levels: ['YEAR', 'CALQUARTER', 'CALMONTH', 'DATE_SQL'], label: 'Year, Quarter, Month, Day' },
      { name: 'YMD', kind: 'leveled', levels: ['YEAR', 'CALMONTH', 'DATE_SQL'], label: 'Year, Month, Day' },
      { name: 'YWD', kind: 'leveled', levels: ['YEAR', 'CALWEEK', 'DATE_SQL'], label: 'Year, Week, Day' },
    ]);
  });

  it('maps every column through the EDM → Glue table without falling back', () => {
    const glue = asset.columns.map((c) => mapType(c.type, mapping.table, mapping.options));
    expect(glue.map((g) => g.glueType)).toEqual(['date', 'varchar(8)', 'varchar(2)', 'varchar(6)', 'varchar(6)', 'varchar(2)', 'varchar(5)', 'varchar(2)', 'varchar(4)', 'smallint']);
    expect(glue.some((g) => g.fallback)).toBe(false);
  });
});

describe('parseEdmx rules', () => {
  it('reads measures, aggregation and labels whatever alias the document gives the vocabularies', () => {
    const asset = only(
      edmx(
        `<EntityType Name="Sales"><Key><PropertyRef Name="ID"/></Key>
           <Property Name="ID" Type="Edm.Int64" Nullable="false"/>
           <Property Name="AMOUNT" Type="Edm.Decimal" Precision="15" Scale="2">
             <Annotation Term="SAP__analytics.Measure" Bool="true"/>
             <Annotation Term="Org.OData.Aggregation.V1.default" EnumMember="Org.OData.Aggregation.V1.AggregationMethod/sum"/>
             <Annotation Term="SAP__common.Label" String="Amount"/>
             <Annotation Term="SAP__measures.ISOCurrency" Path="CURRENCY"/>
           </Property>
           <Property Name="CURRENCY" Type="Edm.String" MaxLength="5"><Annotation Term="SAP__common.Label"><String>Currency</String></Annotation></Property>
         </EntityType>
         <Annotations Target="SELF.Sales"><Annotation Term="SAP__common.Label" String="Sales"/></Annotations>`,
        `<edmx:Reference Uri="a"><edmx:Include Alias="SAP__analytics" Namespace="com.sap.vocabularies.Analytics.v1"/></edmx:Reference>
         <edmx:Reference Uri="b"><edmx:Include Alias="SAP__common" Namespace="com.sap.vocabularies.Common.v1"/></edmx:Reference>
         <edmx:Reference Uri="c"><edmx:Include Alias="SAP__measures" Namespace="Org.OData.Measures.V1"/></edmx:Reference>`,
      ).replace('<Schema Namespace="Svc"', '<Schema Namespace="Svc" Alias="SELF"'),
    );
    expect(asset.businessName).toBe('Sales');
    expect(asset.kind).toBe('view');
    expect(asset.businessContext.measures).toEqual([{ name: 'AMOUNT', aggregation: 'sum' }]);
    expect(asset.columns[1]).toMatchObject({ type: { name: 'cds.Decimal', precision: 15, scale: 2 }, label: 'Amount', semantics: { 'Measures.ISOCurrency': 'CURRENCY' } });
    expect(asset.columns[2]).toMatchObject({ type: { name: 'cds.String', length: 5 }, label: 'Currency' });
  });

  it('drops symbolic facets, follows type definitions and reads navigation properties as associations', () => {
    const asset = only(
      edmx(`<TypeDefinition Name="Code" UnderlyingType="Edm.String" MaxLength="10"/>
            <EnumType Name="Status"><Member Name="A"/></EnumType>
            <EntityType Name="Orders"><Key><PropertyRef Name="ID"/></Key>
              <Property Name="ID" Type="Svc.Code" Nullable="false"/>
              <Property Name="NOTE" Type="Edm.String" MaxLength="max"/>
              <Property Name="RATE" Type="Edm.Decimal" Precision="34" Scale="variable"/>
              <Property Name="STATUS" Type="Svc.Status"/>
              <NavigationProperty Name="_Customer" Type="Svc.Customers" Nullable="false"><ReferentialConstraint Property="CUSTOMER_ID" ReferencedProperty="ID"/></NavigationProperty>
              <NavigationProperty Name="_Items" Type="Collection(Svc.Items)"/>
            </EntityType>`),
    );
    expect(asset.columns.map((c) => c.type)).toEqual([{ name: 'cds.String', length: 10 }, { name: 'cds.LargeString' }, { name: 'cds.Decimal', precision: 34 }, { name: 'cds.Integer' }]);
    expect(asset.constraints.associations).toEqual([
      { name: '_Customer', target: 'Customers', cardinality: { min: 1, max: 1 }, on: ['CUSTOMER_ID = _Customer.ID'] },
      { name: '_Items', target: 'Items', cardinality: { max: '*' } },
    ]);
  });

  it('matches the main entity type by entity set or by its name with dots written as underscores', () => {
    const xml = edmx(`<EntityContainer Name="C"><EntitySet Name="My.Model" EntityType="Svc.MyModelType"/></EntityContainer>
      <EntityType Name="MyModelType"><Property Name="A" Type="Edm.String"/></EntityType>
      <EntityType Name="Other"><Property Name="B" Type="Edm.String"/></EntityType>`);
    const result = parseEdmx(xml, { space: 'S', mainName: 'My.Model', defaultKind: 'analytic-model' });
    expect(result.mainAssetId).toBe('S/My.Model');
    expect(result.assets.find((a) => a.id === 'S/My.Model')?.kind).toBe('analytic-model');
    expect(parseEdmx(edmx('<EntityType Name="A_B"><Property Name="X" Type="Edm.Int32"/></EntityType><EntityType Name="C"><Property Name="Y" Type="Edm.Int32"/></EntityType>'), { space: 'S', mainName: 'A.B' }).mainAssetId).toBe('S/A.B');
  });

  it('fails only the entity type with a broken property; the rest of the document parses', () => {
    const result = parseEdmx(edmx('<EntityType Name="Bad"><Property Name="X"/><Property Name="Y" Type="Edm.String" MaxLength="ten"/></EntityType><EntityType Name="Good"><Property Name="A" Type="Edm.Guid"/></EntityType>'), { space: 'S' });
    expect(result.assets.map((a) => a.id)).toEqual(['S/Good']);
    expect(result.failures).toEqual([{ assetId: 'S/Bad', error: 'property X has no Type; property Y MaxLength="ten" is not a number' }]);
  });

  it.each([
    ['malformed XML', '<edmx:Edmx><edmx:DataServices></edmx:Edmx>', /not well-formed XML/],
    ['a DOCTYPE', '<!DOCTYPE x [<!ENTITY a "b">]><edmx:Edmx/>', /DOCTYPE/],
    ['another root', '<html><body/></html>', /root element is <html>/],
    ['no DataServices', '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"/>', /no <edmx:DataServices>/],
    ['no entity type', edmx('<ComplexType Name="X"/>'), /defines no entity type/],
    ['an empty body', '', /no root element|not well-formed/],
  ])('rejects %s as a document error', (_what, xml, error) => {
    const result = parseEdmx(xml, { space: 'S', mainName: 'M' });
    expect(result.documentError).toMatch(error);
    expect(result.assets).toEqual([]);
    expect(result.failures).toEqual([{ assetId: 'S/M', error: result.documentError }]);
  });

  it('gives the same output for the same document every time', () => {
    const xml = readFileSync(RECORDED, 'utf8');
    expect(parseEdmx(xml, { space: 'D', mainName: DAY })).toEqual(parseEdmx(xml, { space: 'D', mainName: DAY }));
  });
});
