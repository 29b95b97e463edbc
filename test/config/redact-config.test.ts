import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.ts';
import { redactConfig } from '../../src/config/redact-config.ts';

describe('redacting a config for display', () => {
  it('hides values from the environment, wherever they sit, and secret-named keys even when literal', () => {
    const raw = {
      source: {
        type: 'datasphere',
        tenantUrl: 'https://${TENANT}.eu10.hcs.cloud.sap',
        tokenUrl: 'https://a.example/oauth/token',
        clientId: '${CLIENT_ID}',
        clientSecret: 'literal-secret-in-file',
      },
      target: { type: 'file', path: 'out' },
    };
    const { config, secrets } = parseConfig(raw, path.join('/c', 'x.json'), { TENANT: 'acme-tenant', CLIENT_ID: 'sb-client!b1' });
    const shown = JSON.stringify(redactConfig(config, secrets));
    for (const hidden of ['acme-tenant', 'sb-client!b1', 'literal-secret-in-file']) expect(shown).not.toContain(hidden);
    const source = (redactConfig(config, secrets) as { source: Record<string, unknown> }).source;
    expect(source).toMatchObject({ tenantUrl: 'https://[redacted].eu10.hcs.cloud.sap', clientId: '[redacted]', clientSecret: '[redacted]' });
    expect(source['tokenUrl']).toBe('https://a.example/oauth/token');
  });

  it('keeps ordinary text that merely contains a very short environment value', () => {
    expect(redactConfig({ a: 'ab', b: 'cabinet', n: 5 }, ['ab'])).toEqual({ a: '[redacted]', b: 'cabinet', n: 5 });
  });
});
