import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSource } from '../../../src/cli/create-connectors.ts';
import { loadConfig, parseConfig } from '../../../src/config/load-config.ts';
import { DatasphereSource } from '../../../src/connectors/datasphere/datasphere-source.ts';
import { REPO_ROOT } from './fake-tenant.ts';

describe('config.datasphere.example.json', () => {
  it('is a valid config whose credentials come from the environment, and wires a DatasphereSource', async () => {
    const env = { DATASPHERE_CLIENT_ID: 'sb-example!t1', DATASPHERE_CLIENT_SECRET: 'example-secret-value' };
    const { config, secrets } = await loadConfig(path.join(REPO_ROOT, 'config.datasphere.example.json'), env);
    expect(config.source).toMatchObject({
      type: 'datasphere',
      clientId: env.DATASPHERE_CLIENT_ID,
      clientSecret: env.DATASPHERE_CLIENT_SECRET,
      catalogPrefix: '/api/v1/datasphere/consumption/catalog',
      pageSize: 100,
      designTime: true,
      maxRetryAfterSeconds: 300,
    });
    expect(secrets).toEqual(expect.arrayContaining([env.DATASPHERE_CLIENT_SECRET]));
    const source = createSource(config);
    expect(source).toBeInstanceOf(DatasphereSource);
    expect(source.system).toBe('datasphere');
  });

  it('refuses a page size above what the catalog serves', () => {
    const raw = {
      source: { type: 'datasphere', tenantUrl: 'https://t.eu10.hcs.cloud.sap', tokenUrl: 'https://t.authentication.eu10.hana.ondemand.com/oauth/token', clientId: 'a', clientSecret: 'b', pageSize: 1000 },
      target: { type: 'file', path: 'out' },
    };
    expect(() => parseConfig(raw, '/tmp/config.json', {})).toThrow(/invalid configuration/);
  });
});
