import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import { runCli, writeConfig } from '../connectors/datasphere/cli-run.ts';
import { FakeTenant, salesAssets } from '../connectors/datasphere/fake-tenant.ts';
import { makeDirs, removeDirs } from '../connectors/datasphere/run-engine.ts';
import type { EngineDirs } from '../connectors/datasphere/run-engine.ts';

/*
 * `plan` over a source it could not read whole must end as `sync` would (exit 3) and say what it could not read,
 * never "no changes": what a listing did not return is unknown, not unchanged.
 */
let dirs: EngineDirs;

beforeAll(() => {
  nock.disableNetConnect();
});

beforeEach(async () => {
  dirs = await makeDirs('reliability-plan-incomplete-');
});

afterEach(async () => {
  nock.cleanAll();
  await removeDirs(dirs);
});

async function syncedTenant(): Promise<{ fake: FakeTenant; config: string }> {
  const fake = new FakeTenant().addSpace('SALES', salesAssets());
  fake.install();
  const config = await writeConfig(dirs);
  const first = await runCli(['sync', '--config', config, '--json', '--log-level', 'silent']);
  expect(first.code).toBe(0);
  return { fake, config };
}

describe('plan when the catalog answers an asset listing with an error', () => {
  it.each([401, 500])('HTTP %i: exit 3 like sync, the space named in text and --json, no "no changes"', async (status) => {
    const { fake, config } = await syncedTenant();
    fake.fail({ path: /spaces\('SALES'\)\/assets/, status, times: 100 });

    const json = await runCli(['plan', '--config', config, '--json', '--log-level', 'silent']);
    expect(json.code).toBe(3);
    const summary = JSON.parse(json.stdout) as RunSummary;
    expect(summary.planOnly).toBe(true);
    expect(summary.status).toBe('partial');
    expect(summary.source.incompleteSpaces).toEqual([{ space: 'SALES', reason: expect.stringContaining(`HTTP ${status}`) }]);
    expect(summary.changes.deleted).toBe(0);

    const text = await runCli(['plan', '--config', config, '--log-level', 'silent']);
    expect(text.code).toBe(3);
    expect(text.stdout).toMatch(new RegExp(`INCOMPLETE SALES: .*HTTP ${status}.*\\(no deletions there\\)`));
    expect(text.stdout).toContain('Source incomplete: 1 space not listed completely; nothing is planned for them and nothing there is deleted.');
    expect(text.stdout).not.toContain('No changes');

    const sync = await runCli(['sync', '--config', config, '--json', '--log-level', 'silent']);
    expect(sync.code).toBe(3);
    expect((JSON.parse(sync.stdout) as RunSummary).source.incompleteSpaces.map((s) => s.space)).toEqual(['SALES']);
  });
});

describe('plan when the catalog cannot list its spaces at all', () => {
  it.each([401, 500])('HTTP %i: ends as sync does (exit 1, source unreachable), one JSON object naming the failure', async (status) => {
    const { fake, config } = await syncedTenant();
    fake.fail({ path: /\/catalog\/spaces(\?|$)/, status, times: 100 });
    const plan = await runCli(['plan', '--config', config, '--json', '--log-level', 'silent']);
    const sync = await runCli(['sync', '--config', config, '--json', '--log-level', 'silent']);
    expect(plan.code).toBe(1);
    expect(sync.code).toBe(plan.code);
    for (const run of [plan, sync]) {
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const failure = JSON.parse(lines[0]!) as { status: string; error: { message: string } };
      expect(failure.status).toBe('failed');
      expect(failure.error.message).toMatch(new RegExp(`could not list the spaces: .*HTTP ${status}`));
    }
  });
});
