import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMapping, loadMapping } from '../../src/mapping/load-mapping.ts';
import {
  DEFAULT_MAPPING_FILE,
  loadMappingTable,
  MappingFileError,
  parseMappingTable,
} from '../../src/mapping/mapping-table.ts';

async function shipped(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(DEFAULT_MAPPING_FILE, 'utf8')) as Record<string, unknown>;
}

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('mapping file', () => {
  it('loads the shipped file, version 1', async () => {
    const table = await loadMappingTable();
    expect(table.version).toBe(1);
    expect(table.cds.types.get('string')).toMatchObject({ rule: 'varchar', maxLength: 65535 });
    expect(table.edm.prefixes).toEqual(['Edm.']);
  });

  it('rejects another version', async () => {
    const json = { ...(await shipped()), version: 2 };
    expect(() => parseMappingTable(json)).toThrow(MappingFileError);
  });

  it('rejects a value that is not a Glue type', async () => {
    const json = await shipped();
    (json['cds'] as { types: Record<string, unknown> }).types['Integer'] = 'integer32';
    expect(() => parseMappingTable(json, 'x.json')).toThrow(/x\.json.*\n.*cds\.types\.Integer/s);
  });

  it('rejects an invalid pattern and keys listed twice', async () => {
    const badPattern = await shipped();
    (badPattern['edm'] as { patterns: unknown[] }).patterns = [{ match: '([', glue: 'string' }];
    expect(() => parseMappingTable(badPattern)).toThrow(/regular expression/);
    const twice = await shipped();
    (twice['cds'] as { types: Record<string, unknown> }).types['STRING'] = 'string';
    expect(() => parseMappingTable(twice)).toThrow(/listed twice/);
  });

  it('names the file it cannot read', async () => {
    await expect(loadMappingTable('/nonexistent/mapping.json')).rejects.toThrow(/\/nonexistent\/mapping\.json/);
  });

  it('loadMapping resolves a relative file against baseDir and falls back to the shipped default', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mapping-'));
    const json = await shipped();
    (json['cds'] as { types: Record<string, unknown> }).types['Integer'] = 'bigint';
    await writeFile(join(dir, 'custom.json'), JSON.stringify(json));
    const custom = await loadMapping({ file: 'custom.json', parameterPrefix: 'ds.' }, dir);
    expect(custom.table.cds.types.get('integer')).toBe('bigint');
    expect(custom.options).toMatchObject({ parameterPrefix: 'ds.', fallbackType: 'string' });
    const fallback = await loadMapping({ file: 'mappings/datasphere-to-glue.json' }, dir);
    expect(fallback.table.cds.types.get('integer')).toBe('int');
    await expect(loadMapping({ file: 'other.json' }, dir)).rejects.toThrow(MappingFileError);
  });

  it('createMapping rejects options the config schema lets through', async () => {
    const table = await loadMappingTable();
    expect(() => createMapping(table, { defaultDecimal: 'decimal(40,2)' })).toThrow(/defaultDecimal/);
    expect(() => createMapping(table, { defaultDecimal: 'decimal(5,6)' })).toThrow(/defaultDecimal/);
    expect(() => createMapping(table, { parameterPrefix: 'catalog_sync.biz.' })).toThrow(/parameterPrefix/);
    expect(createMapping(table, { parameterPrefix: 'biz.' }).options.parameterPrefix).toBe('biz.');
  });
});
