import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTarget } from '../../src/cli/create-connectors.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { makeAsset } from '../support/make-asset.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'db-description-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function databaseWrittenFor(source: Record<string, unknown>): Promise<Record<string, unknown>> {
  const catalog = join(root, String(source['type']));
  const { config } = parseConfig({ source, target: { type: 'file', path: catalog } }, 'test.json');
  const target = await createTarget(config);
  const asset = makeAsset();
  await target.write({ asset, ref: target.resolve(asset), strategy: 'full', facets: ['content', 'schema', 'metadata'], hashes: { content: 'c', schema: 's', metadata: 'm' }, create: true });
  await target.close?.();
  return JSON.parse(await readFile(join(catalog, 'ds_sales', '_database.json'), 'utf8')) as Record<string, unknown>;
}

describe('the database Description the CLI wires', () => {
  it('says the Datasphere space for a Datasphere export', async () => {
    expect((await databaseWrittenFor({ type: 'csn-files', path: 'in', space: 'SALES' }))['Description']).toBe('SAP Datasphere space SALES');
  });

  it('is none for a database replicated from a Glue source, which is no Datasphere space', async () => {
    expect(await databaseWrittenFor({ type: 'glue' })).not.toHaveProperty('Description');
  });
});
