/**
 * Deterministic JSON: object keys sorted, undefined members dropped, arrays kept in order. Two values that
 * mean the same serialise to the same string, which is what makes a hash over them a change signal.
 * `text` lets the caller normalise every string on the way (whitespace, case) without a second pass.
 */
export function canonicalJson(value: unknown, text: (s: string) => string = identity): string {
  return write(value, text);
}

function identity(s: string): string {
  return s;
}

function write(value: unknown, text: (s: string) => string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(text(value));
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const item: unknown = value[i];
          out += item === undefined ? 'null' : write(item, text);
        }
        return out + ']';
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (!isSorted(keys)) keys.sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const member = record[key];
        if (member === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += quoteKey(key) + write(member, text);
      }
      return out + '}';
    }
    default:
      // functions, symbols, bigint: not part of the model; treat as absent
      return 'null';
  }
}

/** Keys repeat across every asset (`name`, `type`, `label`…): quote each once. Bounded so odd inputs can't grow it. */
const quotedKeys = new Map<string, string>();

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key) + ':';
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** Objects built in key order (the hash facets are) skip the sort: checking is cheaper than sorting. */
function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}
