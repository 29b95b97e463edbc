import type { Column } from '../catalog/asset.ts';
import { fitParameterValue, fitText, GLUE_LIMITS, shortHash, toSingleLine } from './glue-limits.ts';
import { labelledText } from './labelled-text.ts';
import type { GlueColumn } from './glue-table.ts';
import type { Mapping } from './load-mapping.ts';
import { formatSourceType, mapType } from './map-type.ts';
import { compareText } from '../catalog/compare-text.ts';
import { stableJson } from './stable-json.ts';
import { COLUMN_KEYS } from './table-parameters.ts';
import { normalizeGlueName } from './table-naming.ts';

export interface GlueColumns {
  columns: GlueColumn[];
  /** Source column name → Glue column name, for parameters that refer to columns. */
  names: Map<string, string>;
  /** How many columns fell back to `fallbackType`. */
  fallbacks: number;
  warnings: string[];
}

/** `Label — description`, or whichever exists; undefined when neither does (the rule of labelled-text.ts). */
export function columnCommentText(column: Pick<Column, 'label' | 'description'>): string | undefined {
  return labelledText(column.label, column.description);
}

/** Glue names must be unique in a table; a second column normalising to a taken name gets a hash suffix. */
function uniqueName(sourceName: string, taken: Set<string>, warnings: string[]): string {
  const normalized = normalizeGlueName(sourceName, `column ${sourceName}`);
  warnings.push(...normalized.warnings);
  let name = normalized.name;
  for (let attempt = 0; taken.has(name); attempt += 1) {
    const suffix = `_${shortHash(`${sourceName}#${attempt}`)}`;
    name = `${normalized.name.slice(0, GLUE_LIMITS.nameBytes - suffix.length)}${suffix}`;
  }
  if (name !== normalized.name) {
    warnings.push(`column ${sourceName}: Glue name ${normalized.name} already taken in this table; using ${name}`);
  }
  taken.add(name);
  return name;
}

/** A column parameter, by its place in ColumnKeys.names. */
const SOURCE_TYPE = 0;
const KEY = 1;
const NULLABLE = 2;
const SOURCE_NAME = 3;
const LABEL = 4;
const DESCRIPTION = 5;
const SEMANTICS = 6;
const COMMENT = 7;
const SUFFIXES = [
  COLUMN_KEYS.sourceType,
  COLUMN_KEYS.key,
  COLUMN_KEYS.nullable,
  COLUMN_KEYS.sourceName,
  COLUMN_KEYS.label,
  COLUMN_KEYS.description,
  COLUMN_KEYS.semantics,
  COLUMN_KEYS.comment,
] as const;

/** The column parameters' keys under one prefix, and the places in their sorted order. */
interface ColumnKeys {
  names: readonly string[];
  sorted: readonly number[];
}

/**
 * Made once per prefix, not once per column: a key concatenated per column is a new string V8 must flatten and look
 * up again for every property it names, which made the parameters the dearest part of a column.
 */
const keysByPrefix = new Map<string, ColumnKeys>();

function columnKeys(prefix: string): ColumnKeys {
  let keys = keysByPrefix.get(prefix);
  if (keys === undefined) {
    const names = SUFFIXES.map((suffix) => prefix + suffix);
    // sortedRecord's order (code units), decided once.
    const sorted = names.map((_, i) => i).sort((a, b) => compareText(names[a]!, names[b]!));
    keys = { names, sorted };
    keysByPrefix.set(prefix, keys);
  }
  return keys;
}

export function buildGlueColumns(columns: readonly Column[], mapping: Mapping): GlueColumns {
  const prefix = mapping.options.parameterPrefix;
  const keys = columnKeys(prefix);
  const warnings: string[] = [];
  const names = new Map<string, string>();
  const taken = new Set<string>();
  let fallbacks = 0;
  const values: (string | undefined)[] = new Array<string | undefined>(SUFFIXES.length);
  const out = columns.map((column): GlueColumn => {
    const name = uniqueName(column.name, taken, warnings);
    names.set(column.name, name);
    const type = mapType(column.type, mapping.table, mapping.options);
    if (type.fallback) fallbacks += 1;
    for (const warning of type.warnings) warnings.push(`column ${column.name}: ${warning}`);

    values.fill(undefined);
    values[SOURCE_TYPE] = formatSourceType(column.type);
    values[KEY] = String(column.key);
    values[NULLABLE] = String(column.nullable);
    if (name !== column.name) values[SOURCE_NAME] = column.name;
    if (column.label !== undefined) values[LABEL] = column.label;
    if (column.description !== undefined) values[DESCRIPTION] = column.description;
    if (column.semantics && Object.keys(column.semantics).length > 0) values[SEMANTICS] = stableJson(column.semantics);

    const glueColumn: GlueColumn = { Name: name, Type: type.glueType };
    const text = columnCommentText(column);
    if (text !== undefined) {
      const fitted = fitText(toSingleLine(text), GLUE_LIMITS.commentBytes);
      if (fitted.truncatedFrom !== undefined) {
        warnings.push(
          `column ${column.name}: comment cut from ${fitted.truncatedFrom} to ${GLUE_LIMITS.commentBytes} bytes; ` +
            `full text in ${prefix}${COLUMN_KEYS.comment}`,
        );
      }
      if (fitted.value !== text) values[COMMENT] = text;
      glueColumn.Comment = fitted.value;
    }
    // Fitted in the order the parameters are named above (so are their warnings), stored in sorted key order.
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value !== undefined) values[i] = fitParameterValue(keys.names[i]!, value, warnings);
    }
    const parameters: Record<string, string> = {};
    for (const i of keys.sorted) {
      const value = values[i];
      if (value !== undefined) parameters[keys.names[i]!] = value;
    }
    glueColumn.Parameters = parameters;
    return glueColumn;
  });
  return { columns: out, names, fallbacks, warnings };
}
