import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig, parseConfig } from '../../src/config/load-config.ts';
import { repoRoot } from '../support/file-scenario.ts';

const env = { DATASPHERE_CLIENT_ID: 'client-id', DATASPHERE_CLIENT_SECRET: 'very-secret-value' };

describe('shipped example configs', () => {
  it.each([
    ['config.example.json', 'csn-files', 'file'],
    ['config.glue.example.json', 'csn-files', 'glue'],
    ['config.datasphere.example.json', 'datasphere', 'file'],
  ])('%s validates (%s → %s)', async (file, source, target) => {
    const { config, secrets } = await loadConfig(path.join(repoRoot, file), env);
    expect(config.source.type).toBe(source);
    expect(config.target.type).toBe(target);
    if (source === 'datasphere') expect(secrets).toContain('very-secret-value');
  });
});

describe('config loading', () => {
  const file = path.join(repoRoot, 'x.json');
  const minimal = { source: { type: 'csn-files', path: 'in', space: 'S' }, target: { type: 'file', path: 'out' } };

  it('fills every default and resolves paths against the config folder', () => {
    const { config } = parseConfig(minimal, file, {});
    expect(config.deletion).toEqual({ policy: 'delete', maxCount: 50, maxPercent: 25 });
    expect(config.checkpoints.dir).toBe(path.join(repoRoot, 'checkpoints'));
    expect(config.source.type === 'csn-files' && config.source.path).toBe(path.join(repoRoot, 'in'));
  });

  it('names every wrong key with what was expected, and rejects unknown keys', () => {
    const bad = { ...minimal, deletion: { policy: 'shred' }, tagret: {} };
    try {
      parseConfig(bad, file, {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const issues = (error as ConfigError).issues.join('\n');
      expect(issues).toMatch(/deletion\.policy: .*"delete"\|"deprecate"\|"log"|deletion\.policy: Invalid option/);
      expect(issues).toMatch(/tagret/);
    }
  });

  it('replaces ${VAR} from the environment and reports a missing one by path, not value', () => {
    const withSecret = { ...minimal, job: { name: '${JOB_NAME}' } };
    expect(parseConfig(withSecret, file, { JOB_NAME: 'nightly' }).config.job.name).toBe('nightly');
    expect(() => parseConfig(withSecret, file, {})).toThrow(/job\.name: environment variable JOB_NAME is not set/);
  });
});
