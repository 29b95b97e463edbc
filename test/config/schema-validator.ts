import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import formats from 'ajv-formats';
import { CONFIG_SCHEMA_FILE } from '../../src/config/config-json-schema.ts';

// ajv-formats is CommonJS: under NodeNext its default import is module.exports, whose `default` is the plugin.
const addFormats = formats.default;

/**
 * A validator for config FILES against the committed JSON Schema, as an editor would run it: strict mode (a
 * keyword ajv does not know is an error, so the schema is held to the draft) and formats checked.
 */
export function configFileValidator(schema?: unknown): (file: unknown) => string[] {
  if (schema === undefined) return (committed ??= compile(JSON.parse(readFileSync(CONFIG_SCHEMA_FILE, 'utf8'))));
  return compile(schema);
}

let committed: ((file: unknown) => string[]) | undefined;

function compile(schema: unknown): (file: unknown) => string[] {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  const validate = ajv.compile(schema as object);
  return (file: unknown): string[] => (validate(file) ? [] : (validate.errors ?? []).map(describe));
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '/'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`;
}
