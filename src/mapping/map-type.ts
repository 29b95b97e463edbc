import type { SourceType } from '../catalog/asset.ts';
import type { MappingOptions } from './load-mapping.ts';
import { DEFAULT_DECIMAL_TOKEN } from './mapping-table.ts';
import type { MappingTable, TypeFamily, TypeRule } from './mapping-table.ts';

export interface TypeMapping {
  glueType: string;
  /** True when the source type was unknown and `fallbackType` was used; the run summary counts these. */
  fallback: boolean;
  warnings: string[];
}

type TypeOptions = Pick<MappingOptions, 'fallbackType' | 'defaultDecimal'>;

/** A source type as one string, e.g. `cds.String(10)`, `cds.Decimal(38,19)`, `cds.hana.ST_GEOMETRY(3857)`. */
export function formatSourceType(type: SourceType): string {
  if (type.length !== undefined) return `${type.name}(${type.length})`;
  if (type.precision !== undefined) {
    const scale = type.scale !== undefined ? `,${type.scale}` : '';
    return `${type.name}(${type.precision}${scale})`;
  }
  if (type.srid !== undefined) return `${type.name}(${type.srid})`;
  return type.name;
}

function startsWithIgnoreCase(text: string, prefix: string): boolean {
  return text.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase();
}

/** EDM names always carry their prefix; everything else (with or without `cds.`) is read as CDS. */
function familyOf(name: string, table: MappingTable): TypeFamily {
  return table.edm.prefixes.some((p) => startsWithIgnoreCase(name, p)) ? table.edm : table.cds;
}

function ruleFor(name: string, family: TypeFamily): TypeRule | undefined {
  const prefix = family.prefixes.find((p) => startsWithIgnoreCase(name, p));
  const bare = prefix ? name.slice(prefix.length) : name;
  return family.types.get(bare.toLowerCase()) ?? family.patterns.find((p) => p.regex.test(bare))?.rule;
}

function resolveToken(glue: string, options: TypeOptions): string {
  return glue === DEFAULT_DECIMAL_TOKEN ? options.defaultDecimal : glue;
}

function isPositiveInt(n: number | undefined): n is number {
  return n !== undefined && Number.isInteger(n) && n >= 1;
}

function applyRule(rule: TypeRule, type: SourceType, options: TypeOptions, warnings: string[]): string {
  if (typeof rule === 'string') return resolveToken(rule, options);
  if (rule.rule === 'varchar') {
    if (!isPositiveInt(type.length)) return resolveToken(rule.withoutLength, options);
    return type.length > rule.maxLength ? resolveToken(rule.overflow, options) : `varchar(${type.length})`;
  }
  if (!isPositiveInt(type.precision)) return resolveToken(rule.withoutPrecision, options);
  let precision = type.precision;
  let scale = type.scale !== undefined && Number.isInteger(type.scale) ? type.scale : 0;
  if (precision > rule.maxPrecision) {
    warnings.push(
      `${formatSourceType(type)}: precision ${precision} exceeds Glue's maximum ${rule.maxPrecision}; clamped`,
    );
    precision = rule.maxPrecision;
  }
  if (scale < 0 || scale > precision) {
    const clamped = Math.min(Math.max(scale, 0), precision);
    warnings.push(`${formatSourceType(type)}: scale ${scale} outside 0..${precision}; clamped to ${clamped}`);
    scale = clamped;
  }
  return `decimal(${precision},${scale})`;
}

/** Maps one source type to its Glue column type. Pure; unknown types fall back and say so. */
export function mapType(type: SourceType, table: MappingTable, options: TypeOptions): TypeMapping {
  const warnings: string[] = [];
  const rule = ruleFor(type.name, familyOf(type.name, table));
  if (rule === undefined) {
    warnings.push(`unknown source type ${formatSourceType(type)}; mapped to fallback type ${options.fallbackType}`);
    return { glueType: options.fallbackType, fallback: true, warnings };
  }
  return { glueType: applyRule(rule, type, options, warnings), fallback: false, warnings };
}
