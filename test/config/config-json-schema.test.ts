import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../src/config/config-json-schema.ts';
import { CONFIG_SCHEMA_FILE, configJsonSchema, variantsOf } from '../../src/config/config-json-schema.ts';
import { parseConfig } from '../../src/config/load-config.ts';
import { repoRoot } from '../support/file-scenario.ts';
import { configFileValidator } from './schema-validator.ts';

const EXAMPLES = ['config.example.json', 'config.glue.example.json', 'config.datasphere.example.json'];
const minimal = { source: { type: 'csn-files', path: 'in', space: 'S' }, target: { type: 'file', path: 'out' } };

describe('the config JSON Schema', () => {
  it('the committed schema/catalog-sync.schema.json is the one the zod schema generates', async () => {
    // After changing config-schema.ts: `npx vitest run test/config/config-json-schema.test.ts -u` rewrites the copy.
    expect(CONFIG_SCHEMA_FILE).toBe(path.join(repoRoot, 'schema/catalog-sync.schema.json'));
    await expect(JSON.stringify(configJsonSchema(), null, 2) + '\n').toMatchFileSnapshot(CONFIG_SCHEMA_FILE);
  });

  it('the package ships it', async () => {
    const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { files?: string[] };
    expect(pkg.files).toContain('schema/');
  });

  it.each(EXAMPLES)('%s points at the schema and validates against it', async (file) => {
    const raw = JSON.parse(await readFile(path.join(repoRoot, file), 'utf8')) as Record<string, unknown>;
    expect(raw['$schema']).toBe('./schema/catalog-sync.schema.json');
    expect(path.resolve(repoRoot, raw['$schema'] as string)).toBe(CONFIG_SCHEMA_FILE);
    expect(configFileValidator()(raw)).toEqual([]);
  });

  it('describes every setting (descriptions live in src/config/config-docs.ts)', () => {
    const undocumented: string[] = [];
    const walk = (node: JsonSchema, at: string) => {
      for (const branch of ((node['oneOf'] ?? node['anyOf'] ?? []) as JsonSchema[])) walk(branch, at);
      for (const [key, child] of Object.entries((node['properties'] ?? {}) as Record<string, JsonSchema>)) {
        if (typeof child['description'] !== 'string' || child['description'].length === 0) undocumented.push(`${at}${key}`);
        walk(child, `${at}${key}.`);
      }
      const values = node['additionalProperties'];
      if (values && typeof values === 'object') walk(values as JsonSchema, `${at}*.`);
    };
    walk(configJsonSchema(), '');
    expect(undocumented).toEqual([]);
  });

  it('offers the source and target types of the zod schema', () => {
    const schema = configJsonSchema();
    expect(variantsOf(schema, 'source')).toEqual(expect.arrayContaining(['csn-files', 'datasphere']));
    expect(variantsOf(schema, 'target')).toEqual(['file', 'glue']);
  });

  it('accepts $schema at the root and comment keys in every object, as the loader does', () => {
    const commented = {
      $schema: './schema/catalog-sync.schema.json',
      '//': 'header',
      $comment: 'also a comment',
      source: { '//': 'block', type: 'csn-files', '//path': 'why', path: 'in', space: 'S' },
      target: { type: 'glue', databaseParameters: { '//': 'not a parameter', team: 'data' } },
      checkpoints: { backups: { '//keep': ['comments', 'may', 'be', 'anything'], keep: 3 } },
      schedule: { spaces: { SALES: { '//': 'nightly', cron: '0 1 * * *' } } },
    };
    expect(configFileValidator()(commented)).toEqual([]);
    const { config } = parseConfig(commented, path.join(repoRoot, 'x.json'), {});
    expect(config.target.type === 'glue' && config.target.databaseParameters).toEqual({ team: 'data' });
    expect(config.schedule.spaces['SALES']?.cron).toBe('0 1 * * *');
  });

  it('accepts ${VAR} where a format, pattern or choice list would reject the reference itself', () => {
    const withRefs = {
      job: { name: '${JOB_NAME}' },
      source: { type: 'datasphere', tenantUrl: '${TENANT_URL}', tokenUrl: 'https://a.example/oauth/token', clientId: '${ID}', clientSecret: '${SECRET}' },
      target: { type: 'glue', catalogId: '${AWS_ACCOUNT_ID}' },
      deletion: { policy: '${DELETION_POLICY}' },
    };
    expect(configFileValidator()(withRefs)).toEqual([]);
    // ...and still rejects what is neither the value nor a reference.
    expect(configFileValidator()({ ...withRefs, target: { type: 'glue', catalogId: '1234' } }).join('\n')).toMatch(/catalogId/);
  });

  it('rejects what the loader rejects: unknown keys, wrong types, wrong choices, missing required keys', () => {
    const validate = configFileValidator();
    expect(validate({ ...minimal, tagret: {} }).join('\n')).toMatch(/additionalProperty":"tagret"/);
    expect(validate({ ...minimal, deletion: { maxCount: '5' } }).join('\n')).toMatch(/\/deletion\/maxCount must be integer/);
    expect(validate({ ...minimal, deletion: { policy: 'shred' } }).join('\n')).toMatch(/\/deletion\/policy must be equal to one of the allowed values/);
    expect(validate({ target: minimal.target }).join('\n')).toMatch(/must have required property 'source'/);
    expect(validate({ ...minimal, source: { type: 'csn-files', path: 'in' } }).join('\n')).toMatch(/required property 'space'/);
    expect(validate({ ...minimal, $schema: 5 }).join('\n')).toMatch(/\/\$schema must be string/);
    // `$schema` is a root key only; the loader drops it nowhere else either.
    expect(validate({ ...minimal, job: { $schema: 'x' } }).join('\n')).toMatch(/additionalProperty":"\$schema"/);
    expect(() => parseConfig({ ...minimal, job: { $schema: 'x' } }, path.join(repoRoot, 'x.json'), {})).toThrow(/job\.\$schema: unknown key/);
  });

  it('leaves keys with defaults optional (the input side of the zod schema)', () => {
    expect(configFileValidator()(minimal)).toEqual([]);
    const schema = configJsonSchema();
    expect(schema['required']).toEqual(['source', 'target']);
  });
});
