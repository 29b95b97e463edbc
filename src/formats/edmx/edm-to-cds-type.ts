import type { SourceType } from '../../catalog/asset.ts';

/**
 * An EDM primitive type in the CDS spelling Datasphere's design-time CSN uses for the same column, so an
 * asset read from consumption `$metadata` (EDMX) has the types its CSN would give it. Without this, a tenant
 * that falls back from CSN to EDMX (a privilege withdrawn, a definition that cannot be typed) would change
 * every column's type name and with it the schema hash: a full rewrite of tables that did not change.
 *
 * The table inverts SAP's CDS → OData V4 type mapping, picking Datasphere's data type where several CDS types
 * share one EDM type (Edm.Byte is cds.UInt8 in CAP but cds.hana.TINYINT in Datasphere; Edm.Int16 is
 * cds.hana.SMALLINT; Edm.Single is cds.hana.REAL). Facets the EDM type carries only because of the mapping
 * are dropped (the Precision that tells cds.DateTime from cds.Timestamp). Both spellings map to the same
 * Glue type in mappings/datasphere-to-glue.json, so the Glue columns do not change. An EDM type with no
 * Datasphere counterpart (Edm.SByte, Edm.Duration, geography types…) keeps its EDM spelling.
 *
 * `facets` are the property's facets as written, symbolic values included (`Scale="floating"`), because some
 * of them decide the CDS type.
 */
export function edmToCdsType(edm: SourceType, facets: Readonly<Record<string, string | undefined>>): SourceType {
  const keep = (name: string, ...keys: Array<'length' | 'precision' | 'scale' | 'srid'>): SourceType => {
    const type: SourceType = { name };
    for (const key of keys) if (edm[key] !== undefined) type[key] = edm[key];
    return type;
  };
  switch (edm.name) {
    case 'Edm.String':
      return edm.length !== undefined ? keep('cds.String', 'length') : { name: 'cds.LargeString' };
    case 'Edm.Binary':
      return edm.length !== undefined ? keep('cds.Binary', 'length') : { name: 'cds.LargeBinary' };
    case 'Edm.Boolean':
      return { name: 'cds.Boolean' };
    case 'Edm.Byte':
      return { name: 'cds.hana.TINYINT' };
    case 'Edm.Int16':
      return { name: 'cds.hana.SMALLINT' };
    case 'Edm.Int32':
      return { name: 'cds.Integer' };
    case 'Edm.Int64':
      return { name: 'cds.Integer64' };
    case 'Edm.Decimal':
      // A floating scale is what cds.DecimalFloat becomes (CSN writes it with no precision or scale).
      return isSymbolic(facets['Scale']) && edm.precision === undefined ? { name: 'cds.DecimalFloat' } : keep('cds.Decimal', 'precision', 'scale');
    case 'Edm.Double':
      return { name: 'cds.Double' };
    case 'Edm.Single':
      return { name: 'cds.hana.REAL' };
    case 'Edm.Date':
      return { name: 'cds.Date' };
    case 'Edm.TimeOfDay':
      return { name: 'cds.Time' };
    case 'Edm.DateTimeOffset':
      // CDS maps DateTime to Precision 0 (seconds) and Timestamp to Precision 7.
      return edm.precision !== undefined && edm.precision > 0 ? { name: 'cds.Timestamp' } : { name: 'cds.DateTime' };
    case 'Edm.Guid':
      return { name: 'cds.UUID' };
    case 'Edm.GeometryPoint':
      return keep('cds.hana.ST_POINT', 'srid');
    case 'Edm.Geometry':
      return keep('cds.hana.ST_GEOMETRY', 'srid');
    default:
      return edm;
  }
}

function isSymbolic(value: string | undefined): boolean {
  const text = value?.trim().toLowerCase();
  return text === 'floating' || text === 'variable';
}
