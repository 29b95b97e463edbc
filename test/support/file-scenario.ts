import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsnFilesSource } from '../../src/connectors/csn-files/csn-files-source.ts';
import { FileTarget } from '../../src/connectors/file/file-target.ts';
import { defaultChangeOptions } from '../../src/change/change-options.ts';
import type { SyncOptions } from '../../src/engine/run-sync.ts';
import { runSync } from '../../src/engine/run-sync.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const exampleExport = path.join(repoRoot, 'examples/datasphere-export');
export const corpusCsn = path.resolve(repoRoot, 'test/fixtures/corpus/csn');

export interface FileScenario {
  root: string;
  exportDir: string;
  targetDir: string;
  checkpointDir: string;
  run(options?: Partial<SyncOptions>): ReturnType<typeof runSync>;
  /** Rewrites one export file through a JSON edit function. */
  editExport(file: string, edit: (doc: any) => void): Promise<void>;
  readTable(database: string, table: string): Promise<any>;
  writeTable(database: string, table: string, table_: unknown): Promise<void>;
  tableNames(database: string): Promise<string[]>;
  cleanup(): Promise<void>;
}

export const baseOptions: SyncOptions = {
  job: 'catalog-sync',
  spaces: [],
  mode: 'incremental',
  dryRun: false,
  force: false,
  concurrency: 4,
  change: defaultChangeOptions,
  deletion: { policy: 'delete', maxCount: 50, maxPercent: 100 },
  conflictPolicy: 'source-wins',
};

/** A temp copy of an export folder synced into a temp file target, through the real engine and store. */
export async function createFileScenario(from = exampleExport, space = 'SALES'): Promise<FileScenario> {
  const root = await mkdtemp(path.join(tmpdir(), 'catalog-sync-scenario-'));
  const exportDir = path.join(root, 'export');
  const targetDir = path.join(root, 'target');
  const checkpointDir = path.join(root, 'checkpoints');
  await cp(from, exportDir, { recursive: true });
  const mapping = await loadMapping();
  return {
    root,
    exportDir,
    targetDir,
    checkpointDir,
    async run(options = {}) {
      const checkpoints = await openCheckpointStore({ dir: checkpointDir, sourceSystem: 'datasphere', flushEvery: 10, backups: { keep: 5, maxAgeDays: 0 } });
      const target = new FileTarget({ path: targetDir, databasePrefix: 'ds_', job: options.job ?? 'catalog-sync', mapping });
      const source = new CsnFilesSource({ path: exportDir, space });
      try {
        return await runSync({ ...baseOptions, ...options }, { source, target, checkpoints, logger: silent });
      } finally {
        // As the CLI ends a run: the journal folded into the checkpoint file.
        await checkpoints.close();
      }
    },
    async editExport(file, edit) {
      const p = path.join(exportDir, file);
      const doc = JSON.parse(await readFile(p, 'utf8'));
      edit(doc);
      await writeFile(p, JSON.stringify(doc, null, 2));
    },
    async readTable(database, table) {
      return JSON.parse(await readFile(path.join(targetDir, database, `${table}.json`), 'utf8'));
    },
    async writeTable(database, table, value) {
      await writeFile(path.join(targetDir, database, `${table}.json`), JSON.stringify(value, null, 2));
    },
    async tableNames(database) {
      const files = await readdir(path.join(targetDir, database)).catch(() => [] as string[]);
      return files.filter((f) => f.endsWith('.json') && f !== '_database.json').map((f) => f.slice(0, -5)).sort();
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
