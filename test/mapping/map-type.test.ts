import { beforeAll, describe, expect, it } from 'vitest';
import type { SourceType } from '../../src/catalog/asset.ts';
import { DEFAULT_MAPPING_OPTIONS } from '../../src/mapping/load-mapping.ts';
import { loadMappingTable } from '../../src/mapping/mapping-table.ts';
import type { MappingTable } from '../../src/mapping/mapping-table.ts';
import { formatSourceType, mapType } from '../../src/mapping/map-type.ts';

const options = { fallbackType: 'string', defaultDecimal: 'decimal(30,6)' };
let table: MappingTable;
beforeAll(async () => {
  table = await loadMappingTable();
});

const t = (name: string, facets: Omit<SourceType, 'name'> = {}): SourceType => ({ name, ...facets });

// [source type, expected Glue type]; every row of the CDS and EDM tables in mappings/datasphere-to-glue.json.
const rows: Array<[SourceType, string]> = [
  [t('cds.String', { length: 10 }), 'varchar(10)'],
  [t('cds.String', { length: 65535 }), 'varchar(65535)'],
  [t('cds.String', { length: 65536 }), 'string'],
  [t('cds.String'), 'varchar(5000)'],
  [t('cds.LargeString'), 'string'],
  [t('cds.Integer'), 'int'],
  [t('cds.Int32'), 'int'],
  [t('cds.Integer64'), 'bigint'],
  [t('cds.Int64'), 'bigint'],
  [t('cds.Int16'), 'smallint'],
  [t('cds.UInt8'), 'smallint'],
  [t('cds.hana.SMALLINT'), 'smallint'],
  [t('cds.hana.TINYINT'), 'smallint'],
  [t('cds.Decimal', { precision: 15, scale: 2 }), 'decimal(15,2)'],
  [t('cds.Decimal', { precision: 38, scale: 19 }), 'decimal(38,19)'],
  [t('cds.Decimal', { precision: 10 }), 'decimal(10,0)'],
  [t('cds.Decimal'), 'decimal(30,6)'],
  [t('cds.DecimalFloat'), 'decimal(30,6)'],
  [t('cds.hana.SMALLDECIMAL'), 'decimal(30,6)'],
  [t('cds.Double'), 'double'],
  [t('cds.hana.REAL'), 'float'],
  [t('cds.Boolean'), 'boolean'],
  [t('cds.Date'), 'date'],
  [t('cds.LocalDate'), 'date'],
  [t('cds.Time'), 'string'],
  [t('cds.LocalTime'), 'string'],
  [t('cds.DateTime'), 'timestamp'],
  [t('cds.UTCDateTime'), 'timestamp'],
  [t('cds.Timestamp'), 'timestamp'],
  [t('cds.UTCTimestamp'), 'timestamp'],
  [t('cds.UUID'), 'string'],
  [t('cds.Binary', { length: 16 }), 'binary'],
  [t('cds.LargeBinary'), 'binary'],
  [t('cds.hana.BINARY', { length: 8 }), 'binary'],
  [t('cds.hana.VARBINARY', { length: 200 }), 'binary'],
  [t('cds.hana.CHAR', { length: 3 }), 'varchar(3)'],
  [t('cds.hana.NCHAR', { length: 3 }), 'varchar(3)'],
  [t('cds.hana.VARCHAR', { length: 30 }), 'varchar(30)'],
  [t('cds.hana.ALPHANUM', { length: 10 }), 'varchar(10)'],
  [t('cds.hana.VARCHAR'), 'string'],
  [t('cds.hana.CLOB'), 'string'],
  [t('cds.hana.NCLOB'), 'string'],
  [t('cds.hana.ST_POINT', { srid: 4326 }), 'string'],
  [t('cds.hana.ST_GEOMETRY', { srid: 3857 }), 'string'],
  [t('Edm.String', { length: 8 }), 'varchar(8)'],
  [t('Edm.String', { length: 100_000 }), 'string'],
  [t('Edm.String'), 'string'],
  [t('Edm.Byte'), 'smallint'],
  [t('Edm.SByte'), 'tinyint'],
  [t('Edm.Int16'), 'smallint'],
  [t('Edm.Int32'), 'int'],
  [t('Edm.Int64'), 'bigint'],
  [t('Edm.Decimal', { precision: 13, scale: 3 }), 'decimal(13,3)'],
  [t('Edm.Decimal'), 'decimal(30,6)'],
  [t('Edm.Double'), 'double'],
  [t('Edm.Single'), 'float'],
  [t('Edm.Boolean'), 'boolean'],
  [t('Edm.Date'), 'date'],
  [t('Edm.DateTimeOffset'), 'timestamp'],
  [t('Edm.DateTime'), 'timestamp'],
  [t('Edm.TimeOfDay'), 'string'],
  [t('Edm.Time'), 'string'],
  [t('Edm.Duration'), 'string'],
  [t('Edm.Guid'), 'string'],
  [t('Edm.Binary'), 'binary'],
  [t('Edm.GeographyPoint'), 'string'],
  [t('Edm.GeometryPolygon'), 'string'],
  [t('Edm.Geography'), 'string'],
];

describe('mapType', () => {
  it.each(rows)('%o → %s', (type, expected) => {
    const result = mapType(type, table, options);
    expect(result.glueType).toBe(expected);
    expect(result.fallback).toBe(false);
    expect(result.warnings).toEqual([]);
  });

  it.each([
    ['String', { length: 12 }, 'varchar(12)'],
    ['hana.ST_POINT', {}, 'string'],
    ['hana.TINYINT', {}, 'smallint'],
    ['hana.VARBINARY', {}, 'binary'],
    ['Integer64', {}, 'bigint'],
    ['CDS.INTEGER', {}, 'int'],
    ['edm.int32', {}, 'int'],
  ] as const)('accepts the spelling %s', (name, facets, expected) => {
    expect(mapType(t(name, facets), table, options).glueType).toBe(expected);
  });

  it('maps an unknown type to the fallback and warns', () => {
    const result = mapType(t('cds.Vector', { length: 3 }), table, { ...options, fallbackType: 'binary' });
    expect(result).toMatchObject({ glueType: 'binary', fallback: true });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain('cds.Vector(3)');
  });

  it('treats cds.Association as unknown: it is not a column type', () => {
    expect(mapType(t('cds.Association'), table, options).fallback).toBe(true);
  });

  it('clamps decimal precision above 38 with a warning', () => {
    const result = mapType(t('cds.Decimal', { precision: 45, scale: 10 }), table, options);
    expect(result.glueType).toBe('decimal(38,10)');
    expect(result.warnings).toEqual([expect.stringContaining('precision 45')]);
  });

  it('clamps a scale larger than the clamped precision', () => {
    const result = mapType(t('cds.Decimal', { precision: 50, scale: 40 }), table, options);
    expect(result.glueType).toBe('decimal(38,38)');
    expect(result.warnings).toHaveLength(2);
  });

  it('uses the configured default decimal', () => {
    const result = mapType(t('cds.DecimalFloat'), table, DEFAULT_MAPPING_OPTIONS);
    expect(result.glueType).toBe('decimal(38,10)');
  });
});

describe('formatSourceType', () => {
  it.each([
    [t('cds.String', { length: 10 }), 'cds.String(10)'],
    [t('cds.Decimal', { precision: 38, scale: 19 }), 'cds.Decimal(38,19)'],
    [t('cds.Decimal', { precision: 5 }), 'cds.Decimal(5)'],
    [t('cds.hana.ST_GEOMETRY', { srid: 3857 }), 'cds.hana.ST_GEOMETRY(3857)'],
    [t('cds.Date'), 'cds.Date'],
  ])('%o → %s', (type, expected) => {
    expect(formatSourceType(type)).toBe(expected);
  });
});
