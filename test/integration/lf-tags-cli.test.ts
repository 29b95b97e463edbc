import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TagChange } from '../../src/catalog/resource-tags.ts';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import { motoEndpoint, uniquePrefix } from '../setup/glue-test-support.ts';
import { exampleExport, repoRoot } from '../support/file-scenario.ts';
import { runCli } from '../support/run-cli.ts';

const LF_OPERATIONS = /^(GetResourceLFTags|GetLFTag|CreateLFTag|UpdateLFTag|AddLFTagsToResource|RemoveLFTagsFromResource)$/;
// The built binary, as users run it (`npm test` builds dist/ first), and the recorder of every module it loads.
const BIN = path.join(repoRoot, 'bin/catalog-sync.js');
const RECORDER = path.join(repoRoot, 'test/fixtures/startup/record-imports.mjs');

let dir: string;
let prefix: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'catalog-sync-lf-tags-'));
  await cp(exampleExport, path.join(dir, 'export'), { recursive: true });
  prefix = uniquePrefix('cli');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A config syncing the example export into moto, with `governance` as given (none: the defaults, LF-Tags off). */
async function writeConfig(governance?: unknown): Promise<string> {
  const file = path.join(dir, 'config.json');
  await writeFile(
    file,
    JSON.stringify({
      job: { name: 'governed' },
      source: { type: 'csn-files', path: 'export', space: 'SALES' },
      target: { type: 'glue', endpoint: motoEndpoint(), databasePrefix: prefix, writeUnread: false, maxAttempts: 2 },
      checkpoints: { dir: 'checkpoints' },
      history: { file: 'history.jsonl', changeLog: 'change-log.jsonl' },
      logging: { level: 'silent' },
      ...(governance !== undefined ? { governance } : {}),
    }),
  );
  return file;
}

/** The LF-Tags block of a config, under keys of this test alone (moto's LF-Tags are shared by every test). */
function lfTags(): unknown {
  return {
    lfTags: {
      enabled: true,
      database: { [`${prefix}space`]: 'space' },
      table: { [`${prefix}pattern`]: 'modelingPattern' },
      column: { [`${prefix}role`]: 'role' },
    },
  };
}

function lfRequests(summary: RunSummary): string[] {
  return Object.keys(summary.traffic.target.byOperation).filter((op) => LF_OPERATIONS.test(op));
}

/** Runs the built binary with the import recorder: its result, and every module URL it loaded. */
async function runRecorded(args: string[]) {
  const file = path.join(dir, `imports-${Date.now()}.txt`);
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(RECORDER).href, BIN, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, RECORD_IMPORTS_FILE: file },
  });
  const urls = (await readFile(file, 'utf8')).trim().split('\n');
  return { result, urls };
}

describe('LF-Tags through the CLI, against moto', () => {
  it('plan lists every tag change, in text and in --json (exit 2); sync makes them (exit 0); then nothing is pending', async () => {
    const config = await writeConfig(lfTags());
    const json = await runCli(['plan', '--json', '--config', config]);
    expect(json.code, json.stderr).toBe(2);
    const planned = JSON.parse(json.stdout) as RunSummary;
    const changes = planned.actions.flatMap((a) => (a.tags ?? []).map((t) => ({ table: a.table, ...t })));
    expect(planned.tags).toMatchObject({ label: 'LF-Tags', changes: changes.length, removals: 0, applied: 0 });
    expect(changes.length).toBeGreaterThan(20);
    expect(changes).toContainEqual({ table: `${prefix}sales.salesorders_view`, resource: 'column', name: 'grossamount', key: `${prefix}role`, kind: 'added', after: 'measure' });
    // The database's tag is listed once, with the first table of the database.
    expect(changes.filter((c: TagChange) => c.resource === 'database')).toEqual([
      expect.objectContaining({ name: `${prefix}sales`, key: `${prefix}space`, kind: 'added', after: 'sales' }),
    ]);
    expect(planned.tags?.definitions.map((d) => d.key).sort()).toEqual([`${prefix}pattern`, `${prefix}role`, `${prefix}space`]);

    const text = await runCli(['plan', '--config', config]);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain(`LF-Tags: ${changes.length} changes`);
    expect(text.stdout).toContain(`+ LF-Tag ${prefix}role: create with attribute, dimension, measure`);
    // Every change has its line, none is cut short.
    const lines = text.stdout.split('\n').filter((line) => /^ {6}[+~-] (database|table|column)\b/.test(line) && line.includes(prefix));
    expect(lines).toHaveLength(changes.length);
    expect(text.stdout).toContain(`+ column grossamount ${prefix}role: measure`);

    const synced = await runCli(['sync', '--json', '--config', config]);
    expect(synced.code, synced.stderr).toBe(0);
    const summary = JSON.parse(synced.stdout) as RunSummary;
    expect(summary.tags).toMatchObject({ changes: changes.length, applied: changes.length });

    const again = await runCli(['plan', '--json', '--config', config]);
    expect(again.code).toBe(0);
    const unchanged = JSON.parse(again.stdout) as RunSummary;
    expect(lfRequests(unchanged)).toEqual([]);
    expect(unchanged.tags?.changes).toBe(0);
  });

  it('LF-Tags off (the default): a sync makes no Lake Formation call and never loads the Lake Formation SDK; on, it does', async () => {
    expect(existsSync(path.join(repoRoot, 'dist/cli/main.js')), 'dist/ is missing: run `npm run build`').toBe(true);
    const off = await runRecorded(['sync', '--json', '--config', await writeConfig()]);
    expect(off.result.status, off.result.stderr).toBe(0);
    const summary = JSON.parse(off.result.stdout) as RunSummary;
    expect(summary.applied.created).toBeGreaterThan(0);
    expect(summary.tags).toBeUndefined();
    expect(lfRequests(summary)).toEqual([]);
    // The Glue SDK was loaded (the recorder sees the SDK), the Lake Formation SDK and our LF-Tag calls were not.
    expect(off.urls.some((u) => u.includes('/@aws-sdk/client-glue/'))).toBe(true);
    expect(off.urls.filter((u) => u.includes('client-lakeformation') || /\/lf-tags-api\.js$/.test(u))).toEqual([]);

    await rm(path.join(dir, 'checkpoints'), { recursive: true, force: true });
    prefix = uniquePrefix('cli_on');
    const on = await runRecorded(['sync', '--json', '--config', await writeConfig(lfTags())]);
    expect(on.result.status, on.result.stderr).toBe(0);
    expect(lfRequests(JSON.parse(on.result.stdout) as RunSummary)).toContain('AddLFTagsToResource');
    expect(on.urls.some((u) => u.includes('/@aws-sdk/client-lakeformation/'))).toBe(true);
  });
});
