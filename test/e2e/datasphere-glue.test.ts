import { GetTableCommand } from '@aws-sdk/client-glue';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { demoAssets, FakeTenant, salesAssets } from '../connectors/datasphere/fake-tenant.ts';
import { makeSource } from '../connectors/datasphere/make-source.ts';
import { JOB, makeDirs, removeDirs, runEngine } from '../connectors/datasphere/run-engine.ts';
import type { EngineDirs } from '../connectors/datasphere/run-engine.ts';
import { motoEndpoint, otherTool, testGlueTarget, uniquePrefix } from '../setup/glue-test-support.ts';

let dirs: EngineDirs | undefined;

beforeAll(() => {
  // The tenant is nock's; the Glue-compatible server is real, on loopback.
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterAll(() => {
  nock.enableNetConnect();
});
beforeEach(async () => {
  dirs = await makeDirs('ds-glue-');
});
afterEach(async () => {
  nock.cleanAll();
  await removeDirs(dirs);
});

describe('a nock-served Datasphere tenant synced end to end into Glue (moto)', () => {
  it('creates every asset in Glue, then reruns on 304s with no write call', async () => {
    const endpoint = motoEndpoint();
    const mapping = await loadMapping();
    const prefix = uniquePrefix('dsglue');
    const target = () => testGlueTarget({ endpoint, mapping, databasePrefix: prefix, job: JOB });
    new FakeTenant().addSpace('SALES', salesAssets()).addSpace('DEMO_SPACE', demoAssets({ onlyDay: true })).install();

    const first = (await runEngine(makeSource(), dirs as EngineDirs, { target: target() })).summary;
    expect(first.status).toBe('ok');
    expect(first.changes.created).toBe(8);
    expect(first.verified).toEqual({ checked: 8, matched: 8, readBack: 8 }); // creates: read back for their version
    expect(first.traffic.target.byOperation['CreateTable']?.requests).toBe(8);

    const glue = otherTool(endpoint);
    const day = await glue.send(new GetTableCommand({ DatabaseName: `${prefix}demo_space`, Name: 'sap_time_view_dimension_day' }));
    expect(day.Table?.Parameters?.['catalog_sync.owner']).toBe(JOB);
    expect(day.Table?.StorageDescriptor?.Columns?.[0]).toMatchObject({ Name: 'date_sql', Type: 'date' });

    nock.cleanAll();
    new FakeTenant().addSpace('SALES', salesAssets()).addSpace('DEMO_SPACE', demoAssets({ onlyDay: true })).install();
    const second = (await runEngine(makeSource(), dirs as EngineDirs, { target: target() })).summary;
    expect(second.changes.unchanged).toBe(8);
    expect(second.traffic.target.writes).toBe(0);
    expect(second.drift).toEqual([]);
    // Definitions came back 304 Not Modified: a small fraction of the first run's download.
    expect(second.traffic.source.bytesReceived).toBeLessThan(first.traffic.source.bytesReceived / 10);
  });
});
