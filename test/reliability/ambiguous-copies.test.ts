import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SpaceExtract } from '../../src/catalog/source.ts';
import { CsnFilesSource } from '../../src/connectors/csn-files/csn-files-source.ts';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import { runCli } from '../support/run-cli.ts';

/*
 * An export file holds its main object and copies of the objects it depends on, so one definition is often in
 * several files; the copy in the object's own export wins, otherwise the first file in path order. When a file
 * cannot be read, which copy wins is unknown: tables defined in it and in another file used to be rewritten from the
 * other file's (different) copy, and rewritten back once the file was readable again. They must be left as they
 * are, named, with the reason — and `plan` must say the source is incomplete, never "no changes".
 */

/** Folders that fail to be listed in this test file (a root user can read any folder, whatever its mode). */
const unlistable = vi.hoisted(() => new Set<string>());
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const readdirOrFail = (async (folder: string, ...rest: unknown[]) => {
    if (unlistable.has(path.resolve(String(folder)))) {
      throw Object.assign(new Error(`EIO: i/o error, scandir '${String(folder)}'`), { code: 'EIO', errno: -5, syscall: 'scandir' });
    }
    return (real.readdir as (...args: unknown[]) => Promise<unknown>)(folder, ...rest);
  }) as typeof real.readdir;
  return { ...real, default: { ...real, readdir: readdirOrFail }, readdir: readdirOrFail };
});

const SPACE = 'S';
let root: string;
let exportDir: string;
let configFile: string;

function entity(label: string, extraColumn = false): Record<string, unknown> {
  return {
    kind: 'entity',
    '@EndUserText.label': label,
    '@ObjectModel.modelingPattern': { '#': 'DATA_STRUCTURE' },
    elements: {
      ID: { type: 'cds.Integer64', key: true, notNull: true },
      NAME: { type: 'cds.String', length: 100 },
      ...(extraColumn ? { EXTRA: { type: 'cds.String', length: 10 } } : {}),
    },
  };
}

function csn(definitions: Record<string, unknown>): string {
  return JSON.stringify({ definitions, version: { csn: '1.0' } });
}

const DEPENDENCIES = ['D1', 'D2', 'D3'];

/** A.json: A and its dependencies D1–D3; Z.json: Z with other copies of D1–D3; M.json: M alone. */
async function writeExport(): Promise<void> {
  await mkdir(exportDir, { recursive: true });
  const copies = (from: string, extra: boolean) => Object.fromEntries(DEPENDENCIES.map((d) => [d, entity(`${d} as ${from} has it`, extra)]));
  await writeFile(path.join(exportDir, 'A.json'), csn({ A: entity('A'), ...copies('A.json', false) }));
  await writeFile(path.join(exportDir, 'Z.json'), csn({ Z: entity('Z'), ...copies('Z.json', true) }));
  await writeFile(path.join(exportDir, 'M.json'), csn({ M: entity('M') }));
}

/** Every table file of the target, by name, as bytes: "left as it is" means byte for byte. */
async function targetTables(): Promise<Record<string, string>> {
  const folder = path.join(root, 'target', 'ds_s');
  const out: Record<string, string> = {};
  for (const name of (await readdir(folder)).sort()) {
    if (name.endsWith('.json') && !name.startsWith('_')) out[name] = await readFile(path.join(folder, name), 'utf8');
  }
  return out;
}

async function cli(...args: string[]): Promise<{ code: number; summary: RunSummary; stdout: string }> {
  const result = await runCli([...args, '--config', configFile, '--log-level', 'silent']);
  return { code: result.code, stdout: result.stdout, summary: args.includes('--json') ? (JSON.parse(result.stdout) as RunSummary) : (undefined as unknown as RunSummary) };
}

function failedIds(summary: RunSummary): string[] {
  return summary.failed.map((f) => f.assetId).sort();
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'reliability-ambiguous-'));
  exportDir = path.join(root, 'export');
  configFile = path.join(root, 'config.json');
  await writeExport();
  await writeFile(
    configFile,
    JSON.stringify({
      source: { type: 'csn-files', path: exportDir, space: SPACE },
      target: { type: 'file', path: path.join(root, 'target') },
      checkpoints: { dir: path.join(root, 'checkpoints') },
      history: { file: path.join(root, 'history.jsonl'), changeLog: path.join(root, 'change-log.jsonl') },
    }),
  );
});

afterEach(async () => {
  unlistable.clear();
  await rm(root, { recursive: true, force: true });
});

describe('an export file that cannot be read', () => {
  it('leaves the tables it may define as they are, names them, and rewrites nothing when it is back', async () => {
    const first = await cli('sync', '--json');
    expect(first.code).toBe(0);
    expect(first.summary.changes.created).toBe(6);
    const before = await targetTables();
    // The dependencies came from A.json, the first file in path order that holds them.
    expect(before['d1.json']).toContain('D1 as A.json has it');

    await writeFile(path.join(exportDir, 'A.json'), '{"definitions": {"A": ');
    // --checksum reads every file, so Z.json's different copies of D1–D3 are read and compete.
    for (const args of [['sync', '--checksum', '--json'], ['sync', '--json']]) {
      const run = await cli(...args);
      expect(run.code, args.join(' ')).toBe(3);
      expect(run.summary.status).toBe('partial');
      expect(run.summary.source.incompleteSpaces.map((s) => s.space)).toEqual([SPACE]);
      expect(run.summary.changes.deleted).toBe(0);
      expect(run.summary.traffic.target.writes).toBe(0);
      expect(failedIds(run.summary)).toEqual(['S/A', 'S/D1', 'S/D2', 'S/D3']);
      for (const d of DEPENDENCIES) {
        const failure = run.summary.failed.find((f) => f.assetId === `S/${d}`);
        expect(failure?.error).toMatch(/^left as it is: .*A\.json.*could not be read/);
      }
      expect(await targetTables()).toEqual(before);
    }

    await writeExport();
    const back = await cli('sync', '--json');
    expect(back.code).toBe(0);
    expect(back.summary.traffic.target.writes).toBe(0);
    expect(back.summary.changes.unchanged).toBe(6);
    expect(await targetTables()).toEqual(before);
  });

  it('makes plan exit 3 and name the incomplete space and the assets left alone, in text and in --json', async () => {
    expect((await cli('sync')).code).toBe(0);
    await writeFile(path.join(exportDir, 'A.json'), 'not json');
    for (const extra of [[], ['--checksum']]) {
      const json = await cli('plan', '--json', ...extra);
      expect(json.code).toBe(3);
      expect(json.summary.planOnly).toBe(true);
      expect(json.summary.source.incompleteSpaces).toEqual([{ space: SPACE, reason: expect.stringContaining('A.json') }]);
      expect(failedIds(json.summary)).toEqual(['S/A', 'S/D1', 'S/D2', 'S/D3']);
      expect(json.summary.actions).toEqual([]);

      const text = await cli('plan', ...extra);
      expect(text.code).toBe(3);
      expect(text.stdout).toContain(`INCOMPLETE ${SPACE}: could not read 1 file(s)`);
      for (const d of DEPENDENCIES) expect(text.stdout).toMatch(new RegExp(`FAILED S/${d}: left as it is`));
      expect(text.stdout).toContain('Source incomplete: 1 space not listed completely, 4 assets not read or left as they are');
      expect(text.stdout).not.toContain('No changes');
    }
  });
});

describe('which copies an unreadable part of the export makes ambiguous', () => {
  async function extract(): Promise<SpaceExtract> {
    const source = new CsnFilesSource({ path: exportDir, space: SPACE });
    await source.listSpaces({ known: new Map() });
    return source.extractSpace(SPACE, { known: new Map() });
  }

  function extractedIds(result: SpaceExtract): string[] {
    return result.items.flatMap((item) => (item.state === 'extracted' ? [item.asset.id] : [])).sort();
  }

  it('trusts a copy the unreadable file could not beat: an own export, or a first copy that comes before it', async () => {
    // D1 has its own export; the broken file sorts after Z.json, so Z's copies of D2 and D3 win whatever it holds.
    await writeFile(path.join(exportDir, 'D1.json'), csn({ D1: entity('D1 itself') }));
    await rm(path.join(exportDir, 'A.json'));
    await writeFile(path.join(exportDir, 'ZZ.json'), '{');
    const result = await extract();
    expect(result.complete).toBe(false);
    expect(extractedIds(result)).toEqual(['S/D1', 'S/D2', 'S/D3', 'S/M', 'S/Z']);
    expect(result.failures.map((f) => f.assetId)).toEqual(['S/ZZ']);
  });

  it('distrusts a dependency copy when the unreadable file is named like the asset, even after it in path order', async () => {
    // X belongs to space OTHER (its annotation says so); the broken zzz/X.json sorts after Z.json but may be X's own
    // export, whose copy wins over Z's. (A broken file's own object is guessed in the configured space, S/X.)
    await writeFile(path.join(exportDir, 'Z.json'), csn({ Z: entity('Z'), X: { ...entity('X as Z.json has it'), '@DataWarehouse.space.name': 'OTHER' } }));
    await mkdir(path.join(exportDir, 'zzz'));
    await writeFile(path.join(exportDir, 'zzz', 'X.json'), '{');
    const source = new CsnFilesSource({ path: exportDir, space: SPACE });
    expect(await source.listSpaces({ known: new Map() })).toEqual(['OTHER', SPACE]);
    const other = await source.extractSpace('OTHER', { known: new Map() });
    expect(other.complete).toBe(false);
    expect(extractedIds(other)).toEqual([]);
    expect(other.failures).toEqual([
      { assetId: 'OTHER/X', error: expect.stringMatching(/^left as it is: zzz\/X\.json could not be read .* may hold the copy of OTHER\/X that wins over the one in Z\.json/) },
    ]);
    const own = await source.extractSpace(SPACE, { known: new Map() });
    expect(extractedIds(own)).toEqual(['S/A', 'S/D1', 'S/D2', 'S/D3', 'S/M', 'S/Z']);
    expect(own.failures.map((f) => f.assetId)).toEqual(['S/X']);
  });

  it('distrusts every dependency copy, and own exports after it, when a folder cannot be listed', async () => {
    await mkdir(path.join(exportDir, 'B'));
    await writeFile(path.join(exportDir, 'B', 'B.json'), csn({ B: entity('B') }));
    unlistable.add(path.resolve(exportDir, 'B'));
    const result = await extract();
    expect(result.complete).toBe(false);
    expect(result.incompleteReason).toMatch(/B \(folder could not be listed: EIO/);
    // A.json sorts before folder B: its own object stands. D1–D3 are nobody's own export: a file in B could be.
    // M.json and Z.json sort after B, which could hold another export of either, earlier in path order.
    expect(extractedIds(result)).toEqual(['S/A']);
    expect(result.failures.map((f) => f.assetId)).toEqual(['S/D1', 'S/D2', 'S/D3', 'S/M', 'S/Z']);
    expect(result.failures.every((f) => f.error.startsWith('left as it is: folder B could not be listed'))).toBe(true);
  });
});
