import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { COMMENT_KEY_PATTERNS } from './config-comments.ts';
import { CONFIG_DOCS } from './config-docs.ts';
import { configSchema } from './config-schema.ts';

export type JsonSchema = { [key: string]: unknown };

/** The committed copy, which `$schema` in a config file points at; schema/ sits beside src/ and dist/ alike. */
export const CONFIG_SCHEMA_FILE = fileURLToPath(new URL('../../schema/catalog-sync.schema.json', import.meta.url));

/** A string holding `${VAR}`: replaced from the environment before validation, so any constraint may hold after. */
const ENV_REFERENCE: JsonSchema = {
  type: 'string',
  pattern: '\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}',
  description: 'A ${ENV_VAR} reference, replaced from the environment when the file is loaded.',
};

/**
 * The JSON Schema of a config FILE, generated from the zod schema: the input side (keys with defaults are
 * optional), draft-07 (the draft editors support best), and what the loader accepts beyond the zod schema:
 * `$schema` at the root, comment keys (`//…`, `$comment`) in every object, and `${VAR}` in strings whose
 * format, pattern or choices would otherwise reject the reference itself. Descriptions come from CONFIG_DOCS.
 */
export function configJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-07', unrepresentable: 'throw' }) as JsonSchema;
  const { $schema: draft, ...body } = decorate(generated, []);
  const properties = body['properties'] as Record<string, JsonSchema>;
  return {
    $schema: draft,
    title: 'catalog-sync configuration',
    description: 'Configuration of catalog-sync. Keys starting with // (and $comment) are comments. Strings may use ${ENV_VAR}; secrets belong there.',
    ...body,
    properties: { $schema: { type: 'string', description: CONFIG_DOCS['$schema'] }, ...properties },
  };
}

/** The config types a block (`source`, `target`) offers, from its discriminated union: `['csn-files', 'datasphere']`. */
export function variantsOf(schema: JsonSchema, block: string): string[] {
  const node = (schema['properties'] as Record<string, JsonSchema> | undefined)?.[block];
  const branches = (node?.['oneOf'] ?? node?.['anyOf'] ?? []) as JsonSchema[];
  return branches.map(variantName).filter((name): name is string => name !== undefined);
}

/** `csn-files` for the branch `{ properties: { type: { const: 'csn-files' } } }`. */
export function variantName(branch: JsonSchema): string | undefined {
  const type = (branch['properties'] as Record<string, JsonSchema> | undefined)?.['type'];
  return typeof type?.['const'] === 'string' ? type['const'] : undefined;
}

function decorate(node: JsonSchema, path: readonly string[]): JsonSchema {
  let out: JsonSchema = { ...node };
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = out[key];
    if (!Array.isArray(branches)) continue;
    out[key] = (branches as JsonSchema[]).map((branch) => {
      const variant = variantName(branch);
      if (variant === undefined) return decorate(branch, path);
      return withDescription(decorate(branch, [...path, variant]), CONFIG_DOCS[[...path, variant].join('.')]);
    });
  }
  if (out['type'] === 'object') {
    const properties = out['properties'] as Record<string, JsonSchema> | undefined;
    if (properties) {
      const variant = path.length > 0 && variantName(out) === path.at(-1);
      out['properties'] = Object.fromEntries(
        Object.entries(properties).map(([key, child]) => {
          const own = [...path, key];
          // A variant's `type` is described once for the block: `source.type`.
          const doc = CONFIG_DOCS[own.join('.')] ?? (variant && key === 'type' ? CONFIG_DOCS[[...path.slice(0, -1), key].join('.')] : undefined);
          return [key, withDescription(decorate(child, own), doc)];
        }),
      );
    }
    const values = out['additionalProperties'];
    if (values && typeof values === 'object') out['additionalProperties'] = decorate(values as JsonSchema, [...path, '*']);
    out['patternProperties'] = Object.fromEntries(COMMENT_KEY_PATTERNS.map((pattern) => [pattern, {}]));
  }
  if (out['type'] === 'array' && out['items'] && typeof out['items'] === 'object') {
    out['items'] = decorate(out['items'] as JsonSchema, path);
  }
  if (out['type'] === 'string' && ('format' in out || 'pattern' in out || 'enum' in out)) {
    const { default: fallback, ...constraint } = out;
    out = { ...(fallback !== undefined ? { default: fallback } : {}), anyOf: [constraint, ENV_REFERENCE] };
  }
  return out;
}

function withDescription(node: JsonSchema, description: string | undefined): JsonSchema {
  return description === undefined ? node : { description, ...node };
}
