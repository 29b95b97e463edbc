import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INIT_SOURCES, INIT_TARGETS } from '../../src/cli/commands/init-command.ts';
import { CONFIG_SCHEMA_FILE, configJsonSchema, variantsOf } from '../../src/config/config-json-schema.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { configFileValidator } from '../config/schema-validator.ts';
import { exampleExport } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';

const env = { DATASPHERE_CLIENT_ID: 'sb-id', DATASPHERE_CLIENT_SECRET: 'very-secret-value' };
const schema = configJsonSchema();
const availableSources = INIT_SOURCES.filter((s) => variantsOf(schema, 'source').includes(s));
const combinations = availableSources.flatMap((source) => INIT_TARGETS.map((target) => [source, target] as const));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-init-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI with `dir` as the current folder, as a person in their project folder would. */
async function inDir(args: string[]) {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return await runCli(args);
  } finally {
    process.chdir(before);
  }
}

describe('catalog-sync init', () => {
  it('offers every target the config schema has', () => {
    expect([...INIT_TARGETS].sort()).toEqual(variantsOf(schema, 'target').sort());
    expect(availableSources).toEqual(expect.arrayContaining(['csn-files', 'datasphere']));
  });

  it.each(combinations)('--source %s --target %s writes a file that loads and validates against the JSON Schema', async (source, target) => {
    const out = path.join(dir, 'configs', `${source}-${target}.json`);
    const { code, stdout } = await runCli(['init', '--source', source, '--target', target, '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toContain(`wrote ${out}`);
    const text = await readFile(out, 'utf8');
    const raw = JSON.parse(text) as Record<string, unknown>;

    expect(raw['$schema']).toMatch(/^\.\.?\//);
    expect(path.resolve(path.dirname(out), raw['$schema'] as string)).toBe(CONFIG_SCHEMA_FILE);
    expect(configFileValidator()(raw)).toEqual([]);
    const { config, secrets } = await loadConfig(out, env);
    expect(config.source.type).toBe(source);
    expect(config.target.type).toBe(target);

    // Secrets are environment references, and the file says so.
    expect(text).not.toContain('very-secret-value');
    expect(raw['//']).toMatch(/\$\{ENV_VAR\}/);
    if (source === 'datasphere') {
      expect((raw['source'] as Record<string, unknown>)['clientSecret']).toBe('${DATASPHERE_CLIENT_SECRET}');
      expect(secrets).toContain('very-secret-value');
    }
  });

  it.each(combinations)('--source %s --target %s explains every setting it writes', async (source, target) => {
    const { stdout } = await runCli(['init', '--source', source, '--target', target, '--out', '-']);
    const undocumented: string[] = [];
    const walk = (node: Record<string, unknown>, at: string) => {
      for (const [key, value] of Object.entries(node)) {
        if (key.startsWith('//') || key === '$schema') continue;
        const isBlock = value !== null && typeof value === 'object' && !Array.isArray(value) && '//' in value;
        if (isBlock) walk(value as Record<string, unknown>, `${at}${key}.`);
        else if (key !== 'type' && typeof node[`//${key}`] !== 'string') undocumented.push(`${at}${key}`);
      }
    };
    walk(JSON.parse(stdout) as Record<string, unknown>, '');
    expect(undocumented).toEqual([]);
  });

  it('--out - prints the file, its $schema relative to the current folder', async () => {
    const { code, stdout } = await runCli(['init', '--out', '-']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).$schema).toBe(`./${path.relative(process.cwd(), CONFIG_SCHEMA_FILE).split(path.sep).join('/')}`);
  });

  it('refuses a source type the config does not have yet, and writes nothing', async () => {
    const missing = INIT_SOURCES.filter((s) => !availableSources.includes(s));
    for (const source of missing) {
      const { code, stderr } = await inDir(['init', '--source', source]);
      expect(code).toBe(1);
      expect(stderr).toContain(`--source ${source} is not available yet`);
      expect(existsSync(path.join(dir, 'catalog-sync.json'))).toBe(false);
    }
    const unknown = await inDir(['init', '--source', 'csv']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Allowed choices are csn-files, datasphere, glue/);
  });

  it('never overwrites a file without --force', async () => {
    const out = path.join(dir, 'catalog-sync.json');
    await writeFile(out, '{"mine": true}\n');
    const refused = await inDir(['init']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists');
    expect(refused.stderr).toContain('--force');
    expect(await readFile(out, 'utf8')).toBe('{"mine": true}\n');

    const forced = await inDir(['init', '--force', '--target', 'glue']);
    expect(forced.code).toBe(0);
    expect((await loadConfig(out, env)).config.target.type).toBe('glue');
  });
});

describe('the default config file', () => {
  it('is catalog-sync.json in the current folder; when missing, the error says how to create one', async () => {
    const { code, stderr } = await inDir(['plan']);
    expect(code).toBe(1);
    expect(stderr).toContain(`no config file at ${path.join(dir, 'catalog-sync.json')}`);
    expect(stderr).toContain('catalog-sync init');
    expect(stderr).toContain('--config <file>');
  });

  it('init, then validate, plan and sync without --config', async () => {
    expect((await inDir(['init'])).code).toBe(0);
    // The starter config reads CSN exports from ./datasphere-export, space SALES.
    await cp(exampleExport, path.join(dir, 'datasphere-export'), { recursive: true });

    const validated = await inDir(['config', 'validate']);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toContain(`${path.join(dir, 'catalog-sync.json')}: valid (source csn-files, target file)`);

    expect((await inDir(['plan'])).code).toBe(2);
    expect((await inDir(['sync', '--json'])).code).toBe(0);
    expect(existsSync(path.join(dir, 'glue-catalog', 'ds_sales'))).toBe(true);
    expect((await inDir(['plan'])).code).toBe(0);
  });
});

describe('catalog-sync config', () => {
  it('schema prints the committed JSON Schema', async () => {
    const { code, stdout } = await runCli(['config', 'schema']);
    expect(code).toBe(0);
    expect(stdout).toBe(await readFile(CONFIG_SCHEMA_FILE, 'utf8'));
  });

  it('validate --json prints the resolved config with secrets redacted', async () => {
    const out = path.join(dir, 'ds.json');
    await runCli(['init', '--source', 'datasphere', '--out', out]);
    Object.assign(process.env, env);
    try {
      const { code, stdout } = await runCli(['config', 'validate', '--json', '--config', out]);
      expect(code).toBe(0);
      expect(stdout).not.toContain('very-secret-value');
      const result = JSON.parse(stdout);
      expect(result).toMatchObject({ valid: true, file: out });
      expect(result.config.source).toMatchObject({ type: 'datasphere', clientId: '[redacted]', clientSecret: '[redacted]', pageSize: 100 });
      expect(result.config.deletion).toEqual({ policy: 'delete', maxCount: 50, maxPercent: 25 });
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
    }
  });

  it('validate names each wrong value, or the line and column of a syntax error, and exits 1', async () => {
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ source: { type: 'csn-files', path: 'x', space: 'S' }, target: { type: 'file', path: 'y' }, deletion: { maxCount: 'many' } }));
    const human = await runCli(['config', 'validate', '--config', bad]);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('deletion.maxCount: Invalid input: expected number, received string');
    const json = await runCli(['config', 'validate', '--json', '--config', bad]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, code: 'CONFIG_INVALID', problems: [{ path: 'deletion.maxCount' }] });

    await writeFile(bad, '{\n  "source": {}\n  "target": {}\n}\n');
    const syntax = JSON.parse((await runCli(['config', 'validate', '--json', '--config', bad])).stdout);
    expect(syntax).toMatchObject({ valid: false, line: 3, column: 3 });
  });
});
