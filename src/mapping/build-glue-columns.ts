import type { Column } from '../catalog/asset.ts';
import { fitParameterValue, fitText, GLUE_LIMITS, shortHash, toSingleLine } from './glue-limits.ts';
import { labelledText } from './labelled-text.ts';
import type { GlueColumn } from './glue-table.ts';
import type { Mapping } from './load-mapping.ts';
import { formatSourceType, mapType } from './map-type.ts';
import { stableJson, sortedRecord } from './stable-json.ts';
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

export function buildGlueColumns(columns: readonly Column[], mapping: Mapping): GlueColumns {
  const prefix = mapping.options.parameterPrefix;
  const warnings: string[] = [];
  const names = new Map<string, string>();
  const taken = new Set<string>();
  let fallbacks = 0;
  const out = columns.map((column): GlueColumn => {
    const name = uniqueName(column.name, taken, warnings);
    names.set(column.name, name);
    const type = mapType(column.type, mapping.table, mapping.options);
    if (type.fallback) fallbacks += 1;
    warnings.push(...type.warnings.map((w) => `column ${column.name}: ${w}`));

    const params: Record<string, string> = {
      [prefix + COLUMN_KEYS.sourceType]: formatSourceType(column.type),
      [prefix + COLUMN_KEYS.key]: String(column.key),
      [prefix + COLUMN_KEYS.nullable]: String(column.nullable),
    };
    if (name !== column.name) params[prefix + COLUMN_KEYS.sourceName] = column.name;
    if (column.label !== undefined) params[prefix + COLUMN_KEYS.label] = column.label;
    if (column.description !== undefined) params[prefix + COLUMN_KEYS.description] = column.description;
    if (column.semantics && Object.keys(column.semantics).length > 0) {
      params[prefix + COLUMN_KEYS.semantics] = stableJson(column.semantics);
    }

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
      if (fitted.value !== text) params[prefix + COLUMN_KEYS.comment] = text;
      glueColumn.Comment = fitted.value;
    }
    for (const [key, value] of Object.entries(params)) params[key] = fitParameterValue(key, value, warnings);
    glueColumn.Parameters = sortedRecord(params);
    return glueColumn;
  });
  return { columns: out, names, fallbacks, warnings };
}
