import type { TableRef } from '../../catalog/target.ts';
import {
  fitParameterKey,
  fitParameterValue,
  fitText,
  GLUE_LIMITS,
  toMultiLine,
  toSingleLine,
  utf8Length,
} from '../../mapping/glue-limits.ts';
import type { GlueColumn, GlueDatabaseInput, GlueParameters, GlueTableInput } from '../../mapping/glue-table.ts';
import { InvalidGlueNameError } from './glue-target-errors.ts';

/**
 * The last gate before a request leaves: Glue's limits, which moto does not check, applied to everything we send.
 * mapping/ already fits what it builds (and keeps full texts in parameters), so for a TableInput it produced this
 * changes nothing — the request stays identical to the file target's. It exists for the other paths: a table
 * merged from what is in Glue now, a deprecation, a database input from config. Anything it has to change is a
 * warning; a name Glue would store differently is an error, because writing under another name loses the table.
 */

// What Glue's single-line string pattern rejects: CR, LF and the other control characters (tab is allowed).
const CONTROL = /[\u0000-\u0008\u000A-\u001F\uFFFE\uFFFF]/u;

export function assertGlueName(name: string, what: string): void {
  const problem =
    name.length === 0
      ? 'is empty'
      : utf8Length(name) > GLUE_LIMITS.nameBytes
        ? `is ${utf8Length(name)} bytes (Glue allows ${GLUE_LIMITS.nameBytes})`
        : CONTROL.test(name)
          ? 'contains a line break or control character'
          : name !== name.toLowerCase()
            ? 'is not lowercase (Glue stores names lowercased, so it would land under another name)'
            : undefined;
  if (problem) throw new InvalidGlueNameError(`${what} ${JSON.stringify(name.slice(0, 80))} ${problem}`);
}

export function assertGlueRef(ref: TableRef): void {
  assertGlueName(ref.database, 'database name');
  assertGlueName(ref.table, 'table name');
}

function fitParameters(params: GlueParameters | undefined, where: string, warnings: string[]): GlueParameters | undefined {
  if (!params) return params;
  let changed = false;
  const out: GlueParameters = {};
  const local: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    const fittedKey = fitParameterKey(key, local);
    const fittedValue = fitParameterValue(fittedKey, value, local);
    if (fittedKey !== key || fittedValue !== value) changed = true;
    out[fittedKey] = fittedValue;
  }
  warnings.push(...local.map((w) => `${where}: ${w}`));
  return changed ? out : params;
}

function fitDescription(text: string | undefined, where: string, warnings: string[]): string | undefined {
  if (text === undefined) return text;
  const fitted = fitText(toMultiLine(text), GLUE_LIMITS.descriptionBytes);
  if (fitted.value !== text) {
    warnings.push(
      fitted.truncatedFrom !== undefined
        ? `${where}: description cut from ${fitted.truncatedFrom} to ${GLUE_LIMITS.descriptionBytes} bytes (Glue limit)`
        : `${where}: control characters in the description replaced by spaces`,
    );
  }
  return fitted.value;
}

function fitColumns(columns: GlueColumn[] | undefined, where: string, warnings: string[]): GlueColumn[] | undefined {
  if (!columns) return columns;
  return columns.map((column) => {
    const at = `${where} column ${column.Name}`;
    let out = column;
    if (column.Comment !== undefined) {
      const fitted = fitText(toSingleLine(column.Comment), GLUE_LIMITS.commentBytes);
      if (fitted.value !== column.Comment) {
        warnings.push(
          fitted.truncatedFrom !== undefined
            ? `${at}: comment cut from ${fitted.truncatedFrom} to ${GLUE_LIMITS.commentBytes} bytes (Glue limit)`
            : `${at}: line breaks in the comment replaced by spaces (Glue allows a single line)`,
        );
        out = { ...out, Comment: fitted.value };
      }
    }
    const params = fitParameters(column.Parameters, at, warnings);
    if (params !== column.Parameters) out = { ...out, ...(params ? { Parameters: params } : {}) };
    return out;
  });
}

/** `input` within Glue's limits, plus a warning per change; the same object when nothing had to change. */
export function enforceTableLimits(ref: TableRef, input: GlueTableInput): { input: GlueTableInput; warnings: string[] } {
  assertGlueRef(ref);
  if (input.Name !== ref.table) {
    throw new InvalidGlueNameError(`TableInput.Name ${JSON.stringify(input.Name)} does not match table ${ref.table}`);
  }
  const where = `table ${ref.database}.${ref.table}`;
  const warnings: string[] = [];
  const out: GlueTableInput = { ...input };
  out.Description = fitDescription(input.Description, where, warnings);
  out.Parameters = fitParameters(input.Parameters, where, warnings);
  if (input.StorageDescriptor) {
    out.StorageDescriptor = { ...input.StorageDescriptor };
    out.StorageDescriptor.Columns = fitColumns(input.StorageDescriptor.Columns, where, warnings);
    if (out.StorageDescriptor.Columns === undefined) delete out.StorageDescriptor.Columns;
  }
  out.PartitionKeys = fitColumns(input.PartitionKeys, `${where} partition`, warnings);
  if (warnings.length === 0) return { input, warnings };
  // Undefined fields must not appear as keys: they would change the field order of the request.
  for (const key of Object.keys(out) as (keyof GlueTableInput)[]) if (out[key] === undefined) delete out[key];
  return { input: out, warnings };
}

/** The database input within Glue's limits. */
export function enforceDatabaseLimits(input: GlueDatabaseInput): { input: GlueDatabaseInput; warnings: string[] } {
  assertGlueName(input.Name, 'database name');
  const where = `database ${input.Name}`;
  const warnings: string[] = [];
  const out: GlueDatabaseInput = { Name: input.Name };
  const description = fitDescription(input.Description, where, warnings);
  if (description !== undefined) out.Description = description;
  if (input.LocationUri !== undefined) out.LocationUri = input.LocationUri;
  const params = fitParameters(input.Parameters, where, warnings);
  if (params !== undefined) out.Parameters = params;
  return { input: out, warnings };
}
