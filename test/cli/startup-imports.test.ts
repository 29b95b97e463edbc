import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleExport, repoRoot } from '../support/file-scenario.ts';

// The built binary, as users run it: `npm test` builds dist/ first.
const BIN = path.join(repoRoot, 'bin/catalog-sync.js');
const RECORDER = path.join(repoRoot, 'test/fixtures/startup/record-imports.mjs');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-startup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the binary with the import recorder and returns its result and every module URL it resolved. */
async function runRecorded(args: string[]) {
  const file = path.join(dir, `imports-${args[0] ?? 'none'}.txt`);
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(RECORDER).href, BIN, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, RECORD_IMPORTS_FILE: file },
  });
  const urls = (await readFile(file, 'utf8')).trim().split('\n');
  return { result, urls };
}

/**
 * What `catalog-sync --help` may load: node builtins, commander, and modules of dist/cli/ (main, the registration
 * files in commands/ and their tiny helpers). Anything of the engine, the connectors, config loading, state, or a
 * package such as pino, lowdb, axios or the AWS SDK belongs inside an action handler, behind `await import()`.
 */
function isStartupModule(url: string): boolean {
  if (url.startsWith('node:')) return true;
  if (!url.startsWith('file:')) return false;
  const file = path.relative(repoRoot, new URL(url).pathname).split(path.sep).join('/');
  // catalog/plural.js: the one dependency-free text helper the registration files share with every layer.
  if (file === 'dist/catalog/plural.js') return true;
  return file === 'bin/catalog-sync.js' || file.startsWith('dist/cli/') || file.startsWith('node_modules/commander/') || file.startsWith('test/fixtures/startup/');
}

describe('catalog-sync startup', () => {
  it('the binary runs the compiled dist/ build', () => {
    expect(existsSync(path.join(repoRoot, 'dist/cli/main.js')), 'dist/ is missing: run `npm run build`').toBe(true);
  });

  it('--help loads only commander and the command registration files', async () => {
    const { result, urls } = await runRecorded(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: catalog-sync/);
    expect(result.stdout).toMatch(/\bsync\b/);
    expect(urls).toContainEqual(expect.stringMatching(/\/dist\/cli\/main\.js$/));
    expect(urls.filter((u) => !isStartupModule(u))).toEqual([]);
  });

  it('a file-target run loads no AWS SDK', async () => {
    const config = path.join(dir, 'config.json');
    await writeFile(
      config,
      JSON.stringify({
        source: { type: 'csn-files', path: exampleExport, space: 'SALES' },
        target: { type: 'file', path: path.join(dir, 'target') },
        checkpoints: { dir: path.join(dir, 'checkpoints') },
        history: { file: path.join(dir, 'history.jsonl') },
        logging: { level: 'silent' },
      }),
    );
    const { result, urls } = await runRecorded(['plan', '--config', config]);
    expect(result.status, result.stderr).toBe(2);
    expect(urls.some((u) => u.includes('/dist/engine/'))).toBe(true);
    expect(urls.filter((u) => /@aws-sdk|@smithy/.test(u))).toEqual([]);
  });
});
