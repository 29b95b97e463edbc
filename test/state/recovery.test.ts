import fs from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, test } from 'vitest';

import { scanBackups } from '../../src/state/backups.ts';
import { checkpointPaths } from '../../src/state/checkpoint-paths.ts';
import { CheckpointCorruptError, CheckpointVersionError } from '../../src/state/state-errors.ts';
import { validateCheckpointFile } from '../../src/state/validate-checkpoint-file.ts';
import { makeEntry, openStore, tempDir } from './helpers.ts';

/** A checkpoint written three times: backups hold 1 and 2 entries, the file 3. */
async function threeGenerations(dir: string) {
  let time = Date.parse('2026-11-22T17:07:30.123Z');
  const now = () => new Date(time);
  const { store } = await openStore(dir, { now });
  for (let i = 0; i < 3; i++) {
    time += 1000;
    await store.put(makeEntry(i));
    await store.close();
  }
  return { file: store.paths.file, now };
}

async function corruptFiles(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((n) => n.includes('.corrupt-'));
}

describe('recovery from a corrupt checkpoint', () => {
  test('truncated file: newest valid backup takes over, with a warning; damaged file kept aside', async (t) => {
    const dir = await tempDir(t);
    const { file } = await threeGenerations(dir);
    const full = await fs.readFile(file, 'utf8');
    const truncated = full.slice(0, Math.floor(full.length / 2));
    await fs.writeFile(file, truncated);

    const { store, warnings } = await openStore(dir);
    expect(store.all().map((e) => e.assetId).sort()).toEqual([makeEntry(0).assetId, makeEntry(1).assetId].sort());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/is corrupt: not valid JSON/);
    expect(warnings[0]).toContain('datasphere_checkpoints_');

    const aside = await corruptFiles(dir);
    expect(aside).toHaveLength(1);
    expect(aside[0]).toMatch(/^datasphere_checkpoints\.corrupt-\d{8}T\d{9}Z\.json$/);
    expect(await fs.readFile(path.join(dir, aside[0]!), 'utf8')).toBe(truncated);

    // The good state is back on disk at once: the next run needs no recovery, even if this one writes nothing.
    expect((await validateCheckpointFile(file)).ok).toBe(true);
    const again = await openStore(dir);
    expect(again.warnings).toEqual([]);
    expect(again.store.size).toBe(2);
  });

  test('hand-edited entry (checksum mismatch): same recovery', async (t) => {
    const dir = await tempDir(t);
    const { file } = await threeGenerations(dir);
    const text = await fs.readFile(file, 'utf8');
    const edited = text.replace(`"table":"asset_2"`, `"table":"asset_2_renamed"`);
    expect(edited).not.toBe(text);
    await fs.writeFile(file, edited);

    const { store, warnings } = await openStore(dir);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/checksum mismatch/);
    expect(store.size).toBe(2);
    expect(store.get(makeEntry(2).assetId)).toBeUndefined();
    const aside = await corruptFiles(dir);
    expect(await fs.readFile(path.join(dir, aside[0]!), 'utf8')).toBe(edited);
  });

  test('re-indenting the file is not corruption: the checksum is over values, not bytes', async (t) => {
    const dir = await tempDir(t);
    const { file } = await threeGenerations(dir);
    const value = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
    await fs.writeFile(file, JSON.stringify(value, null, 4));
    const { store, warnings } = await openStore(dir);
    expect(warnings).toEqual([]);
    expect(store.size).toBe(3);
  });

  test('a damaged newest backup is skipped in favour of an older valid one', async (t) => {
    const dir = await tempDir(t);
    const { file } = await threeGenerations(dir);
    const [newest, older] = await scanBackups(checkpointPaths(dir, 'datasphere'));
    await fs.writeFile(newest!.path, '');
    await fs.writeFile(file, '{');

    const { store, warnings } = await openStore(dir);
    expect(store.all().map((e) => e.assetId)).toEqual([makeEntry(0).assetId]);
    expect(warnings[0]).toContain(older!.fileName);
  });

  test('a file of another source system is not accepted as ours', async (t) => {
    const dir = await tempDir(t);
    const { file } = await threeGenerations(dir);
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.replace('"sourceSystem": "datasphere"', '"sourceSystem": "glue"'));
    const { warnings } = await openStore(dir);
    expect(warnings[0]).toMatch(/sourceSystem is "glue", expected "datasphere"/);
  });

  test('no valid backup: CheckpointCorruptError, never an empty store, and the file stays where it is', async (t) => {
    const dir = await tempDir(t);
    const { file } = await threeGenerations(dir);
    for (const backup of await scanBackups(checkpointPaths(dir, 'datasphere'))) {
      await fs.writeFile(backup.path, 'garbage');
    }
    await fs.writeFile(file, '{"formatVersion": 1, "sourceSystem": "datasph');

    const error = await openStore(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    expect(error).toMatchObject({ code: 'CHECKPOINT_CORRUPT', path: file });
    expect((error as CheckpointCorruptError).reason).toMatch(/not valid JSON/);
    expect((error as CheckpointCorruptError).backupsTried).toHaveLength(2);
    expect(await fs.readFile(file, 'utf8')).toBe('{"formatVersion": 1, "sourceSystem": "datasph');
    expect(await corruptFiles(dir)).toEqual([]);
  });

  test('no backup at all: CheckpointCorruptError', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir);
    await store.put(makeEntry(1));
    await store.close(); // first write: no backup
    await fs.writeFile(store.paths.file, '');
    await expect(openStore(dir)).rejects.toThrow(/no backup exists/);
  });

  test('a missing file with backups around starts empty but warns', async (t) => {
    const dir = await tempDir(t);
    const { file } = await threeGenerations(dir);
    await fs.rm(file);
    const { store, warnings } = await openStore(dir);
    expect(store.size).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/does not exist but 2 backup\(s\) do/);
  });

  test('a file of a newer format version is refused, not replaced by an older backup', async (t) => {
    const dir = await tempDir(t);
    const { file } = await threeGenerations(dir);
    const text = (await fs.readFile(file, 'utf8')).replace('"formatVersion": 1', '"formatVersion": 2');
    await fs.writeFile(file, text);
    const error = await openStore(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointVersionError);
    expect(error).toMatchObject({ code: 'CHECKPOINT_VERSION_UNSUPPORTED', formatVersion: 2 });
    expect(await fs.readFile(file, 'utf8')).toBe(text);
    expect(await corruptFiles(dir)).toEqual([]);
  });
});
