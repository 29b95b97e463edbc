import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig, parseConfig } from '../../src/config/load-config.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const minimal = { source: { type: 'csn-files', path: 'in', space: 'S' }, target: { type: 'file', path: 'out' } };

async function loadText(text: string): Promise<ConfigError> {
  const file = path.join(dir, 'catalog-sync.json');
  await writeFile(file, text);
  const error = await loadConfig(file, {}).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loading a config file', () => {
  it('reports a JSON syntax error with file, line, column and the offending line', async () => {
    const error = await loadText('{\n  "source": { "type": "csn-files", "path": "in", "space": "S" }\n  "target": { "type": "file", "path": "out" }\n}\n');
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.location).toMatchObject({ line: 3, column: 3 });
    expect(error.message).toContain(`${path.join(dir, 'catalog-sync.json')}:3:3: not valid JSON: Expected ',' or '}' after property value`);
    expect(error.message).toContain('  3 |   "target": { "type": "file", "path": "out" }\n    |   ^');
  });

  it('reports a bad literal at its place too', async () => {
    const error = await loadText('{\n  "change": {\n    "caseSensitive": flase\n  }\n}');
    // The engine names the first character that cannot continue `false`: the caret goes there.
    expect(error.location).toMatchObject({ line: 3, column: 23 });
    expect(error.message).toMatch(/:3:23: not valid JSON: Unexpected token 'l'\n  3 \|     "caseSensitive": flase\n    \|                       \^/);
  });

  it('reads a file saved with a byte-order mark', async () => {
    const file = path.join(dir, 'bom.json');
    await writeFile(file, '\uFEFF' + JSON.stringify(minimal));
    expect((await loadConfig(file, {})).config.source.type).toBe('csn-files');
  });

  it('says how to create a missing file', async () => {
    const error = (await loadConfig(path.join(dir, 'catalog-sync.json'), {}).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.message).toContain(`no config file at ${path.join(dir, 'catalog-sync.json')}`);
    expect(error.message).toContain('catalog-sync init');
    expect(error.message).toContain('--config <file>');
  });

  it('accepts $schema at the root and drops comment keys at every level', async () => {
    const file = path.join(dir, 'c.json');
    const commented = { $schema: './x.json', '//': 'c', $comment: 'c', ...minimal, deletion: { '//maxCount': 'c', maxCount: 3, $comment: 'c' } };
    await writeFile(file, JSON.stringify(commented));
    const { config } = await loadConfig(file, {});
    expect(config.deletion).toEqual({ policy: 'delete', maxCount: 3, maxPercent: 25 });
    expect(config).not.toHaveProperty('$schema');
  });
});

describe('invalid values', () => {
  const file = path.join('/configs', 'x.json');
  const problemsOf = (raw: unknown, env: NodeJS.ProcessEnv = {}) => {
    try {
      parseConfig(raw, file, env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('expected the config to be rejected');
  };

  it('name the zod path and what was expected there', () => {
    const problems = problemsOf({
      ...minimal,
      source: { type: 'csn-files', space: 'S' },
      deletion: { policy: 'shred', maxCount: 'ten' },
      job: { name: 'two words' },
      target: { type: 'glue', catalogId: '12' },
      change: { ignoreFields: ['owner', 7] },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'source.path', message: 'required: expected string' },
        { path: 'deletion.policy', message: 'Invalid option: expected one of "delete"|"deprecate"|"log"' },
        { path: 'deletion.maxCount', message: 'Invalid input: expected number, received string' },
        { path: 'job.name', message: 'expected letters, digits, _ . -' },
        { path: 'target.catalogId', message: 'expected a 12-digit AWS account id' },
        { path: 'change.ignoreFields.1', message: 'Invalid input: expected string, received number' },
      ]),
    );
  });

  it('name each unknown key by its full path', () => {
    const problems = problemsOf({ ...minimal, tagret: {}, deletion: { maxCont: 5 } });
    expect(problems.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'deletion.maxCont', message: 'unknown key (keys starting with // are comments)' },
      { path: 'tagret', message: 'unknown key (keys starting with // are comments)' },
    ]);
  });

  it('list the types a block offers when its type is unknown', () => {
    const [problem] = problemsOf({ ...minimal, source: { type: 'csv' } });
    expect(problem?.path).toBe('source.type');
    expect(problem?.message).toMatch(/'csn-files' \| 'datasphere'/);
  });

  it('never quote a value back: it may be a secret from the environment', () => {
    const raw = { ...minimal, source: { type: 'datasphere', tenantUrl: '${TENANT}', tokenUrl: 'https://a.example/t', clientId: 'id', clientSecret: 's' } };
    const problems = problemsOf(raw, { TENANT: 'not a url but a secret' });
    expect(problems).toEqual([{ path: 'source.tenantUrl', message: 'Invalid URL' }]);
    try {
      parseConfig(raw, file, { TENANT: 'not a url but a secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('not a url but a secret');
    }
  });

  it('print one line per problem under the file name', () => {
    try {
      parseConfig({ ...minimal, deletion: { maxCount: -1 } }, file, {});
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(`invalid configuration in ${file}\n  - deletion.maxCount: Too small: expected number to be >=0`);
    }
  });
});
