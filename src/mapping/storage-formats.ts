import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MappingFileError } from './mapping-table.ts';

/** The shipped table of storage formats, resolved from this module so it works from src/ and dist/ alike. */
export const STORAGE_FORMATS_FILE = fileURLToPath(new URL('../../mappings/storage-formats.json', import.meta.url));

const stringRecord = z.record(z.string().min(1), z.string());

/**
 * Every table Parameter a storage part may set. They are owned together with the storage (replaced as one by a
 * write that owns it), so the format table may name no others.
 */
export const STORAGE_TABLE_KEYS: readonly string[] = ['EXTERNAL', 'classification', 'skip.header.line.count'];

const formatEntry = z.strictObject({
  serializationLibrary: z.string().min(1),
  inputFormat: z.string().min(1),
  outputFormat: z.string().min(1),
  serdeParameters: stringRecord,
  tableParameters: stringRecord.refine((r) => Object.keys(r).every((k) => STORAGE_TABLE_KEYS.includes(k)), {
    message: `table parameters may only be ${STORAGE_TABLE_KEYS.join(', ')}`,
  }),
});

export const storageFormatsSchema = z.strictObject({
  $comment: z.string().optional(),
  version: z.literal(1),
  formats: z.record(z.string().min(1), formatEntry),
});

export type StorageFormatEntry = z.infer<typeof formatEntry>;
export type StorageFormats = Readonly<Record<string, StorageFormatEntry>>;

/** Validates the parsed file; `origin` names it in error messages. */
export function parseStorageFormats(json: unknown, origin = 'storage formats'): StorageFormats {
  const result = storageFormatsSchema.safeParse(json);
  if (!result.success) {
    throw new MappingFileError(`${origin} is not a valid storage format table:\n${z.prettifyError(result.error)}`);
  }
  return result.data.formats;
}

export async function loadStorageFormats(file: string = STORAGE_FORMATS_FILE): Promise<StorageFormats> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new MappingFileError(`cannot read storage format table ${file}: ${(error as Error).message}`);
  }
  try {
    return parseStorageFormats(JSON.parse(text) as unknown, file);
  } catch (error) {
    if (error instanceof MappingFileError) throw error;
    throw new MappingFileError(`storage format table ${file} is not JSON: ${(error as Error).message}`);
  }
}
