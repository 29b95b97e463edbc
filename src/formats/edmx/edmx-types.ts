import type { SourceType } from '../../catalog/asset.ts';
import { edmToCdsType } from './edm-to-cds-type.ts';
import type { XmlNode } from './xml-tree.ts';

export type EdmxTypeResult = { ok: true; type: SourceType } | { ok: false; reason: string };

/** Type definitions and enum types declared in the document itself, by qualified name. */
export interface DeclaredTypes {
  definitions: ReadonlyMap<string, XmlNode>;
  enums: ReadonlyMap<string, XmlNode>;
}

/** CSDL: an enum type without `UnderlyingType` is an Edm.Int32. */
const DEFAULT_ENUM_TYPE = 'Edm.Int32';

/**
 * The SourceType of a `Property`, in the CDS spelling of the same Datasphere type (edmToCdsType: `Edm.String`
 * with MaxLength 10 is `cds.String(10)`, as the object's CSN says), with the facets that carry a number.
 * `MaxLength="max"`, `Scale="variable"` / `"floating"` and `SRID="variable"` carry none and are left out, as
 * CSN leaves out what it does not know. Type definitions and enum types declared in the document are
 * followed to their Edm primitive; the property's own facets win, as in CSDL.
 */
export function propertySourceType(property: XmlNode, declared: DeclaredTypes, resolveName: (name: string) => string): EdmxTypeResult {
  const written = property.attrs['Type'];
  if (written === undefined || written.trim() === '') return { ok: false, reason: 'has no Type' };
  const facets = { ...property.attrs };
  let name = written.trim();
  const seen = new Set<string>();
  for (;;) {
    const qualified = resolveName(name);
    const definition = declared.definitions.get(qualified);
    const enumType = declared.enums.get(qualified);
    if (!definition && !enumType) break;
    if (seen.has(qualified)) return { ok: false, reason: `type ${name} is defined in terms of itself` };
    seen.add(qualified);
    if (enumType) {
      name = enumType.attrs['UnderlyingType'] ?? DEFAULT_ENUM_TYPE;
      continue;
    }
    const underlying = definition?.attrs['UnderlyingType'];
    if (!underlying) return { ok: false, reason: `type definition ${name} has no UnderlyingType` };
    for (const [facet, value] of Object.entries(definition?.attrs ?? {})) {
      if (FACETS.has(facet) && facets[facet] === undefined) facets[facet] = value;
    }
    name = underlying;
  }

  const type: SourceType = { name };
  for (const [facet, key] of FACET_KEYS) {
    const raw = facets[facet];
    if (raw === undefined) continue;
    const value = integerFacet(raw);
    if (value === 'invalid') return { ok: false, reason: `${facet}="${raw}" is not a number` };
    if (value !== undefined) type[key] = value;
  }
  return { ok: true, type: edmToCdsType(type, facets) };
}

const FACET_KEYS: ReadonlyArray<readonly [facet: string, key: 'length' | 'precision' | 'scale' | 'srid']> = [
  ['MaxLength', 'length'],
  ['Precision', 'precision'],
  ['Scale', 'scale'],
  ['SRID', 'srid'],
];
const FACETS = new Set(FACET_KEYS.map(([facet]) => facet));

/** Symbolic facet values CSDL allows; they mean "no fixed number". */
const SYMBOLIC = new Set(['max', 'variable', 'floating']);

function integerFacet(raw: string): number | undefined | 'invalid' {
  const text = raw.trim();
  if (SYMBOLIC.has(text.toLowerCase())) return undefined;
  if (!/^-?\d+$/.test(text)) return 'invalid';
  return Number(text);
}
