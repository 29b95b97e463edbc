import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSource, createTarget } from '../../src/cli/create-connectors.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { checkpointPaths } from '../../src/state/checkpoint-paths.ts';
import { repoRoot } from '../support/file-scenario.ts';
import { useDummyAwsCredentials } from '../setup/glue-test-support.ts';
import { configFileValidator } from './schema-validator.ts';

const FILE = path.join(repoRoot, 'config.glue-replication.example.json');

describe('config.glue-replication.example.json', () => {
  it('validates against the JSON Schema and loads', async () => {
    const raw = JSON.parse(await readFile(FILE, 'utf8')) as Record<string, unknown>;
    expect(raw['$schema']).toBe('./schema/catalog-sync.schema.json');
    expect(configFileValidator()(raw)).toEqual([]);
    const { config } = await loadConfig(FILE, {});
    expect(config.source.type).toBe('glue');
    expect(config.target.type === 'glue' && config.target.locationRewrites).toHaveLength(2);
  });

  it('wires a Glue source (checkpoint <job>@glue_checkpoints.json) and a replica target that names its renames', async () => {
    useDummyAwsCredentials();
    const { config } = await loadConfig(FILE, {});
    const source = createSource(config);
    expect(source).toMatchObject({ type: 'glue', system: 'glue' });
    expect(path.basename(checkpointPaths(config.checkpoints.dir, source.system, config.job.name).file)).toBe('dr-replica@glue_checkpoints.json');
    const target = await createTarget(config);
    try {
      expect(target.identity).toMatchObject({ type: 'glue', region: 'eu-west-1', databasePrefix: '', databaseRename: '{"sales":"sales_dr"}' });
      expect(target.databaseFor('sales')).toBe('sales_dr');
      expect(target.databaseFor('finance')).toBe('finance');
      expect('partitions' in target && target.partitions !== undefined).toBe(true);
    } finally {
      await target.close?.();
    }
  });
});
