import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { backoffMs, DEFAULT_RETRY_TIMING, retryAfterMs } from '../../../src/connectors/datasphere/retry-policy.ts';
import { DAY, demoAssets, FakeTenant, salesAssets, TENANT_URL } from './fake-tenant.ts';
import { makeSource, recordSleeps } from './make-source.ts';

const NO_KNOWLEDGE = { known: new Map() };

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

describe('rate limits (429)', () => {
  it('honour Retry-After in seconds, then succeed', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.fail({ path: /assets/, status: 429, headers: { 'Retry-After': '7' }, body: '' });
    fake.install();
    const sleeps = recordSleeps();
    const extract = await makeSource({ sleep: sleeps.sleep }).extractSpace('SALES', NO_KNOWLEDGE);

    expect(extract.complete).toBe(true);
    expect(extract.items).toHaveLength(7);
    expect(sleeps.delays).toContain(7000);
    expect(fake.count(/assets/, 429)).toBe(1);
    expect(fake.count(/assets/, 200)).toBe(1);
  });

  it('honour Retry-After as an HTTP date', async () => {
    const fake = new FakeTenant().addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
    const now = Date.parse('2025-06-01T10:00:00Z');
    fake.fail({ path: /\$metadata/, status: 429, headers: { 'Retry-After': 'Sun, 01 Jun 2025 10:00:30 GMT' }, body: '' });
    fake.install();
    const sleeps = recordSleeps();
    const extract = await makeSource({ sleep: sleeps.sleep, now: () => now }).extractSpace('DEMO_SPACE', NO_KNOWLEDGE);
    expect(extract.failures).toEqual([]);
    expect(sleeps.delays).toContain(30_000);
  });

  it('fail the request when Retry-After asks for longer than maxRetryAfterSeconds', async () => {
    const fake = new FakeTenant().addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
    fake.fail({ path: /\$metadata/, status: 429, headers: { 'Retry-After': '3600' }, body: '' });
    fake.install();
    const sleeps = recordSleeps();
    const extract = await makeSource({ sleep: sleeps.sleep, maxRetryAfterSeconds: 60 }).extractSpace('DEMO_SPACE', NO_KNOWLEDGE);
    expect(extract.failures).toEqual([{ assetId: `DEMO_SPACE/${DAY}`, error: expect.stringMatching(/HTTP 429 asks to retry after 3600 s/) }]);
    expect(sleeps.delays).toEqual([]);
  });

  it('hold back the other requests of the client while one waits', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.fail({ path: /\/views\/SalesOrders_View$/, status: 429, headers: { 'Retry-After': '5' }, body: '' });
    fake.install();
    const sleeps = recordSleeps();
    const now = 0;
    const extract = await makeSource({ sleep: sleeps.sleep, now: () => now }).extractSpace('SALES', NO_KNOWLEDGE);
    expect(extract.failures).toEqual([]);
    // The clock stands still here, so every request that starts after the 429 sees the same pause: the
    // throttled request waits 5 s and so do the ones behind it.
    expect(sleeps.delays.filter((d) => d === 5000).length).toBeGreaterThan(1);
  });
});

describe('server and network faults', () => {
  it('retry 500 twice with growing backoff, then succeed', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.fail({ path: /\/localtables\/SalesOrders$/, status: 500, times: 2 });
    fake.install();
    const sleeps = recordSleeps();
    const extract = await makeSource({ sleep: sleeps.sleep, random: () => 0.5 }).extractSpace('SALES', NO_KNOWLEDGE);

    expect(extract.failures).toEqual([]);
    expect(extract.items).toHaveLength(7);
    expect(fake.count(/\/localtables\/SalesOrders$/, 500)).toBe(2);
    expect(fake.count(/\/localtables\/SalesOrders$/, 200)).toBe(1);
    expect(sleeps.delays).toEqual([backoffMs(0, DEFAULT_RETRY_TIMING, () => 0.5), backoffMs(1, DEFAULT_RETRY_TIMING, () => 0.5)]);
    expect(sleeps.delays[1]).toBeGreaterThan(sleeps.delays[0] as number);
  });

  it('fail that asset only when the retries are used up', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.fail({ path: /\/views\/DQMSampleData_SQL$/, status: 503, times: 100 });
    fake.install();
    const extract = await makeSource({ maxRetries: 3 }).extractSpace('SALES', NO_KNOWLEDGE);
    expect(extract.complete).toBe(true);
    expect(extract.failures).toEqual([{ assetId: 'SALES/DQMSampleData_SQL', error: expect.stringMatching(/HTTP 503 \(after 4 attempt/) }]);
    expect(extract.items).toHaveLength(6);
  });

  it('retry a reset connection', async () => {
    // nock 14 needs a real Error here; a plain object never reaches the client (nock/nock#2789).
    nock(TENANT_URL).get(/\$metadata/).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const fake = new FakeTenant().addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
    fake.install();
    const extract = await makeSource().extractSpace('DEMO_SPACE', NO_KNOWLEDGE);
    expect(extract.failures).toEqual([]);
    expect(extract.items).toHaveLength(1);
  });

  it('time out a request that hangs, and retry it', async () => {
    nock(TENANT_URL).get(/\$metadata/).delay(2_000).reply(200, 'late');
    const fake = new FakeTenant().addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
    fake.install();
    const extract = await makeSource({ timeoutMs: 100 }).extractSpace('DEMO_SPACE', NO_KNOWLEDGE);
    expect(extract.failures).toEqual([]);
    expect(extract.items[0]?.state).toBe('extracted');
  });

  it('count every attempt in the traffic figures', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.fail({ path: /\/localtables\/SalesOrders$/, status: 500, times: 2, body: 'x'.repeat(100) });
    fake.install();
    const source = makeSource();
    await source.extractSpace('SALES', NO_KNOWLEDGE);
    const traffic = source.traffic();
    expect(traffic.requests).toBe(fake.requests.length);
    expect(traffic.byOperation['GET csn']?.requests).toBe(9);
    expect(traffic.writes).toBe(0);
  });
});

describe('bounded concurrency', () => {
  it('never has more requests in flight than configured', async () => {
    let inFlight = 0;
    let peak = 0;
    const assets = Array.from({ length: 12 }, (_, i) => ({ name: `V${i}`, designTimeType: 'views' }));
    const fake = new FakeTenant().addSpace('SALES', assets);
    fake.install();
    // Answer the CSN reads slowly, counting how many are open at once.
    nock.cleanAll();
    nock(TENANT_URL)
      .persist()
      .get(/\/views\/V\d+$/)
      .reply(async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        return [200, JSON.stringify({ definitions: { X: { kind: 'entity', elements: { A: { type: 'cds.Integer' } } } } })];
      });
    fake.install();
    await makeSource({ concurrency: 3 }).extractSpace('SALES', NO_KNOWLEDGE);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(3);
  });
});

describe('retry policy', () => {
  it('reads both Retry-After forms and ignores nonsense', () => {
    const now = Date.parse('2025-06-01T10:00:00Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Sun, 01 Jun 2025 10:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('Sun, 01 Jun 2025 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter inside the upper half of each step, capped', () => {
    const timing = { baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 1 };
    expect(backoffMs(0, timing, () => 0)).toBe(50);
    expect(backoffMs(0, timing, () => 0.999)).toBeLessThan(101);
    expect(backoffMs(3, timing, () => 0)).toBe(400);
    expect(backoffMs(10, timing, () => 0)).toBe(500);
  });
});
