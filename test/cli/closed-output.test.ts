import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleExport, repoRoot } from '../support/file-scenario.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'closed-output-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The real CLI with its stdout read by nobody: the pipe is closed before the run prints anything. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/catalog-sync.js'), ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that goes away', () => {
  it('lets a sync finish with its own exit code, its checkpoint closed and its lock released', async () => {
    const config = path.join(dir, 'catalog-sync.json');
    await writeFile(
      config,
      JSON.stringify({
        job: { name: 'nightly' },
        source: { type: 'csn-files', path: exampleExport, space: 'SALES' },
        target: { type: 'file', path: path.join(dir, 'catalog') },
        checkpoints: { dir: path.join(dir, 'checkpoints') },
        history: { file: path.join(dir, 'run-history.jsonl'), changeLog: path.join(dir, 'change-log.jsonl') },
        logging: { level: 'error' },
      }),
    );
    const run = await runWithClosedStdout(['sync', '--config', config, '--json']);
    expect(run.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(run.code).toBe(0);
    const files = await readdir(path.join(dir, 'checkpoints'));
    expect(files.filter((name) => name.endsWith('.lock'))).toEqual([]);
    const checkpoint = JSON.parse(await readFile(path.join(dir, 'checkpoints', 'nightly@datasphere_checkpoints.json'), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(checkpoint.entries).length).toBeGreaterThan(0);
    expect(existsSync(path.join(dir, 'run-history.jsonl'))).toBe(true);
  });
});
