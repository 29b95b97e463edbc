import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import { GuardError } from '../../src/engine/engine-errors.ts';
import { runCli, writeConfig } from '../connectors/datasphere/cli-run.ts';
import { demoAssets, FakeTenant, salesAssets } from '../connectors/datasphere/fake-tenant.ts';
import { makeSource } from '../connectors/datasphere/make-source.ts';
import { makeDirs, removeDirs, runEngine } from '../connectors/datasphere/run-engine.ts';
import type { EngineDirs } from '../connectors/datasphere/run-engine.ts';

let dirs: EngineDirs;

beforeAll(() => {
  nock.disableNetConnect();
});

beforeEach(async () => {
  dirs = await makeDirs('ds-empty-');
});

afterEach(async () => {
  nock.cleanAll();
  await removeDirs(dirs);
});

async function salesTables(): Promise<number> {
  return (await readdir(path.join(dirs.target, 'ds_sales'))).filter((f) => f.endsWith('.json') && !f.startsWith('_')).length;
}

/** First a normal sync of both spaces; then SALES suddenly lists nothing, completely and without error. */
async function syncThenEmpty(): Promise<FakeTenant> {
  const fake = new FakeTenant().addSpace('SALES', salesAssets()).addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
  fake.install();
  const first = await runEngine(makeSource(), dirs);
  expect(first.summary.changes.created).toBe(8);
  fake.spaces.set('SALES', []);
  return fake;
}

describe('a space that suddenly lists no assets', () => {
  it('is stopped by the guard before anything is deleted', async () => {
    await syncThenEmpty();
    const run = await runEngine(makeSource(), dirs);
    expect(run.stoppedBy).toBeInstanceOf(GuardError);
    expect(run.stoppedBy?.message).toMatch(/listed no assets in SALES/);
    expect(run.summary.status).toBe('guard-stopped');
    expect(await salesTables()).toBe(7);
  });

  it('makes the CLI exit 4, and --force lets the deletions through', async () => {
    await syncThenEmpty();
    const config = await writeConfig(dirs);

    const stopped = await runCli(['sync', '--config', config, '--json', '--log-level', 'silent']);
    expect(stopped.code).toBe(4);
    expect(stopped.stderr).toMatch(/listed no assets in SALES/);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ status: 'guard-stopped', guard: { code: 'GUARD_STOPPED' } });
    expect(await salesTables()).toBe(7);

    const forced = await runCli(['sync', '--config', config, '--json', '--log-level', 'silent', '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ status: 'ok', changes: { deleted: 7, unchanged: 1 } });
    expect(await salesTables()).toBe(0);
  });
});
