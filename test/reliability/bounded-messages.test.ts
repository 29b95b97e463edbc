import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MESSAGE_TEXT_MAX } from '../../src/catalog/bounded-text.ts';
import { exampleExport } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';

/**
 * F6: a definition with a 1 MB name once produced ~1 MB warnings and a 5 MB history line. Every id and message a
 * run reports is bounded (MESSAGE_TEXT_MAX characters, plus a note of how much was cut).
 */
let dir: string;
let configFile: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-bounded-'));
  await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
  configFile = path.join(dir, 'config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      source: { type: 'csn-files', path: 'export', space: 'SALES' },
      target: { type: 'file', path: 'target' },
      checkpoints: { dir: 'checkpoints' },
      history: { file: 'history.jsonl' },
      logging: { level: 'silent' },
    }),
  );
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('bounded messages', () => {
  it('a 1 MB definition name fails its asset with a bounded id and message, in the summary and the history', async () => {
    const huge = `X${'A'.repeat(1024 * 1024)}`;
    await writeFile(
      path.join(dir, 'export', 'Huge.json'),
      JSON.stringify({ definitions: { [huge]: { kind: 'entity', elements: { ID: { type: 'cds.Integer' } }, '@DataWarehouse.space.name': 'SALES/X' } } }),
    );
    const { code, stdout } = await runCli(['sync', '--json', '--config', configFile]);
    expect(code).toBe(3);
    // The good assets still synced; the summary stays small.
    const summary = JSON.parse(stdout);
    expect(summary.applied.created).toBeGreaterThan(0);
    expect(stdout.length).toBeLessThan(200_000);
    for (const f of summary.failed) {
      expect(f.assetId.length).toBeLessThanOrEqual(MESSAGE_TEXT_MAX + 40);
      expect(f.error.length).toBeLessThanOrEqual(MESSAGE_TEXT_MAX * 4);
    }
    const history = await readFile(path.join(dir, 'history.jsonl'), 'utf8');
    expect(history.length).toBeLessThan(200_000);
  });
});
