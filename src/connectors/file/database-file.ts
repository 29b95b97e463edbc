import { join } from 'node:path';
import { z } from 'zod';
import { DATABASE_FILE, readTextIfExists } from './table-files.ts';

/**
 * `<database>/_database.json`: the database as Glue would hold it (Name, Description, Parameters, CreateTime).
 * Anyone may have written it; what we read of it is checked, and what we do not know is kept as it was.
 */
const databaseSchema = z.looseObject({
  Name: z.string().optional(),
  Description: z.string().optional(),
  Parameters: z.record(z.string(), z.string()).optional(),
});

export type DatabaseFile = z.infer<typeof databaseSchema>;

export function databaseFilePath(root: string, database: string): string {
  return join(root, database, DATABASE_FILE);
}

/** The database file, parsed; undefined when there is none. Throws, saying why, when it is not one. */
export async function readDatabaseFile(root: string, database: string): Promise<{ database: DatabaseFile; bytes: number } | undefined> {
  const file = databaseFilePath(root, database);
  const text = await readTextIfExists(file);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message})`);
  }
  const parsed = databaseSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not a database definition: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return { database: parsed.data, bytes: Buffer.byteLength(text, 'utf8') };
}
