import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The mapping file shipped with the tool, resolved from this module so it works from any working directory. */
export const DEFAULT_MAPPING_FILE = fileURLToPath(
  new URL('../../mappings/datasphere-to-glue.json', import.meta.url),
);

/** The only mapping file format this code understands; bump it together with the file when the shape changes. */
export const MAPPING_FORMAT_VERSION = 1;

/** Token in the file that stands for `mapping.defaultDecimal` from the config. */
export const DEFAULT_DECIMAL_TOKEN = '$defaultDecimal';

const PRIMITIVE =
  /^(string|int|bigint|smallint|tinyint|double|float|boolean|date|timestamp|binary|varchar\(\d+\)|char\(\d+\)|decimal\(\d+,\d+\))$/;
const COMPLEX = /^(array|map|struct)<.+>$/;

const glueType = z
  .string()
  .refine((t) => t === DEFAULT_DECIMAL_TOKEN || PRIMITIVE.test(t) || COMPLEX.test(t), {
    message: `a Glue column type (string, int, varchar(n), decimal(p,s), …) or ${DEFAULT_DECIMAL_TOKEN}`,
  });

const varcharRule = z.strictObject({
  rule: z.literal('varchar'),
  /** Longest length Glue's varchar(n) takes (65535); longer strings become `overflow`. */
  maxLength: z.number().int().min(1).max(65535),
  overflow: glueType,
  withoutLength: glueType,
});

const decimalRule = z.strictObject({
  rule: z.literal('decimal'),
  /** Hive's decimal tops out at precision 38; larger precisions are clamped with a warning. */
  maxPrecision: z.number().int().min(1).max(38),
  withoutPrecision: glueType,
});

const typeRule = z.union([glueType, varcharRule, decimalRule]);

const regex = z.string().refine(
  (source) => {
    try {
      new RegExp(source, 'iu');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'a valid regular expression' },
);

const family = z.strictObject({
  /** Stripped (case-insensitively) before lookup; the first also decides which family a type name belongs to. */
  prefixes: z.array(z.string().min(1)).min(1),
  types: z.record(z.string().min(1), typeRule),
  patterns: z.array(z.strictObject({ match: regex, glue: typeRule })).default([]),
});

export const mappingFileSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(MAPPING_FORMAT_VERSION),
  cds: family,
  edm: family,
});

export type TypeRule = z.infer<typeof typeRule>;
export type MappingFile = z.infer<typeof mappingFileSchema>;

export interface TypeFamily {
  name: 'cds' | 'edm';
  prefixes: string[];
  /** Keyed by the lowercased type name without the family prefix. */
  types: ReadonlyMap<string, TypeRule>;
  patterns: ReadonlyArray<{ regex: RegExp; rule: TypeRule }>;
}

/** The validated, lookup-ready form of a mapping file. */
export interface MappingTable {
  version: number;
  cds: TypeFamily;
  edm: TypeFamily;
}

export class MappingFileError extends Error {
  override readonly name = 'MappingFileError';
}

function compileFamily(name: TypeFamily['name'], raw: MappingFile['cds']): TypeFamily {
  const types = new Map<string, TypeRule>();
  for (const [key, rule] of Object.entries(raw.types)) {
    const normalized = key.toLowerCase();
    if (types.has(normalized)) throw new MappingFileError(`${name}.types: "${key}" is listed twice (keys ignore case)`);
    types.set(normalized, rule);
  }
  return {
    name,
    prefixes: raw.prefixes,
    types,
    patterns: raw.patterns.map((p) => ({ regex: new RegExp(p.match, 'iu'), rule: p.glue })),
  };
}

/** Validates parsed JSON and compiles it; `origin` names the file in error messages. */
export function parseMappingTable(json: unknown, origin = 'mapping'): MappingTable {
  const result = mappingFileSchema.safeParse(json);
  if (!result.success) {
    throw new MappingFileError(`${origin} is not a valid mapping file:\n${z.prettifyError(result.error)}`);
  }
  return {
    version: result.data.version,
    cds: compileFamily('cds', result.data.cds),
    edm: compileFamily('edm', result.data.edm),
  };
}

export async function loadMappingTable(file: string = DEFAULT_MAPPING_FILE): Promise<MappingTable> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new MappingFileError(`cannot read mapping file ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new MappingFileError(`mapping file ${file} is not JSON: ${(error as Error).message}`);
  }
  return parseMappingTable(json, file);
}
