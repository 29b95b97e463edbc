/**
 * JSON has no comments, so a config file documents itself with keys: `//` or `//<key>` (and JSON Schema's
 * `$comment`) at any object level. `$schema` at the root points editors at schema/catalog-sync.schema.json.
 * The loader drops all of them before validation, and the JSON Schema allows them, so both agree on the
 * convention.
 */
export const COMMENT_KEY_PATTERNS = ['^//', '^\\$comment$'] as const;

export function isCommentKey(key: string): boolean {
  return key.startsWith('//') || key === '$comment';
}

/** Drops comment keys at every level, and `$schema` at the root. */
export function stripComments(value: unknown, root = true): unknown {
  if (Array.isArray(value)) return value.map((item) => stripComments(item, false));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (isCommentKey(key) || (root && key === '$schema')) continue;
      out[key] = stripComments(child, false);
    }
    return out;
  }
  return value;
}
