import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import nock from 'nock';
import { DatasphereAuthError } from '../../../src/connectors/datasphere/datasphere-errors.ts';
import { CLIENT_ID, CLIENT_SECRET, FakeTenant, salesAssets, TOKEN_URL } from './fake-tenant.ts';
import { makeSource } from './make-source.ts';

const KNOWN = { known: new Map() };

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  nock.cleanAll();
});

function tenant(): FakeTenant {
  const fake = new FakeTenant().addSpace('SALES', salesAssets());
  fake.install();
  return fake;
}

describe('OAuth client credentials', () => {
  it('fetches one token with HTTP Basic client authentication and reuses it for every request', async () => {
    const fake = tenant();
    const source = makeSource();
    await source.listSpaces();
    const extract = await source.extractSpace('SALES', KNOWN);

    expect(extract.failures).toEqual([]);
    expect(fake.tokensIssued).toBe(1);
    expect(fake.count(/^\/oauth\/token/)).toBe(1);
    // The fake answers 401 to anything but a token it issued, and to any other client authentication.
    expect(fake.requests.filter((r) => r.status === 401)).toEqual([]);
    expect(source.traffic().byOperation['POST token']).toEqual({ requests: 1, bytesSent: 'grant_type=client_credentials'.length, bytesReceived: expect.any(Number) });
  });

  it('renews the token shortly before expires_in, not after', async () => {
    const fake = tenant();
    fake.tokenLifetimeS = 600;
    let now = 1_000_000;
    const source = makeSource({ now: () => now });

    await source.listSpaces();
    now += 600_000 - 90_000; // 90 s before expiry: still well inside the validity
    await source.extractSpace('SALES', KNOWN);
    expect(fake.tokensIssued).toBe(1);

    now += 45_000; // 45 s before expiry: inside the renewal margin (60 s, at most a tenth of the lifetime)
    const extract = await source.extractSpace('SALES', KNOWN);
    expect(fake.tokensIssued).toBe(2);
    expect(extract.failures).toEqual([]);
    expect(fake.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it('renews once after a 401 mid-run and repeats the refused request', async () => {
    const fake = tenant();
    const source = makeSource();
    await source.listSpaces();
    fake.revokeTokens(); // the server forgets the token before it expires

    const extract = await source.extractSpace('SALES', KNOWN);
    expect(extract.complete).toBe(true);
    expect(extract.failures).toEqual([]);
    expect(extract.items).toHaveLength(7);
    expect(fake.tokensIssued).toBe(2);
    expect(fake.count(/assets/, 401)).toBe(1);
    expect(fake.count(/assets/, 200)).toBe(1);
  });

  it('does not renew again when the renewed token is refused too; the listing is incomplete, not empty', async () => {
    const fake = tenant();
    fake.fail({ path: /assets/, status: 401, times: 10, body: '{"error":"invalid_token"}' });
    const source = makeSource();

    const extract = await source.extractSpace('SALES', KNOWN);
    expect(extract.complete).toBe(false);
    expect(extract.incompleteReason).toMatch(/HTTP 401/);
    expect(fake.tokensIssued).toBe(2);
    expect(fake.count(/assets/)).toBe(2);
  });

  it('fails listSpaces with an auth error that names the endpoint and the OAuth error, never the secret', async () => {
    const fake = new FakeTenant().addSpace('SALES', salesAssets());
    fake.install();
    const source = makeSource({ clientSecret: 'Wr0ng-Secret-Value-123456', spaces: ['SALES'] });

    const error = await source.listSpaces().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatasphereAuthError);
    const message = (error as Error).message;
    expect(message).toContain(TOKEN_URL);
    expect(message).toContain('invalid_client');
    expect(message).not.toContain('Wr0ng-Secret-Value-123456');
    expect(message).not.toContain(CLIENT_SECRET);
    expect(message).not.toContain(Buffer.from(`${CLIENT_ID}:Wr0ng-Secret-Value-123456`).toString('base64'));
  });

  it('retries a token endpoint that is briefly unavailable', async () => {
    const fake = tenant();
    fake.fail({ method: 'POST', path: /oauth\/token/, status: 503, times: 2 });
    const source = makeSource();
    expect(await source.listSpaces()).toEqual(['SALES']);
    expect(fake.count(/oauth\/token/, 503)).toBe(2);
    expect(fake.tokensIssued).toBe(1);
  });
});
