const REDACTED = '[redacted]';

/** Keys whose value is a credential even when written literally (which the docs forbid, but a file may do). */
const SECRET_KEY = /secret|password/i;

/**
 * A copy of a loaded config fit to print: every value that came from the environment, and every value under a
 * secret-looking key, replaced. Values from the environment are redacted wherever they appear inside a string
 * (a URL may embed one); very short ones only where they are the whole string, so that ordinary text survives.
 */
export function redactConfig(value: unknown, secrets: readonly string[]): unknown {
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (typeof node === 'string') {
      if ((key !== undefined && SECRET_KEY.test(key)) || secrets.includes(node)) return REDACTED;
      let out = node;
      for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join(REDACTED);
      return out;
    }
    if (Array.isArray(node)) return node.map((item) => walk(item, undefined));
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, child]) => [k, walk(child, k)]));
    }
    return node;
  };
  return walk(value, undefined);
}
