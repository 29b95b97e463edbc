import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import pino from 'pino';
import { runCli, writeConfig } from '../connectors/datasphere/cli-run.ts';
import { CLIENT_ID, CLIENT_SECRET, demoAssets, FakeTenant, salesAssets } from '../connectors/datasphere/fake-tenant.ts';
import { makeSource } from '../connectors/datasphere/make-source.ts';
import { makeDirs, removeDirs, runEngine } from '../connectors/datasphere/run-engine.ts';
import type { EngineDirs } from '../connectors/datasphere/run-engine.ts';

const WRONG_SECRET = 'Wr0ng-But-Still-Secret-77';

let dirs: EngineDirs;

beforeAll(() => {
  nock.disableNetConnect();
});

beforeEach(async () => {
  dirs = await makeDirs('ds-secrets-');
});

afterEach(async () => {
  nock.cleanAll();
  await removeDirs(dirs);
});

/** A pino logger at trace level that writes into memory, with no redaction of its own. */
function bufferLogger(): { logger: pino.Logger; text: () => string } {
  const lines: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join('') };
}

/** Every credential that must never be written: both secrets, the Basic credentials made of them, every token. */
function credentials(fake: FakeTenant): string[] {
  const basic = (secret: string) => Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(secret)}`).toString('base64');
  const tokens = Array.from({ length: fake.tokensIssued }, (_, i) => `fake-access-token-${i + 1}`);
  return [CLIENT_SECRET, WRONG_SECRET, basic(CLIENT_SECRET), basic(WRONG_SECRET), ...tokens];
}

/** A tenant that makes the connector log and fail in every way it can: retries, 429, a 401 renewal, failures. */
function troublesomeTenant(): FakeTenant {
  const fake = new FakeTenant().addSpace('SALES', salesAssets()).addSpace('DEMO_SPACE', demoAssets({ onlyDay: true }));
  fake.fail({ path: /\/views\/SalesOrders_View$/, status: 500, times: 2 });
  fake.fail({ path: /\$metadata/, status: 429, headers: { 'Retry-After': '1' }, body: '' });
  fake.fail({ path: /\/localtables\/SalesOrders$/, status: 503, times: 100 });
  fake.fail({ path: /\/views\/DQMSampleData_SQL$/, status: 200, body: '{"definitions": ', headers: { 'Content-Type': 'application/json' } });
  fake.install();
  return fake;
}

describe('the client secret and the tokens never reach a log line or the summary', () => {
  it('on a run with retries, a token renewal and failed assets (connector and engine logging at trace)', async () => {
    const fake = troublesomeTenant();
    const { logger, text } = bufferLogger();
    const source = makeSource({ logger, maxRetries: 2 });
    await source.listSpaces();
    fake.revokeTokens();
    const { summary } = await runEngine(source, dirs, { logger });

    expect(summary.status).toBe('partial');
    expect(summary.failed.map((f) => f.assetId).sort()).toEqual(['SALES/DQMSampleData_SQL', 'SALES/SalesOrders']);
    expect(fake.tokensIssued).toBe(2);
    const written = text();
    expect(written).toMatch(/retrying/); // the retries were logged…
    expect(written).toMatch(/"path":"\/dwaas-core/);
    for (const credential of credentials(fake)) {
      expect(written).not.toContain(credential); // …without a credential
      expect(JSON.stringify(summary)).not.toContain(credential);
    }
    expect(written).not.toMatch(/authorization/i);
  });

  it('on an authentication failure', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.install();
    const { logger, text } = bufferLogger();
    const source = makeSource({ logger, clientSecret: WRONG_SECRET });

    const error = await source.listSpaces().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    logger.error({ err: error }, 'run failed'); // as a caller would log it, stack and all
    const extract = await source.extractSpace('SALES', { known: new Map() });
    logger.warn({ reason: extract.incompleteReason }, 'space incomplete');

    expect(error?.message).toMatch(/invalid_client/);
    expect(extract.incompleteReason).toMatch(/invalid_client/);
    for (const credential of credentials(fake)) expect(text()).not.toContain(credential);
  });

  it('through the CLI at --log-level trace, on success and on an authentication failure', async () => {
    const fake = troublesomeTenant();
    const config = await writeConfig(dirs, { maxRetries: 0 });

    const run = await runCli(['sync', '--config', config, '--json', '--log-level', 'trace']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/"level":(10|20|30)/); // the logger did write, at trace level
    const refused = await runCli(['sync', '--config', config, '--json', '--log-level', 'trace'], { clientSecret: WRONG_SECRET });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/invalid_client/);

    for (const credential of credentials(fake)) {
      for (const output of [run.stdout, run.stderr, refused.stdout, refused.stderr]) expect(output).not.toContain(credential);
    }
  });
});
