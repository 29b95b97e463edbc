import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableRef } from '../../src/catalog/target.ts';
import { FileTarget } from '../../src/connectors/file/file-target.ts';
import type { GlueTable } from '../../src/mapping/glue-table.ts';
import { toTableInput } from '../../src/mapping/to-table-input.ts';
import { targetContract } from './target-contract.ts';

const tablePath = (root: string, ref: TableRef): string => join(root, ref.database, `${ref.table}.json`);

async function readTable(root: string, ref: TableRef): Promise<GlueTable | undefined> {
  try {
    return JSON.parse(await readFile(tablePath(root, ref), 'utf8')) as GlueTable;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

targetContract('file', async ({ mapping, databasePrefix }) => {
  const root = await mkdtemp(join(tmpdir(), 'file-contract-'));
  return {
    target: (job = 'nightly') => new FileTarget({ path: root, databasePrefix, job, mapping }),
    async putForeignTable(database, input) {
      await mkdir(join(root, database), { recursive: true });
      const table: GlueTable = { DatabaseName: database, ...input, VersionId: '1' };
      await writeFile(tablePath(root, { database, table: input.Name }), JSON.stringify(table));
    },
    readTable: (ref) => readTable(root, ref),
    async changeTable(ref, change) {
      const current = (await readTable(root, ref)) as GlueTable;
      const version = String(Number(current.VersionId ?? '0') + 1);
      const next: GlueTable = { DatabaseName: ref.database, ...change(toTableInput(current)), VersionId: version };
      await writeFile(tablePath(root, ref), JSON.stringify(next));
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});
