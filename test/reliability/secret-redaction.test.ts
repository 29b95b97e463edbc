import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import nock from 'nock';
import pino from 'pino';
import { parseConfig } from '../../src/config/load-config.ts';
import { runCli, writeConfig } from '../connectors/datasphere/cli-run.ts';
import { FakeTenant, salesAssets, TENANT_URL, TOKEN_URL } from '../connectors/datasphere/fake-tenant.ts';
import { makeSource } from '../connectors/datasphere/make-source.ts';
import { makeDirs, removeDirs, runEngine } from '../connectors/datasphere/run-engine.ts';
import type { EngineDirs } from '../connectors/datasphere/run-engine.ts';

/*
 * A token endpoint (or any server) may echo what it was sent in an error body, and the connector quotes
 * bodies in its messages, shortened. Shortening before redacting printed a secret that straddled the cut
 * minus its tail, which no longer matched the whole value. Every value here is a marker that cannot occur in
 * a message by accident (mixed case and digits; run ids are lower-case hex), so any 4-character prefix of it
 * in any output is a leak.
 */
const SECRET = 'Qw8ZrK4pVn6XyT2mJb5H';
const CLIENT = 'Cu3NfR7sLd9WgE1kPz';
const MIN_PREFIX = 4;
/** bodyExcerpt's cut (text bodies) and the OAuth error's cut (error + error_description). */
const TEXT_CUT = 200;
const OAUTH_CUT = 300;

let dirs: EngineDirs;

beforeAll(() => {
  nock.disableNetConnect();
});

beforeEach(async () => {
  dirs = await makeDirs('reliability-secrets-');
});

afterEach(async () => {
  nock.cleanAll();
  await removeDirs(dirs);
});

/** Every prefix of `value` of at least MIN_PREFIX characters that occurs in `text`. */
function leakedPrefixes(text: string, value: string): string[] {
  const found: string[] = [];
  for (let length = MIN_PREFIX; length <= value.length; length += 1) {
    if (text.includes(value.slice(0, length))) found.push(value.slice(0, length));
  }
  return found;
}

function expectNoLeak(what: string, text: string): void {
  expect({ what, secret: leakedPrefixes(text, SECRET), clientId: leakedPrefixes(text, CLIENT) }).toEqual({ what, secret: [], clientId: [] });
}

/** Offsets that put the echoed value across the cut, from wholly before it to wholly after it. */
function offsetsAround(cut: number, value: string): number[] {
  const offsets: number[] = [];
  for (let at = cut - value.length - 2; at <= cut + 2; at += 1) offsets.push(at);
  return offsets;
}

function traceLogger(): { logger: pino.Logger; text: () => string } {
  const lines: string[] = [];
  // No redaction of its own: whatever the connector hands over is what a log would hold.
  const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
  return { logger, text: () => lines.join('') };
}

function tenant(): FakeTenant {
  const fake = new FakeTenant().addSpace('SALES', salesAssets());
  fake.clientId = CLIENT;
  fake.clientSecret = SECRET;
  return fake;
}

async function authFailure(fake: FakeTenant): Promise<{ message: string; logs: string }> {
  fake.install();
  const { logger, text } = traceLogger();
  const error = await makeSource({ clientId: CLIENT, clientSecret: SECRET, logger }).listSpaces().then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(error?.name).toBe('DatasphereAuthError');
  logger.error({ err: error }, 'run failed'); // as a caller logs it: message, stack and all
  return { message: error?.message ?? '', logs: text() };
}

describe('a secret or client id echoed in an OAuth error body', () => {
  it('is never printed, not even in part, wherever a text/plain 401 body puts it around the cut', async () => {
    for (const value of [SECRET, CLIENT]) {
      for (const at of offsetsAround(TEXT_CUT, value)) {
        nock.cleanAll();
        const fake = tenant();
        const body = `${'.'.repeat(at)}${value} was not accepted`;
        fake.fail({ method: 'POST', path: /oauth\/token/, status: 401, body, headers: { 'Content-Type': 'text/plain' } });
        const { message, logs } = await authFailure(fake);
        // The body is quoted (so the cut is really exercised) …
        expect(message).toContain(`answered HTTP 401: ${'.'.repeat(Math.min(at, 20))}`);
        // … and the echoed value is gone, whole or in part.
        expectNoLeak(`text body, value at ${at}`, message);
        expectNoLeak(`logs, value at ${at}`, logs);
      }
    }
  });

  it('is never printed from a JSON error_description cut at its own limit', async () => {
    const prefix = 'invalid_client: ';
    for (const at of offsetsAround(OAUTH_CUT - prefix.length, SECRET)) {
      nock.cleanAll();
      const fake = tenant();
      const body = JSON.stringify({ error: 'invalid_client', error_description: `${'.'.repeat(at)}${SECRET} and ${CLIENT}` });
      fake.fail({ method: 'POST', path: /oauth\/token/, status: 401, body, headers: { 'Content-Type': 'application/json' } });
      const { message, logs } = await authFailure(fake);
      expect(message).toContain('invalid_client: ....');
      expectNoLeak(`error_description, value at ${at}`, message);
      expectNoLeak(`logs, value at ${at}`, logs);
    }
  });

  it('is never printed from the window of a non-JSON body that JSON.parse quotes', async () => {
    for (let at = 0; at <= 14; at += 1) {
      nock.cleanAll();
      const fake = tenant();
      fake.fail({ path: /assets/, status: 200, body: `${'.'.repeat(at)}${SECRET}`, headers: { 'Content-Type': 'text/plain' } });
      fake.install();
      const extract = await makeSource({ clientId: CLIENT, clientSecret: SECRET }).extractSpace('SALES', { known: new Map() });
      expect(extract.complete).toBe(false);
      expect(extract.incompleteReason).toMatch(/not JSON/);
      expectNoLeak(`JSON.parse window, value at ${at}`, extract.incompleteReason ?? '');
    }
  });

  it('stays out of the run summary and the logs when the token is refused mid-run', async () => {
    for (const at of [TEXT_CUT - 10, TEXT_CUT - 4, TEXT_CUT - 1]) {
      nock.cleanAll();
      await removeDirs(dirs);
      dirs = await makeDirs('reliability-secrets-');
      const fake = tenant();
      fake.install();
      const { logger, text } = traceLogger();
      // A configured space: the run lists it without asking the catalog, on the token it already holds.
      const source = makeSource({ clientId: CLIENT, clientSecret: SECRET, logger, maxRetries: 1, spaces: ['SALES'] });
      await source.listSpaces();
      // The server forgets the token; renewing it is refused with a body echoing the secret.
      fake.revokeTokens();
      fake.fail({ method: 'POST', path: /oauth\/token/, status: 401, times: 1000, body: `${'.'.repeat(at)}${SECRET}`, headers: { 'Content-Type': 'text/plain' } });
      const { summary } = await runEngine(source, dirs, { logger });

      expect(summary.status).toBe('partial');
      expect(summary.changes.deleted).toBe(0);
      const summaryText = JSON.stringify(summary);
      expect(summaryText).toMatch(/answered HTTP 401/);
      expectNoLeak(`summary, value at ${at}`, summaryText);
      expectNoLeak(`logs, value at ${at}`, text());
    }
  });
});

describe('through the CLI at --log-level trace', () => {
  it('prints neither value on stdout or stderr when the token endpoint echoes them', async () => {
    const config = await writeConfig(dirs);
    for (const at of [TEXT_CUT - SECRET.length - 1, TEXT_CUT - 8, TEXT_CUT - 3, TEXT_CUT]) {
      nock.cleanAll();
      const fake = tenant();
      fake.fail({ method: 'POST', path: /oauth\/token/, status: 401, body: `${'.'.repeat(at)}${SECRET} ${CLIENT}`, headers: { 'Content-Type': 'text/plain' } });
      fake.install();
      const run = await runCli(['sync', '--config', config, '--json', '--log-level', 'trace'], { clientId: CLIENT, clientSecret: SECRET });
      expect(run.code).toBe(1);
      expect(`${run.stdout}${run.stderr}`).toMatch(/answered HTTP 401/);
      expectNoLeak(`CLI stdout, value at ${at}`, run.stdout);
      expectNoLeak(`CLI stderr, value at ${at}`, run.stderr);
    }
  });

  it('keeps a client id written literally into the config out of the log lines too', () => {
    const loaded = parseConfig(
      {
        source: { type: 'datasphere', tenantUrl: TENANT_URL, tokenUrl: TOKEN_URL, clientId: CLIENT, clientSecret: '${RELIABILITY_SECRET}' },
        target: { type: 'file', path: 'out' },
      },
      '/config.json',
      { RELIABILITY_SECRET: SECRET },
    );
    // These are what the logger removes from every line it writes.
    expect(loaded.secrets).toContain(CLIENT);
    expect(loaded.secrets).toContain(SECRET);
  });
});
