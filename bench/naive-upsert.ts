import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CreateDatabaseCommand, CreateTableCommand, UpdateTableCommand } from '@aws-sdk/client-glue';
import type { GlueClient } from '@aws-sdk/client-glue';
import pLimit from 'p-limit';
import type { Asset } from '../src/catalog/asset.ts';
import { recordCall } from '../src/catalog/traffic.ts';
import type { Traffic } from '../src/catalog/traffic.ts';
import { buildTableInput, createTableRequestBytes } from '../src/mapping/build-table-input.ts';
import type { Mapping } from '../src/mapping/load-mapping.ts';
import { resolveTableRef } from '../src/mapping/table-naming.ts';

const ZERO_HASHES = { content: '', schema: '', metadata: '' };

/**
 * The baseline a user might write instead of catalog-sync: no checkpoint, no change detection — every run sends
 * every asset in full (UpdateTable, and CreateTable where the table does not exist yet). Same table builder and
 * same accounting as the real targets, so bytes and calls compare one to one.
 */
export interface NaiveUpsert {
  run(assets: readonly Asset[]): Promise<void>;
}

export function naiveGlueUpsert(client: GlueClient, mapping: Mapping, databasePrefix: string, concurrency: number): NaiveUpsert {
  const limit = pLimit(concurrency);
  // One CreateDatabase per database, shared by the upserts that find it missing at the same time.
  const databases = new Map<string, Promise<unknown>>();
  return {
    async run(assets) {
      await Promise.all(
        assets.map((asset) =>
          limit(async () => {
            const ref = resolveTableRef(asset, { databasePrefix });
            const input = buildTableInput(asset, { job: 'naive', hashes: ZERO_HASHES, databasePrefix, mapping, ref }).input as never;
            try {
              await client.send(new UpdateTableCommand({ DatabaseName: ref.database, TableInput: input }));
            } catch (error) {
              if ((error as { name?: string }).name !== 'EntityNotFoundException') throw error;
              let created = databases.get(ref.database);
              if (!created) {
                // AlreadyExistsException from an earlier run is fine.
                created = client.send(new CreateDatabaseCommand({ DatabaseInput: { Name: ref.database } })).catch(() => undefined);
                databases.set(ref.database, created);
              }
              await created;
              await client.send(new CreateTableCommand({ DatabaseName: ref.database, TableInput: input }));
            }
          }),
        ),
      );
    },
  };
}

/** The same baseline on the file target's layout: every table file rewritten on every run. */
export function naiveFileUpsert(root: string, mapping: Mapping, databasePrefix: string, traffic: Traffic): NaiveUpsert {
  return {
    async run(assets) {
      const made = new Set<string>();
      for (const asset of assets) {
        const ref = resolveTableRef(asset, { databasePrefix });
        const input = buildTableInput(asset, { job: 'naive', hashes: ZERO_HASHES, databasePrefix, mapping, ref }).input;
        if (!made.has(ref.database)) {
          made.add(ref.database);
          await mkdir(path.join(root, ref.database), { recursive: true });
        }
        const body = JSON.stringify({ DatabaseName: ref.database, TableInput: input });
        await writeFile(path.join(root, ref.database, `${ref.table}.json`), body);
        recordCall(traffic, 'UpdateTable', createTableRequestBytes(ref, input), 2, true);
      }
    },
  };
}
