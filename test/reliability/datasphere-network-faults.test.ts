import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import { runCli, writeConfig } from '../connectors/datasphere/cli-run.ts';
import { DAY, demoAssets, FakeTenant, salesAssets, TENANT_URL } from '../connectors/datasphere/fake-tenant.ts';
import type { FakeAsset } from '../connectors/datasphere/fake-tenant.ts';
import { makeSource } from '../connectors/datasphere/make-source.ts';
import { makeDirs, removeDirs, runEngine } from '../connectors/datasphere/run-engine.ts';
import type { EngineDirs } from '../connectors/datasphere/run-engine.ts';
import { SeededRandom } from './fuzz/seeded-random.ts';

/*
 * Seeded network trouble on the Datasphere side, between a clean first sync and a second one: storms of 429
 * and 503 with Retry-After, 500s, timeouts, reset connections, a token that expires mid-run, a catalog that
 * caps its page size, changed and removed assets. The second run must complete, or end partial with exactly
 * the assets (and spaces) that could not be read; it deletes only what a complete listing no longer shows.
 *
 * FAULT_SEEDS (default 8) sets how many seeded scenarios run; `npm run test:soak` runs many more.
 */
const SEEDS = positiveInt(process.env['FAULT_SEEDS'], 8);

function positiveInt(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

let dirs: EngineDirs;

beforeAll(() => {
  nock.disableNetConnect();
});

beforeEach(async () => {
  dirs = await makeDirs('reliability-faults-');
});

afterEach(async () => {
  nock.cleanAll();
  await removeDirs(dirs);
});

type FaultKind = '429' | '503' | '500' | 'reset' | 'timeout';

interface Plan {
  seed: number;
  maxRetries: number;
  pageSize: number;
  pageCap: number;
  supportsCount: boolean;
  /** Consecutive faults on each asset's definition request, in order. */
  definitionFaults: Map<string, FaultKind[]>;
  /** Consecutive faults on the first page of each space's asset listing. */
  listingFaults: Map<string, FaultKind[]>;
  changed: string[];
  removed: string[];
  revokeAtRequest: number;
}

const BIG = 'BIG';

function bigViews(): FakeAsset[] {
  return Array.from({ length: 12 }, (_, i) => {
    const name = `V_${String(i).padStart(2, '0')}`;
    return { name, designTimeType: 'views', csn: viewCsn(name, 'first') };
  });
}

function viewCsn(name: string, label: string): string {
  return JSON.stringify({ definitions: { [name]: { kind: 'entity', '@EndUserText.label': label, elements: { ID: { type: 'cds.Integer', key: true } } } } });
}

function spaces(): Map<string, FakeAsset[]> {
  return new Map([
    ['SALES', salesAssets()],
    ['DEMO_SPACE', demoAssets({ onlyDay: true })],
    [BIG, bigViews()],
  ]);
}

/** The request that reads an asset's definition: its design-time CSN, or (the DAY view) its `$metadata`. */
function definitionPath(space: string, name: string, asset: FakeAsset): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return asset.designTimeType ? new RegExp(`/spaces/${space}/${asset.designTimeType}/${escaped}$`) : new RegExp(`/${space}/${escaped}/\\$metadata$`);
}

function makePlan(seed: number): Plan {
  const rng = new SeededRandom(seed);
  const maxRetries = rng.int(1, 3);
  // A mild scenario has only faults the retries absorb: the run must end ok.
  const mild = rng.chance(0.3);
  const counts = mild ? [0, 0, 0, 1, maxRetries] : [0, 0, 0, 0, 1, 2, maxRetries, maxRetries + 1, maxRetries + 2];
  const listingCounts = mild ? [0, 0, 1, maxRetries] : [0, 0, 0, 1, maxRetries, maxRetries + 1];
  const faults = (count: number): FaultKind[] =>
    Array.from({ length: count }, () => rng.pick<FaultKind>(['429', '429', '503', '503', '500', 'reset', 'timeout']));
  const definitionFaults = new Map<string, FaultKind[]>();
  for (const [space, assets] of spaces()) {
    for (const asset of assets) {
      const count = rng.pick(counts);
      if (count > 0) definitionFaults.set(`${space}/${asset.name}`, faults(count));
    }
  }
  const listingFaults = new Map<string, FaultKind[]>();
  for (const space of spaces().keys()) {
    const count = rng.pick(listingCounts);
    if (count > 0) listingFaults.set(space, faults(count).map((k) => (k === 'timeout' || k === 'reset' ? '503' : k)));
  }
  const big = bigViews().map((a) => a.name);
  const changed = [rng.pick(big), rng.pick(big)];
  const removed = [rng.pick(big.filter((n) => !changed.includes(n)))];
  return {
    seed,
    maxRetries,
    pageSize: rng.pick([2, 3, 5, 100]),
    pageCap: rng.pick([1, 2, 3, 4, 500]),
    supportsCount: rng.chance(0.5),
    definitionFaults,
    listingFaults,
    changed,
    removed,
    revokeAtRequest: rng.int(3, 40),
  };
}

/** Injects one fault sequence on a path: transport faults through nock ahead of the tenant, statuses through the tenant. */
function inject(fake: FakeTenant, pathPattern: RegExp, sequence: readonly FaultKind[]): void {
  // The sequence runs in order; nock interceptors registered before the tenant's answer first, so a sequence is
  // injected as runs of one kind, each taking over once the previous one is used up.
  for (const kind of sequence) {
    switch (kind) {
      case 'reset':
        nock(TENANT_URL).get(pathPattern).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
        break;
      case 'timeout':
        // What axios raises when timeoutMs passes, without the wait (a real hang is timed out further down).
        nock(TENANT_URL).get(pathPattern).replyWithError(Object.assign(new Error('timeout of 30000ms exceeded'), { code: 'ECONNABORTED' }));
        break;
      default:
        fake.fail({ path: pathPattern, status: Number(kind), headers: kind === '500' ? {} : { 'Retry-After': String(1 + (pathPattern.source.length % 5)) }, body: '' });
    }
  }
}

interface Expected {
  failed: string[];
  incomplete: string[];
  deleted: string[];
}

function expectedOutcome(plan: Plan): Expected {
  const incomplete = [...plan.listingFaults].filter(([, faults]) => faults.length > plan.maxRetries).map(([space]) => space).sort();
  const failed: string[] = [];
  for (const [id, faults] of plan.definitionFaults) {
    const [space, name] = [id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1)];
    if (incomplete.includes(space) || (space === BIG && plan.removed.includes(name))) continue;
    if (faults.length > plan.maxRetries) failed.push(id);
  }
  const deleted = incomplete.includes(BIG) ? [] : plan.removed.map((name) => `${BIG}/${name}`);
  return { failed: failed.sort(), incomplete, deleted };
}

async function tables(): Promise<string[]> {
  const out: string[] = [];
  for (const database of await readdir(dirs.target)) {
    // Table files only: the target's own bookkeeping (`_database.json`, dot folders) is not a table.
    for (const file of await readdir(path.join(dirs.target, database))) if (/^[a-z0-9][a-z0-9_]*\.json$/.test(file)) out.push(`${database}/${file}`);
  }
  return out.sort();
}

function tableOf(id: string): string {
  const [space, name] = [id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1)];
  return `ds_${space.toLowerCase()}/${name.toLowerCase().replace(/[^a-z0-9_]/g, '_')}.json`;
}

describe(`Datasphere network faults (${SEEDS} seeded scenarios)`, () => {
  it('each run completes or ends partial with exactly what did not sync; no failure ever deletes a table', async () => {
    const outcomes = new Map<string, number>();
    for (let seed = 1; seed <= SEEDS; seed += 1) {
      nock.cleanAll();
      await removeDirs(dirs);
      dirs = await makeDirs('reliability-faults-');
      const plan = makePlan(seed);
      const fake = new FakeTenant();
      for (const [space, assets] of spaces()) fake.addSpace(space, assets);
      fake.pageCap = plan.pageCap;
      fake.supportsCount = plan.supportsCount;
      fake.install();
      const options = { maxRetries: plan.maxRetries, pageSize: plan.pageSize };

      const first = await runEngine(makeSource(options), dirs);
      expect({ seed, status: first.summary.status, failed: first.summary.failed }).toEqual({ seed, status: 'ok', failed: [] });
      const before = await tables();

      // Between the runs: two views change, one goes away; then the trouble starts.
      const big = fake.spaces.get(BIG) ?? [];
      for (const asset of big) if (plan.changed.includes(asset.name)) asset.csn = viewCsn(asset.name, `changed by seed ${seed}`);
      fake.spaces.set(BIG, big.filter((asset) => !plan.removed.includes(asset.name)));
      nock.cleanAll();
      const current = fake.requests.length;
      fake.revokeAtRequest = current + plan.revokeAtRequest;
      for (const [id, faults] of plan.definitionFaults) {
        const [space, name] = [id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1)];
        const asset = spaces().get(space)?.find((a) => a.name === name) as FakeAsset;
        inject(fake, definitionPath(space, name, asset), faults);
      }
      for (const [space, faults] of plan.listingFaults) inject(fake, new RegExp(`spaces\\('${space}'\\)/assets`), faults);
      fake.install();

      const second = await runEngine(makeSource(options), dirs);
      const expected = expectedOutcome(plan);
      const summary = second.summary;
      const actual = {
        seed,
        status: summary.status,
        failed: summary.failed.map((f) => f.assetId).sort(),
        incomplete: summary.source.incompleteSpaces.map((s) => s.space).sort(),
        deleted: summary.actions.filter((a) => a.action === 'delete' && a.outcome === 'done').map((a) => a.assetId).sort(),
      };
      expect(actual).toEqual({
        seed,
        status: expected.failed.length > 0 || expected.incomplete.length > 0 ? 'partial' : 'ok',
        ...expected,
      });
      for (const failure of summary.failed) expect(failure.error).toMatch(/HTTP (429|500|503)|ECONNRESET|ECONNABORTED|ETIMEDOUT|timeout/);
      // Every table is still there but those a complete listing no longer shows.
      expect(await tables()).toEqual(before.filter((t) => !expected.deleted.map(tableOf).includes(t)));
      expect(fake.tokensIssued).toBeGreaterThanOrEqual(2); // the token did expire mid-run and was renewed
      outcomes.set(summary.status, (outcomes.get(summary.status) ?? 0) + 1);
    }
    // Both endings were exercised: runs that absorbed every fault, and runs that ended partial.
    if (SEEDS >= 8) expect([...outcomes.keys()].sort()).toEqual(['ok', 'partial']);
  }, Math.max(60_000, SEEDS * 10_000));

  it('times out a request that hangs and retries it; an asset whose every attempt hangs fails, and nothing is deleted', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.install();
    const options = { maxRetries: 1, timeoutMs: 1000 };
    await runEngine(makeSource(options), dirs);
    nock.cleanAll();
    // Answers that would come long after the timeout: once for one view (then it answers), twice for another.
    nock(TENANT_URL).get(/\/views\/Addresses_Location$/).delay(60_000).reply(200, '{}');
    nock(TENANT_URL).get(/\/views\/SalesOrders_View$/).times(2).delay(60_000).reply(200, '{}');
    fake.install();
    const { summary } = await runEngine(makeSource(options), dirs);
    expect(summary.failed).toEqual([{ assetId: 'SALES/SalesOrders_View', error: expect.stringMatching(/ECONNABORTED|timeout/) }]);
    expect(summary.changes).toMatchObject({ unchanged: 6, deleted: 0 });
    expect(await tables()).toHaveLength(7);
  });

  it('through the CLI: exit 3 with exactly the assets that failed, and no deletion', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets()).addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
    fake.pageCap = 3;
    fake.install();
    const config = await writeConfig(dirs, { pageSize: 5 }); // no retries: the CLI wires real sleeps
    const first = await runCli(['sync', '--config', config, '--json', '--log-level', 'silent']);
    expect(first.code).toBe(0);

    fake.fail({ path: /\/views\/SalesOrders_View$/, status: 503, headers: { 'Retry-After': '30' } });
    fake.fail({ path: /\$metadata$/, status: 429, headers: { 'Retry-After': '30' } });
    nock.cleanAll(); // the reset is answered ahead of the tenant
    nock(TENANT_URL).get(/\/localtables\/SalesOrders$/).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    fake.install();
    fake.revokeAtRequest = fake.requests.length + 4;
    const second = await runCli(['sync', '--config', config, '--json', '--log-level', 'silent']);

    expect(second.code).toBe(3);
    const summary = JSON.parse(second.stdout) as RunSummary;
    expect(summary.failed.map((f) => f.assetId).sort()).toEqual([`DEMO_SPACE/${DAY}`, 'SALES/SalesOrders', 'SALES/SalesOrders_View']);
    expect(summary.changes.deleted).toBe(0);
    expect(summary.source.incompleteSpaces).toEqual([]);
    expect((await tables()).length).toBe(8);
  });
});
