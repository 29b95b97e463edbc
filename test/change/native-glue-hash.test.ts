import { describe, expect, it } from 'vitest';
import type { Asset } from '../../src/catalog/asset.ts';
import { canonicalJson } from '../../src/change/canonical-json.ts';
import { defaultChangeOptions } from '../../src/change/change-options.ts';
import { changeOptionsKey, fingerprintAsset } from '../../src/change/fingerprint.ts';
import { contentFacet, hashAsset, metadataFacet, schemaFacet } from '../../src/change/hash-asset.ts';
import { glueTableToAsset } from '../../src/connectors/glue/glue-table-to-asset.ts';
import { hash } from 'node:crypto';
import { icebergTable, parquetTable } from '../support/glue-tables.ts';
import type { TableInput } from '@aws-sdk/client-glue';

function asset(input: TableInput): Asset {
  const out = glueTableToAsset('sales', { ...input, DatabaseName: 'sales' });
  if (!out.ok) throw new Error(out.error);
  return out.asset;
}

const hashes = (a: Asset) => hashAsset(a, defaultChangeOptions);
const sha = (value: unknown) => hash('sha256', canonicalJson(value), 'hex');
/** Which facets moved between two versions of a table. */
function moved(before: TableInput, change: (t: TableInput) => void): string[] {
  const after = structuredClone(before);
  change(after);
  const a = hashes(asset(before));
  const b = hashes(asset(after));
  return (['content', 'schema', 'metadata'] as const).filter((f) => a[f] !== b[f]);
}

describe('hashing a Glue table', () => {
  it('the fast writers produce the canonical JSON of the facets, native part included', () => {
    const raw = { ...defaultChangeOptions, normalizeWhitespace: false };
    for (const table of [parquetTable('events'), icebergTable('orders')]) {
      const a = asset(table);
      expect(hashAsset(a, raw)).toEqual({ content: sha(contentFacet(a)), schema: sha(schemaFacet(a)), metadata: sha(metadataFacet(a)) });
      expect(canonicalJson(schemaFacet(a))).toContain('"glue":');
    }
  });

  it('structure is schema, parameters and comments are metadata, description and owner are content', () => {
    const base = parquetTable('events');
    expect(moved(base, (t) => t.StorageDescriptor!.Columns!.push({ Name: 'extra', Type: 'int' }))).toEqual(['schema', 'metadata']);
    expect(moved(base, (t) => (t.StorageDescriptor!.Columns![0]!.Type = 'string'))).toEqual(['schema']);
    expect(moved(base, (t) => (t.StorageDescriptor!.Location = 's3://elsewhere/'))).toEqual(['schema']);
    expect(moved(base, (t) => (t.StorageDescriptor!.SerdeInfo = { SerializationLibrary: 'x' }))).toEqual(['schema']);
    expect(moved(base, (t) => t.PartitionKeys!.push({ Name: 'hour', Type: 'int' }))).toEqual(['schema', 'metadata']);
    expect(moved(base, (t) => (t.TableType = 'GOVERNED'))).toEqual(['schema']);
    expect(moved(base, (t) => (t.Parameters = { ...t.Parameters, owner_team: 'x' }))).toEqual(['metadata']);
    expect(moved(base, (t) => (t.StorageDescriptor!.Parameters = { recordCount: '5' }))).toEqual(['metadata']);
    expect(moved(base, (t) => (t.StorageDescriptor!.Columns![0]!.Comment = 'Id'))).toEqual(['metadata']);
    expect(moved(base, (t) => (t.PartitionKeys![1]!.Comment = 'Region code'))).toEqual(['metadata']);
    expect(moved(base, (t) => (t.Description = 'other'))).toEqual(['content']);
    expect(moved(base, (t) => (t.Owner = 'someone'))).toEqual(['content']);
    const iceberg = icebergTable('orders');
    expect(moved(iceberg, (t) => (t.Parameters!['metadata_location'] = 's3://producer-lake/iceberg/orders/metadata/00043.json'))).toEqual(['metadata']);
  });

  it('the fingerprint covers the native part: a change there is never served from the cache', () => {
    const key = changeOptionsKey(defaultChangeOptions);
    const a = asset(parquetTable('events'));
    const b = structuredClone(a);
    (b.glue!.storage as Record<string, unknown>)['Location'] = 's3://elsewhere/';
    expect(fingerprintAsset(b, key)).not.toBe(fingerprintAsset(a, key));
    const { glue: _glue, ...plain } = a;
    // Nor can the native part vanish unnoticed.
    expect(fingerprintAsset(plain, key)).not.toBe(fingerprintAsset(a, key));
  });
});
