import { boundText } from '../../catalog/bounded-text.ts';

/**
 * Characters no technical name may hold: C0 and C1 controls (NUL, CR, LF, TAB …), DEL, U+FFFD (what a decoder
 * leaves where bytes were invalid: the real name is unknown) and lone surrogates (not representable in
 * UTF-8). A name holding one is damaged or hostile; read as it is, it would sync as some other name
 * (`Sales\uFFFDOrders` as the table `sales_orders`), break a log line, or be refused by the target later.
 */
// In `u` mode a surrogate pair is one code point, so the surrogate range matches lone halves only.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\ufffd\ud800-\udfff]/u;

/** Why `name` cannot be a technical name, or undefined when it can. `what` names it in the reason. */
export function nameProblem(name: string, what: string): string | undefined {
  if (name.trim() === '') return `${what} is empty`;
  const found = FORBIDDEN.exec(name);
  if (!found) return undefined;
  const char = found[0];
  const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  const why = char === '\ufffd' ? 'a replacement character (the source sent invalid bytes)' : /[\ud800-\udfff]/u.test(char) ? 'a lone surrogate' : 'a control character';
  return `${what} ${quoteName(name)} holds ${why} (${code}) at position ${found.index}`;
}

/**
 * Why `name` cannot be a space name: what a technical name may not hold, and `/`, which separates the space
 * from the technical name in an asset id (`SALES/SalesOrders`): a space `A/B` would make ids ambiguous.
 */
export function spaceNameProblem(name: string, what: string): string | undefined {
  const problem = nameProblem(name, what);
  if (problem !== undefined) return problem;
  return name.includes('/') ? `${what} ${quoteName(name)} contains "/", which separates space and name in an asset id` : undefined;
}

/** A name for a message: JSON-quoted (so controls show as escapes, not as line breaks) and bounded. */
export function quoteName(name: string, max = 200): string {
  return JSON.stringify(boundText(name, max));
}
