import { describe, expect, it } from 'vitest';
import type { Source, SpaceExtract } from '../../src/catalog/source.ts';
import { hashAsset } from '../../src/change/hash-asset.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { loadStorageFormats, parseStorageFormats } from '../../src/mapping/storage-formats.ts';
import { StorageRules, StorageRuleError } from '../../src/mapping/storage-rules.ts';
import type { StorageRule } from '../../src/mapping/storage-rules.ts';
import { StorageRulesSource } from '../../src/mapping/storage-rules-source.ts';
import { makeAsset } from '../support/make-asset.ts';

function rules(raw: unknown[]): StorageRule[] {
  return configSchema.parse({
    job: { name: 'j' },
    source: { type: 'csn-files', path: '.', space: 'SALES' },
    target: { type: 'file', path: '.' },
    storage: { rules: raw },
  }).storage.rules;
}

const OPTIONS = { ignoreFields: [], normalizeWhitespace: false, caseSensitive: true };

describe('storage rules', () => {
  it('first match wins; every match field is optional; placeholders are filled in', async () => {
    const compiled = new StorageRules(
      rules([
        { match: { space: 'SALES', name: 'Fin*', kind: 'fact' }, location: 's3://a/{space}/{kind}/{technicalName}/', format: 'orc' },
        { match: { space: 'SALES' }, location: 's3://b/{technicalName}/', format: 'parquet' },
        { location: 's3://c/{space}/{technicalName}/', format: 'json' },
      ]),
      await loadStorageFormats(),
    );
    expect(compiled.storageFor(makeAsset({ technicalName: 'FinFacts', kind: 'fact' }))?.location).toBe('s3://a/SALES/fact/FinFacts/');
    expect(compiled.storageFor(makeAsset({ technicalName: 'FinFacts', kind: 'table' }))).toMatchObject({ location: 's3://b/FinFacts/', format: 'parquet' });
    expect(compiled.storageFor(makeAsset({ space: 'HR', technicalName: 'People' }))).toMatchObject({ location: 's3://c/HR/People/', format: 'json' });
  });

  it('an asset no rule matches, and an asset with a native Glue part, are left as they are', async () => {
    const compiled = new StorageRules(rules([{ match: { space: 'SALES' }, location: 's3://b/x/', format: 'parquet' }]), await loadStorageFormats());
    const other = makeAsset({ space: 'HR' });
    expect(compiled.apply(other)).toBe(other);
    const glue = makeAsset({ glue: { tableType: 'EXTERNAL_TABLE', partitionKeys: [], parameters: {}, columnParameters: {} } as never });
    expect(compiled.apply(glue)).toBe(glue);
  });

  it('refuses an unknown placeholder and a format the table does not have, naming the rule', async () => {
    const formats = await loadStorageFormats();
    expect(() => new StorageRules(rules([{ location: 's3://b/{name}/', format: 'parquet' }]), formats)).toThrow(StorageRuleError);
    expect(() => new StorageRules(rules([{ location: 's3://b/{name}/', format: 'parquet' }]), formats)).toThrow(/storage\.rules\[0\]\.location: unknown placeholder \{name\}/);
    const { parquet } = formats;
    expect(() => new StorageRules(rules([{ location: 's3://b/', format: 'orc' }]), { parquet: parquet! })).toThrow(/format "orc"/);
  });

  it('the format table names only the table Parameters a storage part owns', () => {
    const entry = { serializationLibrary: 'x', inputFormat: 'y', outputFormat: 'z', serdeParameters: {} };
    expect(() => parseStorageFormats({ version: 1, formats: { a: { ...entry, tableParameters: { owner: 'me' } } } })).toThrow(/table parameters may only be/);
  });

  it('storage is hashed with the schema: a moved Location changes the schema hash only; no storage hashes as before', async () => {
    const formats = await loadStorageFormats();
    const asset = makeAsset();
    const a = new StorageRules(rules([{ location: 's3://a/{technicalName}/', format: 'parquet' }]), formats).apply(asset);
    const b = new StorageRules(rules([{ location: 's3://b/{technicalName}/', format: 'parquet' }]), formats).apply(asset);
    const [plain, ha, hb] = [hashAsset(asset, OPTIONS), hashAsset(a, OPTIONS), hashAsset(b, OPTIONS)];
    expect(ha.schema).not.toBe(hb.schema);
    expect(ha.schema).not.toBe(plain.schema);
    expect([ha.content, ha.metadata]).toEqual([plain.content, plain.metadata]);
    expect([hb.content, hb.metadata]).toEqual([plain.content, plain.metadata]);
  });

  it('a validator taken under other rules is not passed back to the source, so a changed rule is read again', async () => {
    const seen: Array<string | undefined> = [];
    const inner: Source = {
      type: 'test',
      system: 'test',
      listSpaces: async () => ['SALES'],
      traffic: () => ({ requests: 0, bytesSent: 0, bytesReceived: 0 }) as never,
      extractSpace: async (space, options): Promise<SpaceExtract> => {
        seen.push(options.known.get('SALES/Orders')?.validator);
        return { space, complete: true, items: [{ state: 'extracted', asset: makeAsset(), validator: 'etag-1' }], failures: [], warnings: [] };
      },
    };
    const first = new StorageRulesSource(inner, rules([{ location: 's3://a/', format: 'parquet' }]));
    const one = await first.extractSpace('SALES', { known: new Map() });
    const item = one.items[0]!;
    expect(item.state === 'extracted' && item.asset.storage?.location).toBe('s3://a/');
    const tagged = item.validator!;
    await first.extractSpace('SALES', { known: new Map([['SALES/Orders', { validator: tagged }]]) });
    expect(seen[1]).toBe('etag-1');
    const changed = new StorageRulesSource(inner, rules([{ location: 's3://b/', format: 'parquet' }]));
    await changed.extractSpace('SALES', { known: new Map([['SALES/Orders', { validator: tagged }]]) });
    expect(seen[2]).toBeUndefined();
    // A validator from before storage rules were configured carries no digest: read again too.
    await changed.extractSpace('SALES', { known: new Map([['SALES/Orders', { validator: 'etag-1' }]]) });
    expect(seen[3]).toBeUndefined();
  });
});
