import type { ConfigProblem } from './config-error.ts';
import { ConfigError } from './config-error.ts';

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replaces `${VAR}` in every string of a parsed config with the environment's value. A missing variable
 * is an error naming the config path and the variable, never its would-be value. The replaced values
 * are returned so the caller can keep them out of logs.
 */
export function substituteEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
): { value: unknown; secrets: string[] } {
  const secrets: string[] = [];
  const missing: ConfigProblem[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      return node.replace(PLACEHOLDER, (_, name: string) => {
        const found = env[name];
        if (found === undefined || found === '') {
          missing.push({ path: path || '(root)', message: `environment variable ${name} is not set` });
          return '';
        }
        secrets.push(found);
        return found;
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${path}.${i}`));
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[key] = walk(child, path ? `${path}.${key}` : key);
      return out;
    }
    return node;
  };
  const result = walk(value, '');
  if (missing.length > 0) throw new ConfigError('the configuration refers to missing environment variables', missing);
  return { value: result, secrets };
}
