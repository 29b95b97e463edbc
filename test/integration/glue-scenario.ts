import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetTableCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import type { GlueClient, TableInput } from '@aws-sdk/client-glue';
import { CsnFilesSource } from '../../src/connectors/csn-files/csn-files-source.ts';
import { silentLogger } from '../../src/engine/engine-logger.ts';
import { runSync } from '../../src/engine/run-sync.ts';
import type { SyncDeps, SyncOptions, SyncOutcome } from '../../src/engine/run-sync.ts';
import type { GlueTable, GlueTableInput } from '../../src/mapping/glue-table.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { toTableInput } from '../../src/mapping/to-table-input.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import type { FileCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import { CORPUS_CSN, motoEndpoint, otherTool, scenarioSyncOptions, testGlueTarget, uniquePrefix } from '../setup/glue-test-support.ts';

export const JOB = 'nightly';

/** A CSN definition as the export files hold it; only what the tests edit is typed. */
export interface CsnEntity {
  elements: Record<string, { type?: string; length?: number; '@EndUserText.label'?: string }>;
  [annotation: string]: unknown;
}

export interface GlueScenario {
  database: string;
  /** The other tool: a plain SDK client on the same moto. */
  other: GlueClient;
  /** One sync run, as the CLI would do it: fresh source, target and checkpoint store, the real engine. */
  run(overrides?: Partial<SyncOptions>, deps?: Pick<SyncDeps, 'signal' | 'onProgress'>): Promise<SyncOutcome>;
  checkpoints(): Promise<FileCheckpointStore>;
  /** Edits one definition in the scenario's copy of the corpus. */
  edit(file: string, entity: string, change: (entity: CsnEntity) => void): Promise<void>;
  removeFile(file: string): Promise<void>;
  table(name: string): Promise<GlueTable>;
  /** Another tool rewrites a table (GetTable, change, UpdateTable), as a crawler or a person would. */
  tamper(name: string, change: (input: GlueTableInput) => GlueTableInput): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * The whole corpus (test/fixtures/corpus/csn) synced into moto through runSync, with a database prefix of its own
 * and a temp folder holding the corpus copy (so tests can edit it) and the checkpoint file.
 */
export async function createGlueScenario(label: string, targetOptions: { writeUnread?: boolean } = {}): Promise<GlueScenario> {
  const endpoint = motoEndpoint();
  const mapping = await loadMapping();
  const prefix = uniquePrefix(label);
  const database = `${prefix}sales`;
  const dir = await mkdtemp(path.join(tmpdir(), `glue-scenario-${label}-`));
  const corpus = path.join(dir, 'csn');
  await cp(CORPUS_CSN, corpus, { recursive: true });
  const other = otherTool(endpoint);

  const checkpoints = () =>
    openCheckpointStore({ dir: path.join(dir, 'checkpoints'), sourceSystem: 'datasphere', flushEvery: 25, backups: { keep: 3, maxAgeDays: 0 } });

  const table = async (name: string): Promise<GlueTable> => {
    const out = await other.send(new GetTableCommand({ DatabaseName: database, Name: name }));
    return out.Table as unknown as GlueTable;
  };

  return {
    database,
    other,
    checkpoints,
    async run(overrides = {}, deps = {}) {
      const options = scenarioSyncOptions(JOB, 4, overrides);
      const target = testGlueTarget({ endpoint, mapping, databasePrefix: prefix, job: JOB, maxConcurrency: 4, ...targetOptions });
      try {
        return await runSync(options, {
          source: new CsnFilesSource({ path: corpus, space: 'SALES' }),
          target,
          checkpoints: await checkpoints(),
          logger: silentLogger,
          ...deps,
        });
      } finally {
        await target.close();
      }
    },
    async edit(file, entity, change) {
      const full = path.join(corpus, file);
      const csn = JSON.parse(await readFile(full, 'utf8')) as { definitions: Record<string, CsnEntity> };
      const definition = csn.definitions[entity];
      if (!definition) throw new Error(`${file} has no definition ${entity}`);
      change(definition);
      await writeFile(full, JSON.stringify(csn, null, 2));
    },
    removeFile: (file) => rm(path.join(corpus, file)),
    table,
    async tamper(name, change) {
      const input = change(toTableInput(await table(name)));
      await other.send(new UpdateTableCommand({ DatabaseName: database, TableInput: input as TableInput }));
    },
    async cleanup() {
      other.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
