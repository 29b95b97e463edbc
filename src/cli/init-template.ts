import type { JsonSchema } from '../config/config-json-schema.ts';
import { variantName } from '../config/config-json-schema.ts';

export interface StarterChoice {
  /** `source.type` */
  source: string;
  /** `target.type` */
  target: string;
  /** The `$schema` reference to write, relative to where the file goes. */
  schemaRef: string;
}

/**
 * Values for required keys that have no default: what a starter config needs to be valid at all. Each is an
 * example the comment marks "(required)"; secrets are environment references, so the file never holds one.
 * A source or target type added to the config schema needs its required keys here before init can offer it.
 */
export const REQUIRED_EXAMPLES: Readonly<Record<string, unknown>> = {
  'source.csn-files.path': 'datasphere-export',
  'source.csn-files.space': 'SALES',
  'source.datasphere.tenantUrl': 'https://mytenant.eu10.hcs.cloud.sap',
  'source.datasphere.tokenUrl': 'https://mytenant.authentication.eu10.hana.ondemand.com/oauth/token',
  'source.datasphere.clientId': '${DATASPHERE_CLIENT_ID}',
  'source.datasphere.clientSecret': '${DATASPHERE_CLIENT_SECRET}',
  'target.file.path': 'glue-catalog',
};

/**
 * The text of a starter config, generated from the config's JSON Schema so that it names every setting the
 * schema has, with the schema's default and description: nothing here repeats a default. Comments are keys
 * (`"//"` for a block, `"//key"` before a key), which the loader drops.
 */
export function starterConfig(schema: JsonSchema, choice: StarterChoice): string {
  const header =
    `catalog-sync configuration, written by \`catalog-sync init --source ${choice.source} --target ${choice.target}\`. ` +
    'Keys starting with // are comments, ignored when the file is loaded. Values marked (required) are examples: replace them. ' +
    'Every other value shown is the default, and a key left out takes its default. Relative paths are resolved against the folder of this file. ' +
    'Any string may be a ${ENV_VAR} reference, replaced from the environment when the file is loaded: secrets (the Datasphere client secret) ' +
    'must be given that way, never written here, and values read from the environment never reach logs, checkpoints or reports. ' +
    'Check this file with `catalog-sync config validate`, preview a run with `catalog-sync plan`; $schema lets editors complete and check keys.';
  const body = objectBody(schema, [], { source: choice.source, target: choice.target });
  return layout(JSON.stringify({ $schema: choice.schemaRef, '//': header, ...body }, null, 2)) + '\n';
}

type Choices = Readonly<Record<string, string>>;

function objectBody(node: JsonSchema, path: readonly string[], choices: Choices): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const required = new Set((node['required'] as string[] | undefined) ?? []);
  for (const [key, child] of Object.entries((node['properties'] as Record<string, JsonSchema> | undefined) ?? {})) {
    if (key === '$schema') continue;
    Object.assign(out, entry(key, child, [...path, key], required.has(key), choices));
  }
  return out;
}

function entry(key: string, node: JsonSchema, path: readonly string[], required: boolean, choices: Choices): Record<string, unknown> {
  if (node['const'] !== undefined) return { [key]: node['const'] };
  const { branch, variant } = chosenBranch(node, path, choices);
  const docs = [node['description'], branch !== node ? branch['description'] : undefined].filter((d): d is string => typeof d === 'string');
  const doc = docs.join(' ');
  const hasDefault = 'default' in node;
  const isBlock = branch['type'] === 'object' && branch['properties'] !== undefined;
  const defaultIsEmpty = hasDefault && isEmptyObject(node['default']);
  if (isBlock && (defaultIsEmpty || (!hasDefault && required))) {
    const inner = objectBody(branch, variant === undefined ? path : [...path, variant], choices);
    return { [key]: { ...(doc ? { '//': required ? `(required) ${doc}` : doc } : {}), ...inner } };
  }
  if (hasDefault) return { ...(doc ? { [`//${key}`]: doc } : {}), [key]: node['default'] };
  const at = path.join('.');
  if (required) {
    if (!(at in REQUIRED_EXAMPLES)) throw new Error(`the starter config has no example for the required key ${at} (add one to REQUIRED_EXAMPLES)`);
    return { [`//${key}`]: `(required) ${doc}`.trim(), [key]: REQUIRED_EXAMPLES[at] };
  }
  return { [`//${key}`]: `(optional, not set) ${doc}`.trim() };
}

/** The union member to write: the chosen variant of `source` / `target`, else the first non-null member. */
function chosenBranch(node: JsonSchema, path: readonly string[], choices: Choices): { branch: JsonSchema; variant?: string } {
  const branches = (node['oneOf'] ?? node['anyOf']) as JsonSchema[] | undefined;
  if (!branches) return { branch: node };
  const wanted = choices[path.join('.')];
  const chosen = branches.find((b) => wanted !== undefined && variantName(b) === wanted);
  if (chosen) return { branch: chosen, variant: wanted };
  if (wanted !== undefined) throw new Error(`${path.join('.')}.type "${wanted}" is not in the config schema`);
  return { branch: branches.find((b) => b['type'] !== 'null') ?? node };
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}

/** A blank line between the top-level blocks (a `//key` comment stays with its key), as a person lays a file out. */
function layout(json: string): string {
  const out: string[] = [];
  let previous = '';
  for (const line of json.split('\n')) {
    const top = /^ {2}"((?:[^"\\]|\\.)*)":/.exec(line);
    if (top) {
      const keepsWithNext = previous === '' || previous === '$schema' || (previous.startsWith('//') && previous !== '//');
      if (!keepsWithNext) out.push('');
      previous = top[1]!;
    }
    out.push(line);
  }
  return out.join('\n');
}
