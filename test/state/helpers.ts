import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { CheckpointEntry } from '../../src/catalog/checkpoint.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import type { CheckpointStoreOptions, FileCheckpointStore } from '../../src/state/file-checkpoint-store.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = path.join(PROJECT_ROOT, 'test/state/fixtures');

export function hex(seed: string): string {
  // Deterministic 64-hex-digit stand-in for a SHA-256, cheap enough for 100k entries.
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(8);
}

export function makeEntry(i: number, overrides: Partial<CheckpointEntry> = {}): CheckpointEntry {
  return {
    assetId: `SPACE_${i % 7}/ASSET_${i}`,
    assetType: 'view',
    sourceSystem: 'datasphere',
    lastSyncAt: '2026-11-22T17:07:30.123Z',
    hashes: { content: hex(`c${i}`), schema: hex(`s${i}`), metadata: hex(`m${i}`) },
    syncVersion: 1,
    target: { database: `ds_space_${i % 7}`, table: `asset_${i}`, version: '1' },
    customProperties: { owner: 'data-team' },
    ...overrides,
  };
}

export async function tempDir(t: { onTestFinished: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'catalog-sync-state-'));
  t.onTestFinished(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

export function storeOptions(dir: string, overrides: Partial<CheckpointStoreOptions> = {}): CheckpointStoreOptions {
  return { dir, sourceSystem: 'datasphere', flushEvery: 1000, backups: { keep: 20, maxAgeDays: 0 }, ...overrides };
}

export async function openStore(
  dir: string,
  overrides: Partial<CheckpointStoreOptions> = {},
): Promise<{ store: FileCheckpointStore; warnings: string[] }> {
  const warnings: string[] = [];
  const store = await openCheckpointStore(storeOptions(dir, { onWarning: (m) => warnings.push(m), ...overrides }));
  return { store, warnings };
}

export async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
}

export async function backupNames(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(path.join(dir, 'backup'))).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
}

/** Starts `node --import tsx <fixture> ...args` from the project root (where tsx resolves). */
export function spawnFixture(fixture: string, args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', path.join(FIXTURES, fixture), ...args], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the child's exit code (or signal) and everything it wrote. */
export function waitForExit(
  child: ReturnType<typeof spawnFixture>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Resolves once the child has printed a line containing `marker`. */
export function waitForOutput(child: ReturnType<typeof spawnFixture>, marker: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let errors = '';
    child.stderr?.on('data', (d: Buffer) => (errors += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(marker)) resolve();
    });
    child.on('close', (code) => reject(new Error(`child exited (${code}) before printing ${marker}: ${errors}`)));
  });
}

/**
 * Every file under `dir` (recursively) with its size, mtime, ctime, inode and SHA-256: two equal snapshots mean
 * nothing was created, deleted, renamed, linked, rewritten or touched in between. (ctime moves on a rename or a new
 * hard link even when the content does not.) Folder mtimes are included too — they move when anything is created in
 * them, even a file deleted again — unless `folderTimes: false` (a sync takes and releases its lock file).
 */
export async function snapshotFolder(dir: string, options: { folderTimes?: boolean } = {}): Promise<Record<string, string>> {
  const { createHash } = await import('node:crypto');
  const out: Record<string, string> = {};
  async function walk(folder: string): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const name of names.sort()) {
      const file = path.join(folder, name);
      const stat = await fs.lstat(file);
      const key = path.relative(dir, file);
      if (stat.isDirectory()) {
        out[`${key}/`] = options.folderTimes === false ? 'dir' : `dir mtime=${stat.mtimeMs}`;
        await walk(file);
        continue;
      }
      const hash = createHash('sha256').update(await fs.readFile(file)).digest('hex');
      out[key] = `size=${stat.size} mtime=${stat.mtimeMs} ctime=${stat.ctimeMs} ino=${stat.ino} sha256=${hash}`;
    }
  }
  await walk(dir);
  return out;
}

/**
 * The entries a fresh open would find: the snapshot with its journal replayed — what a flush made durable (a
 * flush appends to the journal; the snapshot alone is rewritten only now and then and at close()).
 */
export async function durableIds(file: string): Promise<string[]> {
  const { readCheckpointFile } = await import('../../src/state/checkpoint-file.ts');
  const result = await readCheckpointFile(file);
  if (!result.exists) return [];
  if (!result.ok) throw new Error(`checkpoint ${file} is not valid: ${result.problems.join('; ')}`);
  return [...result.document.entries.keys()].sort();
}
