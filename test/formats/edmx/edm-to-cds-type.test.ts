import { beforeAll, describe, expect, it } from 'vitest';
import type { SourceType } from '../../../src/catalog/asset.ts';
import { edmToCdsType } from '../../../src/formats/edmx/edm-to-cds-type.ts';
import { loadMapping } from '../../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../../src/mapping/load-mapping.ts';
import { mapType } from '../../../src/mapping/map-type.ts';

/** [EDM type as parsed, the facets as written, the Datasphere CDS type it stands for]. */
const CASES: Array<[SourceType, Record<string, string>, SourceType]> = [
  [{ name: 'Edm.String', length: 8 }, { MaxLength: '8' }, { name: 'cds.String', length: 8 }],
  [{ name: 'Edm.String' }, {}, { name: 'cds.LargeString' }],
  [{ name: 'Edm.String' }, { MaxLength: 'max' }, { name: 'cds.LargeString' }],
  [{ name: 'Edm.Binary', length: 16 }, { MaxLength: '16' }, { name: 'cds.Binary', length: 16 }],
  [{ name: 'Edm.Binary' }, {}, { name: 'cds.LargeBinary' }],
  [{ name: 'Edm.Boolean' }, {}, { name: 'cds.Boolean' }],
  [{ name: 'Edm.Byte' }, {}, { name: 'cds.hana.TINYINT' }],
  [{ name: 'Edm.Int16' }, {}, { name: 'cds.hana.SMALLINT' }],
  [{ name: 'Edm.Int32' }, {}, { name: 'cds.Integer' }],
  [{ name: 'Edm.Int64' }, {}, { name: 'cds.Integer64' }],
  [{ name: 'Edm.Decimal', precision: 15, scale: 2 }, { Precision: '15', Scale: '2' }, { name: 'cds.Decimal', precision: 15, scale: 2 }],
  [{ name: 'Edm.Decimal' }, { Scale: 'floating' }, { name: 'cds.DecimalFloat' }],
  [{ name: 'Edm.Decimal', precision: 34 }, { Precision: '34', Scale: 'variable' }, { name: 'cds.Decimal', precision: 34 }],
  [{ name: 'Edm.Double' }, {}, { name: 'cds.Double' }],
  [{ name: 'Edm.Single' }, {}, { name: 'cds.hana.REAL' }],
  [{ name: 'Edm.Date' }, {}, { name: 'cds.Date' }],
  [{ name: 'Edm.TimeOfDay' }, {}, { name: 'cds.Time' }],
  [{ name: 'Edm.DateTimeOffset' }, {}, { name: 'cds.DateTime' }],
  [{ name: 'Edm.DateTimeOffset', precision: 0 }, { Precision: '0' }, { name: 'cds.DateTime' }],
  [{ name: 'Edm.DateTimeOffset', precision: 7 }, { Precision: '7' }, { name: 'cds.Timestamp' }],
  [{ name: 'Edm.Guid' }, {}, { name: 'cds.UUID' }],
  [{ name: 'Edm.GeometryPoint', srid: 4326 }, { SRID: '4326' }, { name: 'cds.hana.ST_POINT', srid: 4326 }],
  [{ name: 'Edm.Geometry' }, {}, { name: 'cds.hana.ST_GEOMETRY' }],
  // No Datasphere counterpart: kept as EDM.
  [{ name: 'Edm.SByte' }, {}, { name: 'Edm.SByte' }],
  [{ name: 'Edm.Duration' }, {}, { name: 'Edm.Duration' }],
  [{ name: 'Edm.GeographyPoint' }, {}, { name: 'Edm.GeographyPoint' }],
];

describe('edmToCdsType', () => {
  let mapping: Mapping;
  beforeAll(async () => {
    mapping = await loadMapping();
  });

  it.each(CASES)('reads %j (facets %j) as %j', (edm, facets, cds) => {
    expect(edmToCdsType(edm, facets)).toEqual(cds);
  });

  it('changes no Glue column type: each CDS spelling maps to what its EDM type mapped to', () => {
    for (const [edm, facets] of CASES) {
      const before = mapType(edm, mapping.table, mapping.options);
      const after = mapType(edmToCdsType(edm, facets), mapping.table, mapping.options);
      expect({ edm: edm.name, glue: after.glueType, fallback: after.fallback }).toEqual({ edm: edm.name, glue: before.glueType, fallback: false });
    }
  });
});
