import fs from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, test } from 'vitest';

import type { TargetIdentity } from '../../src/catalog/target.ts';
import { inspectCheckpoint } from '../../src/state/inspect-checkpoint.ts';
import { CheckpointCorruptError, CheckpointIdentityError } from '../../src/state/state-errors.ts';
import { FIXTURES, backupNames, makeEntry, openStore, readJson, snapshotFolder, tempDir } from './helpers.ts';

const DEV: TargetIdentity = { type: 'file', path: '/data/dev', databasePrefix: 'ds_' };
const PROD: TargetIdentity = { type: 'file', path: '/data/prod', databasePrefix: 'ds_' };
const owner = (target: TargetIdentity, job = 'nightly') => ({ job, target });

/** A job's checkpoint written twice, so there is a file and a backup. */
async function twoGenerations(dir: string, target = DEV) {
  let time = Date.parse('2026-11-22T17:07:30.123Z');
  const now = () => new Date((time += 1000));
  const { store } = await openStore(dir, { owner: owner(target), now });
  for (let i = 0; i < 2; i++) {
    await store.put(makeEntry(i));
    await store.close();
  }
  return store.paths.file;
}

async function copyLegacyFixture(dir: string): Promise<void> {
  await fs.cp(path.join(FIXTURES, 'legacy-v1'), dir, { recursive: true });
  await fs.rm(path.join(dir, 'README.md'));
}

describe('a checkpoint belongs to one job and one target', () => {
  test('the file is named after the job and records the job and the target identity', async (t) => {
    const dir = await tempDir(t);
    const file = await twoGenerations(dir);
    expect(path.basename(file)).toBe('nightly@datasphere_checkpoints.json');
    const json = await readJson(file);
    expect(json).toMatchObject({ formatVersion: 1, sourceSystem: 'datasphere', job: 'nightly' });
    // Canonical field order, whatever order the target listed them in.
    expect(JSON.stringify(json.target)).toBe('{"databasePrefix":"ds_","path":"/data/dev","type":"file"}');
    expect(await backupNames(dir)).toEqual([expect.stringMatching(/^nightly@datasphere_checkpoints_\d{8}T\d{9}Z\.json$/)]);

    const reordered = { databasePrefix: 'ds_', type: 'file', path: '/data/dev' };
    const { store } = await openStore(dir, { owner: owner(reordered) });
    expect(store.size).toBe(2);
  });

  test('another target is refused with a typed error that says whose it is and how to fix it; nothing changes', async (t) => {
    const dir = await tempDir(t);
    const file = await twoGenerations(dir);
    const before = await snapshotFolder(dir);
    const error = await openStore(dir, { owner: owner(PROD) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointIdentityError);
    expect(error).toMatchObject({ code: 'CHECKPOINT_IDENTITY_MISMATCH', path: file });
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain('belongs to job "nightly" with file target (databasePrefix=ds_, path=/data/dev)');
    expect(message).toContain('this config is job "nightly" with file target (databasePrefix=ds_, path=/data/prod)');
    expect(message).toContain('`job.name`');
    expect(message).toContain('`checkpoints.dir`');
    // Read-only opens refuse too.
    await expect(openStore(dir, { owner: owner(PROD), readOnly: true })).rejects.toBeInstanceOf(CheckpointIdentityError);
    expect(await snapshotFolder(dir)).toEqual(before);
  });

  test('a changed databasePrefix is another target', async (t) => {
    const dir = await tempDir(t);
    await twoGenerations(dir);
    const error = await openStore(dir, { owner: owner({ ...DEV, databasePrefix: 'dw_' }) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CHECKPOINT_IDENTITY_MISMATCH' });
    expect((error as Error).message).toMatch(/databasePrefix=ds_.*databasePrefix=dw_/);
  });

  test('a file that records another job under this job\'s name is refused', async (t) => {
    const dir = await tempDir(t);
    const file = await twoGenerations(dir);
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.replace('"job": "nightly"', '"job": "weekly"'));
    await expect(openStore(dir, { owner: owner(DEV) })).rejects.toThrow(/belongs to job "weekly"/);
  });

  test('a corrupt file whose backup belongs to another target is refused before anything is repaired', async (t) => {
    const dir = await tempDir(t);
    const file = await twoGenerations(dir);
    await fs.writeFile(file, '{"formatVersion": 1, "entr');
    const before = await snapshotFolder(dir);
    await expect(openStore(dir, { owner: owner(PROD) })).rejects.toBeInstanceOf(CheckpointIdentityError);
    expect(await snapshotFolder(dir)).toEqual(before);
  });
});

describe('a checkpoint written before owners were recorded', () => {
  test('is adopted by the first writing open: renamed with its backups, owner recorded at once', async (t) => {
    const dir = await tempDir(t);
    await copyLegacyFixture(dir);
    const legacy = await readJson(path.join(dir, 'datasphere_checkpoints.json'));
    expect(legacy.job).toBeUndefined();

    const { store, warnings } = await openStore(dir, { owner: owner(DEV) });
    expect(warnings).toEqual([]);
    expect(path.basename(store.paths.file)).toBe('nightly@datasphere_checkpoints.json');
    expect(store.size).toBe(Object.keys(legacy.entries as object).length);
    const names = await fs.readdir(dir);
    expect(names).not.toContain('datasphere_checkpoints.json');
    const adopted = await readJson(store.paths.file);
    expect(adopted).toMatchObject({ job: 'nightly', target: { type: 'file', path: '/data/dev', databasePrefix: 'ds_' } });
    expect(adopted.entries).toEqual(legacy.entries);
    // The legacy backup moved along; recording the owner made one more (of the file as it was adopted).
    const backups = await backupNames(dir);
    expect(backups).toContain('nightly@datasphere_checkpoints_20261202T101757284Z.json');
    expect(backups).toHaveLength(2);
    expect(backups.every((name) => name.startsWith('nightly@'))).toBe(true);

    // From now on it is this target's.
    await expect(openStore(dir, { owner: owner(PROD) })).rejects.toBeInstanceOf(CheckpointIdentityError);
  });

  test('is read where it is by a read-only open, which renames and records nothing', async (t) => {
    const dir = await tempDir(t);
    await copyLegacyFixture(dir);
    const before = await snapshotFolder(dir);
    const { store } = await openStore(dir, { owner: owner(DEV), readOnly: true });
    expect(path.basename(store.paths.file)).toBe('datasphere_checkpoints.json');
    expect(store.size).toBe(6);
    expect(store.owner).toMatchObject({ job: 'nightly' }); // adopted in memory only
    expect(await snapshotFolder(dir)).toEqual(before);
  });

  test('a move cut short (backups renamed, the file not yet) is finished by the next writing open', async (t) => {
    const dir = await tempDir(t);
    await copyLegacyFixture(dir);
    const stamp = '20261202T101757284Z';
    await fs.rename(
      path.join(dir, 'backup', `datasphere_checkpoints_${stamp}.json`),
      path.join(dir, 'backup', `nightly@datasphere_checkpoints_${stamp}.json`),
    );
    const { store } = await openStore(dir, { owner: owner(DEV) });
    expect(store.size).toBe(6);
    expect((await fs.readdir(dir)).filter((n) => n.endsWith('.json'))).toEqual(['nightly@datasphere_checkpoints.json']);
    expect(await backupNames(dir)).toContain(`nightly@datasphere_checkpoints_${stamp}.json`);
  });

  test('checkpoints restore of a job adopts its legacy checkpoint first, so the legacy backups can be restored', async (t) => {
    const dir = await tempDir(t);
    await copyLegacyFixture(dir);
    const { restoreBackup } = await import('../../src/state/restore-backup.ts');
    const result = await restoreBackup({ dir, sourceSystem: 'datasphere', job: 'nightly', now: () => new Date('2026-12-03T00:00:00Z') });
    expect(path.basename(result.restoredFrom)).toBe('nightly@datasphere_checkpoints_20261202T101757284Z.json');
    expect(result.previous).toMatchObject({ valid: true });
    expect(await fs.readdir(dir)).not.toContain('datasphere_checkpoints.json');
    expect((await openStore(dir, { owner: owner(DEV) })).store.size).toBe(6);
  });

  test('job names that are not file-name safe are refused', async (t) => {
    const dir = await tempDir(t);
    await expect(openStore(dir, { owner: owner(DEV, 'a/b') })).rejects.toThrow(/invalid job name "a\/b"/);
    await expect(openStore(dir, { owner: owner(DEV, 'x@y') })).rejects.toThrow(/invalid job name/);
  });

  test('a file of this job without an owner is adopted too (partly recorded owners are completed)', async (t) => {
    const dir = await tempDir(t);
    const file = await twoGenerations(dir);
    const json = await readJson(file);
    delete json.target;
    // Re-indenting keeps the checksum valid (it is over the values).
    await fs.writeFile(file, JSON.stringify(json, null, 2));
    const { store } = await openStore(dir, { owner: owner(PROD) });
    expect(store.owner).toEqual({ job: 'nightly', target: PROD });
    expect((await readJson(file)).target).toEqual({ databasePrefix: 'ds_', path: '/data/prod', type: 'file' });
  });
});

describe('read-only opens change no file', () => {
  test('a corrupt file is served from its newest valid backup in memory, with a warning; nothing on disk moves', async (t) => {
    const dir = await tempDir(t);
    const file = await twoGenerations(dir);
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).slice(0, 100));
    const before = await snapshotFolder(dir);
    const { store, warnings } = await openStore(dir, { owner: owner(DEV), readOnly: true });
    expect(store.all().map((e) => e.assetId)).toEqual([makeEntry(0).assetId]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/is corrupt: not valid JSON.*in memory only; nothing was changed/);
    await expect(store.put(makeEntry(5))).rejects.toThrow(/read-only/);
    await expect(store.remove(makeEntry(0).assetId)).rejects.toThrow(/read-only/);
    await store.close();
    expect(await snapshotFolder(dir)).toEqual(before);

    // A writing open still recovers, as before.
    const writing = await openStore(dir, { owner: owner(DEV) });
    expect(writing.warnings[0]).toMatch(/Kept it as .*\.corrupt-/);
    expect(await snapshotFolder(dir)).not.toEqual(before);
  });

  test('a corrupt file without a valid backup: CheckpointCorruptError saying what to do', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir, { owner: owner(DEV) });
    await store.put(makeEntry(1));
    await store.close(); // the first write makes no backup
    await fs.writeFile(store.paths.file, '{"formatVersion"');
    const before = await snapshotFolder(dir);
    const error = await openStore(dir, { owner: owner(DEV), readOnly: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointCorruptError);
    const message = (error as Error).message;
    expect(message).toContain('no backup exists');
    expect(message).toContain('`catalog-sync checkpoints rebuild`');
    expect(message).toContain(`delete ${store.paths.file} to start over`);
    expect(await snapshotFolder(dir)).toEqual(before);
  });
});

describe('inspectCheckpoint', () => {
  test('reports validity, owner, and for a broken file what the next sync would do — changing nothing', async (t) => {
    const dir = await tempDir(t);
    const file = await twoGenerations(dir);
    const base = { dir, sourceSystem: 'datasphere' };
    expect(await inspectCheckpoint({ ...base, owner: owner(DEV) })).toMatchObject({ ok: true, ownership: 'match', legacy: false, entryCount: 2 });
    const other = await inspectCheckpoint({ ...base, owner: owner(PROD) });
    expect(other.ownership).toBe('mismatch');
    expect(other.ownershipProblem).toContain('/data/prod');

    await fs.writeFile(file, 'garbage');
    const before = await snapshotFolder(dir);
    const broken = await inspectCheckpoint({ ...base, owner: owner(DEV) });
    expect(broken).toMatchObject({ ok: false, fallback: { entryCount: 1 } });
    expect(broken.fallback?.fileName).toMatch(/^nightly@datasphere_checkpoints_/);
    expect(broken.advice).toBeUndefined();
    for (const name of await backupNames(dir)) await fs.rm(path.join(dir, 'backup', name));
    const hopeless = await inspectCheckpoint({ ...base, owner: owner(DEV) });
    expect(hopeless.fallback).toBeUndefined();
    expect(hopeless.advice).toContain('`catalog-sync checkpoints rebuild`');
    expect(Object.keys(await snapshotFolder(dir))).toEqual(Object.keys(before).filter((k) => !k.startsWith('backup/nightly')));
  });

  test('a legacy file is reported as such and as not yet owned', async (t) => {
    const dir = await tempDir(t);
    await copyLegacyFixture(dir);
    const report = await inspectCheckpoint({ dir, sourceSystem: 'datasphere', owner: owner(DEV) });
    expect(report).toMatchObject({ ok: true, legacy: true, ownership: 'unrecorded', entryCount: 6 });
    expect(path.basename(report.path)).toBe('datasphere_checkpoints.json');
  });
});
