import fs from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, test } from 'vitest';

import { listBackups, pruneBackups, scanBackups } from '../../src/state/backups.ts';
import { checkpointPaths } from '../../src/state/checkpoint-paths.ts';
import { restoreBackup } from '../../src/state/restore-backup.ts';
import { CheckpointCorruptError } from '../../src/state/state-errors.ts';
import { backupNames, makeEntry, openStore, readJson, tempDir } from './helpers.ts';

const DAY = 24 * 60 * 60 * 1000;

/** A clock the test moves by hand. */
function clock(start = '2026-11-22T17:07:30.123Z') {
  let time = new Date(start).getTime();
  return {
    now: () => new Date(time),
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe('backups', () => {
  test('every write first saves the previous file; the backup holds exactly the previous content', async (t) => {
    const dir = await tempDir(t);
    const c = clock();
    const { store } = await openStore(dir, { now: c.now });
    await store.put(makeEntry(1));
    await store.close(); // first write: nothing to back up
    expect(await backupNames(dir)).toEqual([]);
    const first = await fs.readFile(store.paths.file, 'utf8');

    c.advance(1000);
    await store.put(makeEntry(2));
    await store.close();
    expect(await backupNames(dir)).toEqual(['datasphere_checkpoints_20261122T170731123Z.json']);
    expect(await fs.readFile(path.join(dir, 'backup', 'datasphere_checkpoints_20261122T170731123Z.json'), 'utf8')).toBe(
      first,
    );
    // The backup may be a hard link of the old file, but never of the current one: the write replaced the inode.
    const second = await fs.readFile(store.paths.file, 'utf8');
    expect(second).not.toBe(first);
    const backupStat = await fs.stat(path.join(dir, 'backup', 'datasphere_checkpoints_20261122T170731123Z.json'));
    expect(backupStat.ino).not.toBe((await fs.stat(store.paths.file)).ino);

    c.advance(1000);
    await store.put(makeEntry(3));
    await store.close();
    const names = await backupNames(dir);
    expect(names).toHaveLength(2);
    expect(await fs.readFile(path.join(dir, 'backup', names[1]!), 'utf8')).toBe(second);
  });

  test('two writes in the same millisecond get distinct backup names that still sort by time', async (t) => {
    const dir = await tempDir(t);
    const c = clock();
    const { store } = await openStore(dir, { now: c.now }); // the clock never moves
    for (let i = 0; i < 4; i++) {
      await store.put(makeEntry(i));
      await store.close();
    }
    const names = await backupNames(dir);
    expect(names).toEqual([
      'datasphere_checkpoints_20261122T170730123Z.json',
      'datasphere_checkpoints_20261122T170730123Z_001.json',
      'datasphere_checkpoints_20261122T170730123Z_002.json',
    ]);
    // newest first, and the newest holds the state before the last write (3 entries)
    const listed = await listBackups(dir, 'datasphere');
    expect(listed.map((b) => b.fileName)).toEqual([...names].reverse());
    expect(listed.map((b) => b.entryCount)).toEqual([3, 2, 1]);
  });

  test('retention by count keeps the newest `keep` backups', async (t) => {
    const dir = await tempDir(t);
    const c = clock();
    const { store } = await openStore(dir, { now: c.now, backups: { keep: 3, maxAgeDays: 0 } });
    for (let i = 0; i < 8; i++) {
      c.advance(1000);
      await store.put(makeEntry(i));
      await store.close();
    }
    const listed = await listBackups(dir, 'datasphere');
    expect(listed).toHaveLength(3);
    // 7 backups were made (of the states with 1..7 entries); the newest three survive
    expect(listed.map((b) => b.entryCount)).toEqual([7, 6, 5]);
  });

  test('retention by age drops backups older than maxAgeDays (0 = no age limit)', async (t) => {
    const dir = await tempDir(t);
    const c = clock();
    const { store } = await openStore(dir, { now: c.now, backups: { keep: 100, maxAgeDays: 5 } });
    for (let i = 0; i < 4; i++) {
      c.advance(DAY);
      await store.put(makeEntry(i));
      await store.close();
    }
    expect(await backupNames(dir)).toHaveLength(3); // days 2, 3, 4

    c.advance(10 * DAY); // day 14: all three are older than 5 days
    await store.put(makeEntry(10));
    await store.close(); // makes the day-14 backup, prunes the old ones
    const listed = await listBackups(dir, 'datasphere');
    expect(listed.map((b) => b.createdAt.toISOString())).toEqual([c.now().toISOString()]);

    // with maxAgeDays 0 nothing is dropped for age
    const paths = checkpointPaths(dir, 'datasphere');
    c.advance(1000 * DAY);
    expect(await pruneBackups(paths, { keep: 100, maxAgeDays: 0 }, c.now())).toEqual([]);
    expect(await backupNames(dir)).toHaveLength(1);
  });

  test('never deletes the newest valid backup, whatever the policy says', async (t) => {
    const dir = await tempDir(t);
    const c = clock();
    const { store } = await openStore(dir, { now: c.now, backups: { keep: 100, maxAgeDays: 0 } });
    for (let i = 0; i < 4; i++) {
      c.advance(1000);
      await store.put(makeEntry(i));
      await store.close();
    }
    const paths = checkpointPaths(dir, 'datasphere');
    const [newest, second] = await scanBackups(paths);
    // Damage the newest backup: the newest *valid* one is now the second.
    await fs.writeFile(newest!.path, '{"formatVersion": 1, "entr');

    c.advance(365 * DAY); // everything is far too old
    const deleted = await pruneBackups(paths, { keep: 1, maxAgeDays: 1 }, c.now());
    const left = (await scanBackups(paths)).map((b) => b.path);
    expect(left).toEqual([second!.path]);
    expect(deleted).toContain(newest!.path);
    expect((await listBackups(dir, 'datasphere'))[0]).toMatchObject({ valid: true, entryCount: 2 });
  });

  test('listBackups reports validity and problems, and ignores other source systems', async (t) => {
    const dir = await tempDir(t);
    const c = clock();
    const { store } = await openStore(dir, { now: c.now });
    const { store: other } = await openStore(dir, { now: c.now, sourceSystem: 'glue' });
    for (let i = 0; i < 3; i++) {
      c.advance(1000);
      await store.put(makeEntry(i));
      await store.close();
      await other.put(makeEntry(i, { sourceSystem: 'glue' }));
      await other.close();
    }
    const paths = checkpointPaths(dir, 'datasphere');
    const [, older] = await scanBackups(paths);
    const text = await fs.readFile(older!.path, 'utf8');
    await fs.writeFile(older!.path, text.replace('"syncVersion":1', '"syncVersion":2'));

    const listed = await listBackups(dir, 'datasphere');
    expect(listed).toHaveLength(2);
    expect(listed.every((b) => b.fileName.startsWith('datasphere_checkpoints_'))).toBe(true);
    expect(listed[0]).toMatchObject({ valid: true, problems: [] });
    expect(listed[1]!.valid).toBe(false);
    expect(listed[1]!.problems[0]).toMatch(/^checksum mismatch/);
    expect(listed[0]!.sizeBytes).toBeGreaterThan(0);
  });

  test('restoreBackup puts a chosen backup back and saves the file it replaces', async (t) => {
    const dir = await tempDir(t);
    const c = clock();
    const { store } = await openStore(dir, { now: c.now });
    for (let i = 0; i < 3; i++) {
      c.advance(1000);
      await store.put(makeEntry(i));
      await store.close();
    }
    const oldest = (await listBackups(dir, 'datasphere')).at(-1)!;
    expect(oldest.entryCount).toBe(1);

    c.advance(1000);
    const result = await restoreBackup({ dir, sourceSystem: 'datasphere', backup: oldest.fileName, now: c.now });
    expect(result).toMatchObject({ restoredFrom: oldest.path, entryCount: 1, previous: { valid: true } });
    const { store: reopened } = await openStore(dir);
    expect(reopened.all().map((e) => e.assetId)).toEqual([makeEntry(0).assetId]);
    // the replaced state (3 entries) is now the newest backup, so the restore can be undone
    expect((await listBackups(dir, 'datasphere'))[0]).toMatchObject({ path: result.previous!.path, entryCount: 3 });

    // default: the newest valid backup — here that undoes the restore
    c.advance(1000);
    const latest = await restoreBackup({ dir, sourceSystem: 'datasphere', now: c.now });
    expect(latest).toMatchObject({ restoredFrom: result.previous!.path, entryCount: 3 });
    expect(Object.keys((await readJson(store.paths.file)).entries as object)).toHaveLength(3);
  });

  test('restoreBackup refuses an invalid backup and leaves the current file alone', async (t) => {
    const dir = await tempDir(t);
    const c = clock();
    const { store } = await openStore(dir, { now: c.now });
    for (let i = 0; i < 2; i++) {
      c.advance(1000);
      await store.put(makeEntry(i));
      await store.close();
    }
    const [backup] = await listBackups(dir, 'datasphere');
    await fs.writeFile(backup!.path, (await fs.readFile(backup!.path, 'utf8')).slice(0, 100));
    const before = await fs.readFile(store.paths.file, 'utf8');
    await expect(restoreBackup({ dir, sourceSystem: 'datasphere', backup: backup!.fileName })).rejects.toBeInstanceOf(
      CheckpointCorruptError,
    );
    await expect(restoreBackup({ dir, sourceSystem: 'datasphere' })).rejects.toMatchObject({
      code: 'CHECKPOINT_CORRUPT',
    });
    expect(await fs.readFile(store.paths.file, 'utf8')).toBe(before);
  });
});
