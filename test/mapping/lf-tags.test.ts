import { describe, expect, it } from 'vitest';
import type { Source, SpaceExtract } from '../../src/catalog/source.ts';
import { emptyTraffic } from '../../src/catalog/traffic.ts';
import { hashAsset } from '../../src/change/hash-asset.ts';
import { configSchema } from '../../src/config/config-schema.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import type { LfTagMapping } from '../../src/mapping/lf-tags.ts';
import { assetTags, columnRole, columnSemanticName, lfTagValue, withLfTags } from '../../src/mapping/lf-tags.ts';
import { LfTagsSource } from '../../src/mapping/lf-tags-source.ts';
import { makeAsset } from '../support/make-asset.ts';

const BASE = { source: { type: 'csn-files', path: '.', space: 'SALES' }, target: { type: 'glue' } };

/** `governance.lfTags` as a config file gives it, through the config schema (its defaults applied). */
function lfTags(raw: unknown = {}) {
  return configSchema.parse({ ...BASE, governance: { lfTags: raw } }).governance.lfTags;
}

const OPTIONS = { ignoreFields: [], normalizeWhitespace: true, caseSensitive: true };

describe('governance.lfTags in the config', () => {
  it('is off by default and maps space, modeling pattern and column role out of the box', () => {
    expect(lfTags()).toEqual({
      enabled: false,
      catalogId: null,
      database: { ds_space: 'space' },
      table: { ds_pattern: 'modelingPattern' },
      column: { ds_role: 'role' },
    });
  });

  it('refuses an unknown field, an LF-Tag key Lake Formation would store differently, and a file target', () => {
    expect(() => lfTags({ table: { ds_x: 'owner' } })).toThrow();
    expect(() => lfTags({ column: { DS_Role: 'role' } })).toThrow(/LF-Tag key/);
    expect(() => lfTags({ database: { ds_kind: 'kind' } })).toThrow();
    try {
      parseConfig({ ...BASE, target: { type: 'file', path: 'out' }, governance: { lfTags: { enabled: true } } }, '/x/config.json', {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.join('\n')).toMatch(/governance\.lfTags\.enabled: LF-Tags need target\.type glue/);
    }
  });
});

describe('the LF-Tags an asset wants (assetTags)', () => {
  const mapping: LfTagMapping = {
    database: { ds_space: 'space' },
    table: { ds_pattern: 'modelingPattern', ds_kind: 'kind', ds_cert: 'certification' },
    column: { ds_role: 'role', ds_semantics: 'semantics' },
  };

  it('maps each key to its field, per database, table and column; keys without a value are managed but unset', () => {
    const asset = makeAsset({
      kind: 'fact',
      columns: [
        { name: 'ID', type: { name: 'cds.Integer64' }, nullable: false, key: true },
        { name: 'AMOUNT', type: { name: 'cds.Decimal' }, nullable: true, key: false, semantics: { 'Semantics.amount.currencyCode': 'CURRENCY' } },
        { name: 'CURRENCY', type: { name: 'cds.String' }, nullable: true, key: false, semantics: { 'Semantics.currencyCode': true } },
        { name: 'CUSTOMER', type: { name: 'cds.String' }, nullable: true, key: false, semantics: { 'ObjectModel.foreignKey.association': '_Customer' } },
      ],
      businessContext: {
        tags: [],
        dimensions: ['CUSTOMER'],
        measures: [{ name: 'AMOUNT', aggregation: 'SUM' }],
        hierarchies: [],
        modelingPattern: 'ANALYTICAL_FACT',
      },
    });
    expect(assetTags(asset, mapping)).toEqual({
      keys: { database: ['ds_space'], table: ['ds_cert', 'ds_kind', 'ds_pattern'], column: ['ds_role', 'ds_semantics'] },
      database: { ds_space: 'sales' },
      table: { ds_kind: 'fact', ds_pattern: 'analytical_fact' },
      columns: {
        ID: { ds_role: 'attribute' },
        AMOUNT: { ds_role: 'measure', ds_semantics: 'amount' },
        CURRENCY: { ds_role: 'attribute', ds_semantics: 'currencycode' },
        CUSTOMER: { ds_role: 'dimension' },
      },
    });
  });

  it('a certification, where the asset has one, is a table tag', () => {
    const asset = makeAsset();
    const certified = makeAsset({ businessContext: { ...asset.businessContext, certification: 'Certified' } });
    expect(assetTags(certified, mapping).table).toMatchObject({ ds_cert: 'certified' });
    expect(assetTags(asset, mapping).table).not.toHaveProperty('ds_cert');
  });

  it('column role: a measure wins over a dimension; anything else is an attribute', () => {
    const asset = makeAsset({
      businessContext: { tags: [], dimensions: ['A', 'B'], measures: [{ name: 'A' }], hierarchies: [] },
    });
    const column = (name: string) => ({ name, type: { name: 'cds.String' }, nullable: true, key: false });
    expect(columnRole(asset, column('A'))).toBe('measure');
    expect(columnRole(asset, column('B'))).toBe('dimension');
    expect(columnRole(asset, column('C'))).toBe('attribute');
  });

  it('column semantics: a flag names itself, a reference names what it qualifies; false and other annotations do not count', () => {
    const column = (semantics: Record<string, string | boolean>) => ({ name: 'X', type: { name: 'cds.String' }, nullable: true, key: false, semantics });
    expect(columnSemanticName(column({ 'Semantics.calendar.year': true }))).toBe('calendar.year');
    expect(columnSemanticName(column({ 'Semantics.quantity.unitOfMeasure': 'UNIT' }))).toBe('quantity');
    expect(columnSemanticName(column({ 'Semantics.text': true }))).toBe('text');
    expect(columnSemanticName(column({ 'Semantics.text': false }))).toBeUndefined();
    expect(columnSemanticName(column({ 'ObjectModel.text.element': 'NAME' }))).toBeUndefined();
  });

  it('values are what Lake Formation stores: lower case, allowed characters only, at most 50 characters', () => {
    expect(lfTagValue('ANALYTICAL_FACT')).toBe('analytical_fact');
    expect(lfTagValue('Sales & Distribution (EU)')).toBe('sales _ distribution _eu_');
    expect(lfTagValue('   ')).toBeUndefined();
    const long = lfTagValue('X'.repeat(80));
    const other = lfTagValue(`${'X'.repeat(79)}Y`);
    expect(long).toHaveLength(50);
    expect(other).toHaveLength(50);
    expect(long).not.toBe(other);
  });

  it('is hashed with the metadata facet: a changed mapping moves the metadata hash only, and no mapping leaves it as it was', () => {
    const asset = makeAsset();
    const plain = hashAsset(asset, OPTIONS);
    const tagged = hashAsset(withLfTags(asset, mapping), OPTIONS);
    const remapped = hashAsset(withLfTags(asset, { ...mapping, column: { ds_role: 'role' } }), OPTIONS);
    expect(tagged.content).toBe(plain.content);
    expect(tagged.schema).toBe(plain.schema);
    expect(tagged.metadata).not.toBe(plain.metadata);
    expect(remapped.metadata).not.toBe(tagged.metadata);
    expect(remapped.schema).toBe(tagged.schema);
    expect(withLfTags(asset, mapping)).not.toBe(asset);
    expect(asset.businessContext.lfTags).toBeUndefined();
  });
});

describe('LfTagsSource', () => {
  function source(): Source & { given: Array<string | undefined> } {
    const given: Array<string | undefined> = [];
    return {
      type: 'csn-files',
      system: 'datasphere',
      given,
      listSpaces: async () => ['SALES'],
      traffic: emptyTraffic,
      extractSpace: async (space, options): Promise<SpaceExtract> => {
        const known = options.known.get('SALES/Orders')?.validator;
        given.push(known);
        return {
          space,
          complete: true,
          items: known === 'v1' ? [{ state: 'not-modified', assetId: 'SALES/Orders', validator: 'v1' }] : [{ state: 'extracted', asset: makeAsset(), validator: 'v1' }],
          failures: [],
          warnings: [],
        };
      },
    };
  }

  it('gives assets their wanted tags, and passes a validator back only under the mapping it was taken with', async () => {
    const inner = source();
    const mapping = { database: { ds_space: 'space' as const }, table: {}, column: { ds_role: 'role' as const } };
    const first = await new LfTagsSource(inner, mapping).extractSpace('SALES', { known: new Map() });
    const item = first.items[0];
    expect(item?.state).toBe('extracted');
    if (item?.state !== 'extracted') return;
    expect(item.asset.businessContext.lfTags?.columns['AMOUNT']).toEqual({ ds_role: 'measure' });
    const validator = item.validator as string;
    expect(validator).toMatch(/^v1#lftags=[0-9a-f]{16}$/);

    // Same mapping: the source sees its own validator and may answer "not modified".
    const again = await new LfTagsSource(inner, mapping).extractSpace('SALES', { known: new Map([['SALES/Orders', { validator }]]) });
    expect(inner.given.at(-1)).toBe('v1');
    expect(again.items[0]?.state).toBe('not-modified');

    // Another mapping: the validator is withheld, so the asset is read and its new tags hashed.
    const remapped = await new LfTagsSource(inner, { ...mapping, column: { ds_role: 'role' as const, ds_sem: 'semantics' as const } }).extractSpace('SALES', {
      known: new Map([['SALES/Orders', { validator }]]),
    });
    expect(inner.given.at(-1)).toBeUndefined();
    expect(remapped.items[0]?.state).toBe('extracted');
  });
});
