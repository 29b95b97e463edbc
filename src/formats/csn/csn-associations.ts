import type { Association } from '../../catalog/asset.ts';
import { isRecord, plainValue } from './csn-annotations.ts';
import type { CsnElement } from './csn-document.ts';

/**
 * A `cds.Association` / `cds.Composition` element as an Association. Associations are relationships, not
 * columns: Glue gets them as constraints, never as a column of the table.
 */
export function toAssociation(name: string, element: CsnElement): { association: Association } | { error: string } {
  if (element.target === undefined) return { error: `association ${name} has no target` };
  const association: Association = { name, target: element.target };
  const cardinality = element.cardinality;
  if (cardinality && (cardinality.min !== undefined || cardinality.max !== undefined)) {
    association.cardinality = {};
    if (cardinality.min !== undefined) association.cardinality.min = cardinality.min;
    if (cardinality.max !== undefined) association.cardinality.max = cardinality.max;
  }
  if (element.on !== undefined) association.on = flattenCondition(element.on);
  if (element.keys !== undefined) {
    association.keys = element.keys.map((key) => key.as ?? expressionText({ ref: key.ref }));
  }
  return { association };
}

/**
 * `on: [{ref:[A]}, "=", {ref:[_x, B]}, "and", ...]` → `["A = _x.B", ...]`: one string per conjunct, so a
 * compound join compares per condition. A condition that needs `or` or nesting stays one string.
 */
export function flattenCondition(tokens: readonly unknown[]): string[] {
  const hasOr = tokens.some((token) => typeof token === 'string' && token.toLowerCase() === 'or');
  const conditions: string[][] = [[]];
  for (const token of tokens) {
    if (!hasOr && typeof token === 'string' && token.toLowerCase() === 'and') {
      conditions.push([]);
      continue;
    }
    (conditions[conditions.length - 1] as string[]).push(expressionText(token));
  }
  return conditions.filter((parts) => parts.length > 0).map((parts) => parts.join(' '));
}

function expressionText(token: unknown): string {
  if (typeof token === 'string') return token;
  if (typeof token === 'number' || typeof token === 'boolean') return String(token);
  if (!isRecord(token)) return JSON.stringify(token) ?? String(token);
  if (Array.isArray(token['ref'])) {
    return token['ref'].map((step) => (isRecord(step) && typeof step['id'] === 'string' ? step['id'] : String(plainValue(step)))).join('.');
  }
  if ('val' in token) {
    const value = token['val'];
    return typeof value === 'string' ? `'${value.replaceAll("'", "''")}'` : String(value);
  }
  if (Array.isArray(token['xpr'])) return `(${token['xpr'].map(expressionText).join(' ')})`;
  if (typeof token['func'] === 'string') {
    const args = Array.isArray(token['args']) ? token['args'].map(expressionText).join(', ') : '';
    return `${token['func']}(${args})`;
  }
  if (typeof token['#'] === 'string') return `#${token['#']}`;
  return JSON.stringify(token);
}
