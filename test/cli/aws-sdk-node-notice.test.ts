import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetTablesCommand } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { replaceAwsSdkNodeNotice } from '../../src/cli/aws-sdk-node-notice.ts';
import { exampleExport, repoRoot } from '../support/file-scenario.ts';
import { otherTool, uniquePrefix } from '../setup/glue-test-support.ts';

const SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

function recordingLogger() {
  const lines: string[] = [];
  const log = (_obj: object, msg?: string) => void lines.push(msg ?? '');
  return { lines, logger: { debug: log, info: log, warn: log, error: log } };
}

describe('replaceAwsSdkNodeNotice', () => {
  it('under Node 20 turns the SDK notice off and says it in one line', () => {
    const env: NodeJS.ProcessEnv = {};
    const { lines, logger } = recordingLogger();
    replaceAwsSdkNodeNotice(logger, 'v20.12.2', env);
    expect(env[SWITCH]).toBe('true');
    expect(lines).toEqual(['Node v20.12.2: AWS SDK releases after January 2027 need Node 22 or newer']);
    // Once per process: the switch is set now.
    replaceAwsSdkNodeNotice(logger, 'v20.12.2', env);
    expect(lines).toHaveLength(1);
  });

  it('leaves Node 22 and 24 alone (the SDK says nothing there)', () => {
    for (const version of ['v22.0.0', 'v24.11.1']) {
      const env: NodeJS.ProcessEnv = {};
      const { lines, logger } = recordingLogger();
      replaceAwsSdkNodeNotice(logger, version, env);
      expect(env).toEqual({});
      expect(lines).toEqual([]);
    }
  });

  it('keeps a value the user set', () => {
    const env: NodeJS.ProcessEnv = { [SWITCH]: 'false' };
    const { lines, logger } = recordingLogger();
    replaceAwsSdkNodeNotice(logger, 'v20.19.0', env);
    expect(env[SWITCH]).toBe('false');
    expect(lines).toEqual([]);
  });
});

describe('a Glue-target run of the binary (moto)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-glue-stderr-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints no SDK Node-version notice and no other process warning on stderr', async () => {
    const endpoint = inject('motoEndpoint');
    const prefix = uniquePrefix('stderr');
    const config = path.join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        source: { type: 'csn-files', path: exampleExport, space: 'SALES' },
        target: { type: 'glue', region: 'us-east-1', endpoint, databasePrefix: prefix, maxAttempts: 2 },
        checkpoints: { dir: path.join(dir, 'checkpoints') },
        history: { file: path.join(dir, 'history.jsonl') },
        logging: { level: 'info' },
      }),
    );
    // The environment a user has: dummy credentials for moto, and none of the switches the test helpers set.
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
    for (const key of [SWITCH, 'AWS_PROFILE', 'AWS_SESSION_TOKEN', 'NODE_OPTIONS', 'NODE_NO_WARNINGS']) delete env[key];
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/catalog-sync.js'), 'sync', '--json', '--config', config], {
      cwd: dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.target.type).toBe('glue');
    expect(summary.changes.created).toBeGreaterThan(0);
    const tables = await otherTool(endpoint).send(new GetTablesCommand({ DatabaseName: `${prefix}sales` }));
    expect(tables.TableList?.length).toBe(summary.changes.created);

    expect(stderr).not.toMatch(/NodeVersionSupportWarning|NodeDeprecationWarning|AWS SDK for JavaScript|a\.co\/c895JFp/);
    expect(stderr).not.toMatch(/\(node:\d+\) \w*Warning/);
    // Every stderr line is one of our JSON log lines; under Node < 22 one of them is the short notice.
    const messages = stderr.trim().split('\n').map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toContain('run finished');
    const major = Number(process.versions.node.split('.')[0]);
    expect(messages.some((m) => m.includes('AWS SDK releases after January 2027'))).toBe(major < 22);
  });
});
