import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDatabaseCommand,
  CreateTableCommand,
  GetTableCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { GlueClient, TableInput } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssetHashes } from '../../src/catalog/hashes.ts';
import type { TableRef } from '../../src/catalog/target.ts';
import { FileTarget } from '../../src/connectors/file/file-target.ts';
import type { GlueTable, GlueTableInput } from '../../src/mapping/glue-table.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import type { Mapping } from '../../src/mapping/load-mapping.ts';
import { toTableInput } from '../../src/mapping/to-table-input.ts';
import { motoEndpoint, otherTool, testGlueTarget, uniquePrefix } from '../setup/glue-test-support.ts';
import { makeAsset } from '../support/make-asset.ts';
import { targetContract } from './target-contract.ts';

async function getTable(client: GlueClient, ref: TableRef): Promise<GlueTable | undefined> {
  try {
    const out = await client.send(new GetTableCommand({ DatabaseName: ref.database, Name: ref.table }));
    return out.Table as unknown as GlueTable;
  } catch (error) {
    if ((error as Error).name === 'EntityNotFoundException') return undefined;
    throw error;
  }
}

targetContract('glue (moto)', async ({ mapping, databasePrefix }) => {
  const endpoint = motoEndpoint();
  const client = otherTool(endpoint);
  return {
    target: (job = 'nightly') => testGlueTarget({ endpoint, mapping, databasePrefix, job }),
    async putForeignTable(database, input) {
      await client.send(new CreateDatabaseCommand({ DatabaseInput: { Name: database } })).catch((error: Error) => {
        if (error.name !== 'AlreadyExistsException') throw error;
      });
      await client.send(new CreateTableCommand({ DatabaseName: database, TableInput: input as TableInput }));
    },
    readTable: (ref) => getTable(client, ref),
    async changeTable(ref, change) {
      const current = (await getTable(client, ref)) as GlueTable;
      await client.send(
        new UpdateTableCommand({ DatabaseName: ref.database, TableInput: change(toTableInput(current)) as TableInput }),
      );
    },
    cleanup: async () => client.destroy(),
  };
});

describe('Glue target and file target send the same TableInput', () => {
  const H: AssetHashes = { content: 'c', schema: 's', metadata: 'm' };
  let mapping: Mapping;
  let root: string;
  beforeAll(async () => {
    mapping = await loadMapping();
    root = await mkdtemp(join(tmpdir(), 'glue-vs-file-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('for a create, and for an update over a table someone else extended', async () => {
    const endpoint = motoEndpoint();
    const databasePrefix = uniquePrefix('same');
    const glue = testGlueTarget({ endpoint, mapping, databasePrefix });
    const file = new FileTarget({ path: root, databasePrefix, job: 'nightly', mapping });
    const client = otherTool(endpoint);
    const asset = makeAsset({ description: 'Orders\nwith a second line', technicalName: 'Orders' });
    const ref = glue.resolve(asset);
    const stored = async (): Promise<[GlueTableInput, GlueTableInput]> => {
      const fromFile = JSON.parse(await readFile(join(root, ref.database, `${ref.table}.json`), 'utf8')) as GlueTable;
      return [toTableInput(fromFile), toTableInput((await getTable(client, ref)) as GlueTable)];
    };

    expect(glue.fullWriteBytes(asset, ref, H)).toBe(file.fullWriteBytes(asset, ref, H));
    expect(glue.fullWriteBytes(asset, ref, H)).toBeGreaterThan(0);
    const request = { asset, ref, strategy: 'full' as const, facets: ['content', 'schema', 'metadata'] as const, hashes: H, create: true };
    await glue.write({ ...request, facets: [...request.facets] });
    await file.write({ ...request, facets: [...request.facets] });
    const [fileInput, glueInput] = await stored();
    expect(glueInput).toEqual(fileInput);

    // Another tool extends both copies the same way: a parameter and a Location of its own.
    const extend = (input: GlueTableInput): GlueTableInput => ({
      ...input,
      Parameters: { ...input.Parameters, classification: 'parquet' },
      StorageDescriptor: { ...input.StorageDescriptor, Location: 's3://lake/orders/' },
    });
    await client.send(new UpdateTableCommand({ DatabaseName: ref.database, TableInput: extend(glueInput) as TableInput }));
    const tableFile = join(root, ref.database, `${ref.table}.json`);
    const onDisk = JSON.parse(await readFile(tableFile, 'utf8')) as GlueTable;
    await writeFile(tableFile, JSON.stringify({ ...onDisk, ...extend(toTableInput(onDisk)), VersionId: '2' }));

    const changed = makeAsset({ description: 'Changed', technicalName: 'Orders' });
    const delta = { asset: changed, ref, strategy: 'delta' as const, facets: ['content' as const], hashes: { ...H, content: 'c2' }, create: false };
    await glue.readState([ref.database]);
    await file.readState([ref.database]);
    await glue.write(delta);
    await file.write(delta);
    const [fileAfter, glueAfter] = await stored();
    expect(glueAfter).toEqual(fileAfter);
    expect(glueAfter).toMatchObject({ Description: 'Orders — Changed', Parameters: { classification: 'parquet' }, StorageDescriptor: { Location: 's3://lake/orders/' } });
    await glue.close();
    client.destroy();
  });
});
