import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { LocationRewrite } from './location-rewrites.ts';
import { DEFAULT_MAPPING_FILE, loadMappingTable, MappingFileError } from './mapping-table.ts';
import type { MappingTable } from './mapping-table.ts';
import { CONTROL_PREFIX } from './table-parameters.ts';

/** The `mapping` config block without `file`; the config's MappingOptions type is assignable to it. */
export interface MappingOptions {
  /** Glue type for a source type the table does not know (reported as a warning). */
  fallbackType: string;
  /** Glue type for decimals without precision, `decimal(p,s)`. */
  defaultDecimal: string;
  /** Prefix of the table and column Parameters that carry business context, e.g. `datasphere.`. */
  parameterPrefix: string;
}

export const DEFAULT_MAPPING_OPTIONS: Readonly<MappingOptions> = {
  fallbackType: 'string',
  defaultDecimal: 'decimal(38,10)',
  parameterPrefix: 'datasphere.',
};

/** A loaded type table plus the options that complete it: everything mapping needs, passed around as one value. */
export interface Mapping {
  table: MappingTable;
  options: MappingOptions;
  /** `target.locationRewrites`: how a replicated Glue table's S3 locations move to the target account. */
  locationRewrites?: readonly LocationRewrite[];
}

/** Checks the options against rules the config schema cannot express, and pairs them with a table. */
export function createMapping(table: MappingTable, options: Partial<MappingOptions> = {}): Mapping {
  const merged: MappingOptions = { ...DEFAULT_MAPPING_OPTIONS, ...options };
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(merged.defaultDecimal);
  if (!decimal || Number(decimal[1]) < 1 || Number(decimal[1]) > 38 || Number(decimal[2]) > Number(decimal[1])) {
    throw new MappingFileError(
      `mapping.defaultDecimal "${merged.defaultDecimal}" must be decimal(p,s) with 1 ≤ p ≤ 38 and s ≤ p`,
    );
  }
  const prefix = merged.parameterPrefix;
  // Short enough that every fixed key fits Glue's 255-byte key limit; never inside our control namespace.
  const invalid = prefix.length === 0 || Buffer.byteLength(prefix) > 100 || /[\r\n]/.test(prefix);
  if (invalid || prefix.startsWith(CONTROL_PREFIX)) {
    throw new MappingFileError(
      `mapping.parameterPrefix "${prefix}" must be 1-100 bytes, single-line and outside ${CONTROL_PREFIX}`,
    );
  }
  return { table, options: merged };
}

/** The config's default `mapping.file`, relative to wherever the tool is run from. */
const CONFIG_DEFAULT_FILE = 'mappings/datasphere-to-glue.json';

/**
 * Loads the mapping file named by the config, relative to `baseDir` (default: the working directory). When none
 * is named, or the config default is named but not present there (the tool runs from another folder), the file
 * shipped with the tool is used.
 */
export async function loadMapping(
  options: Partial<MappingOptions> & { file?: string } = {},
  baseDir: string = process.cwd(),
): Promise<Mapping> {
  const { file, ...rest } = options;
  let path = file === undefined ? DEFAULT_MAPPING_FILE : isAbsolute(file) ? file : resolve(baseDir, file);
  if (file === CONFIG_DEFAULT_FILE && !existsSync(path)) path = DEFAULT_MAPPING_FILE;
  return createMapping(await loadMappingTable(path), rest);
}
