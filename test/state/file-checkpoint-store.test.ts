import fs from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, test } from 'vitest';

import type { CheckpointEntry } from '../../src/catalog/checkpoint.ts';
import { validateCheckpointFile } from '../../src/state/validate-checkpoint-file.ts';
import { backupNames, durableIds, makeEntry, openStore, readJson, tempDir } from './helpers.ts';

describe('FileCheckpointStore', () => {
  test('a missing file is an empty store, and nothing is written until there is a change', async (t) => {
    const dir = await tempDir(t);
    const { store, warnings } = await openStore(dir);
    expect(store.all()).toEqual([]);
    await store.flush();
    await expect(fs.access(store.paths.file)).rejects.toThrow();
    expect(warnings).toEqual([]);
  });

  test('ids with quotes, backslashes and other characters JSON escapes come back whole, from the line-by-line read', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir);
    const ids = ['S/plain', 'S/say "hi"', 'S/back\\slash', 'S/tab\there', 'S/ünïcödé ✓', 'S/\u2028line'];
    for (const [i, assetId] of ids.entries()) await store.put(makeEntry(i, { assetId }));
    await store.close();
    const { store: reopened, warnings } = await openStore(dir);
    expect(warnings).toEqual([]);
    expect(reopened.all().map((e) => e.assetId).sort()).toEqual([...ids].sort());
    for (const assetId of ids) expect(reopened.get(assetId)?.assetId).toBe(assetId);
    expect((await validateCheckpointFile(reopened.paths.file)).ok).toBe(true);
  });

  test('round trip: what was put comes back after a reopen, checksum valid', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir);
    const entries = [
      makeEntry(1),
      makeEntry(2, { validator: 'W/"etag-2"', deprecatedAt: '2026-11-23T08:00:00.000Z', fullWriteBytes: 4096 }),
      makeEntry(3, { target: { database: 'ds_x', table: 't3' }, customProperties: { b: '2', a: '1', '10': 'x' } }),
    ];
    for (const entry of entries) await store.put(entry);
    await store.remove(makeEntry(99).assetId); // unknown id: no change, no error
    await store.flush();

    expect(path.basename(store.paths.file)).toBe('datasphere_checkpoints.json');
    const report = await validateCheckpointFile(store.paths.file);
    expect(report).toMatchObject({ ok: true, entryCount: 3, problems: [] });

    const { store: reopened } = await openStore(dir);
    for (const entry of entries) expect(reopened.get(entry.assetId)).toEqual(entry);
    expect(reopened.all()).toHaveLength(3);
    expect(reopened.get('nope/nope')).toBeUndefined();

    const file = await readJson(store.paths.file);
    expect(file).toMatchObject({ formatVersion: 1, sourceSystem: 'datasphere' });
    expect(file.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(Object.keys(file.entries as object)).toEqual(entries.map((e) => e.assetId).sort());
  });

  test('remove() takes an entry out of memory and, after a flush, out of the file', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir);
    await store.put(makeEntry(1));
    await store.put(makeEntry(2));
    await store.flush();
    await store.remove(makeEntry(1).assetId);
    expect(store.get(makeEntry(1).assetId)).toBeUndefined();
    await store.flush();
    const { store: reopened } = await openStore(dir);
    expect(reopened.all().map((e) => e.assetId)).toEqual([makeEntry(2).assetId]);
  });

  test('a checkpoint from the future keeps its unknown fields through load and save', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir);
    await store.put(makeEntry(1));
    await store.put(makeEntry(2));
    await store.flush();

    // Simulate a newer writer: extra fields at the top, in an entry and nested in it, checksum recomputed.
    const file = await readJson(store.paths.file);
    const entries = file.entries as Record<string, Record<string, unknown>>;
    const future = entries[makeEntry(1).assetId]!;
    future.lineage = { upstream: ['SPACE_1/SRC'], depth: 2 };
    (future.hashes as Record<string, unknown>).semantic = 'abc123';
    (future.target as Record<string, unknown>).catalogId = '123456789012';
    const { emptyDocument, serializeCheckpoint, toStoredEntry } = await import('../../src/state/checkpoint-file.ts');
    const { parseEntry } = await import('../../src/state/checkpoint-schema.ts');
    const document = emptyDocument('datasphere');
    document.extra = { writer: 'catalog-sync 9.0', retention: { days: 400 } };
    for (const value of Object.values(entries)) {
      const parsed = parseEntry(value);
      if (!parsed.ok) throw new Error('fixture entry invalid');
      document.entries.set(parsed.entry.assetId, toStoredEntry(value as unknown as CheckpointEntry, parsed.entry));
    }
    await fs.writeFile(store.paths.file, serializeCheckpoint(document, new Date()));

    // Load, change a *different* entry, save.
    const { store: older, warnings } = await openStore(dir);
    expect(warnings).toEqual([]);
    expect(older.get(makeEntry(1).assetId)).toMatchObject({ lineage: { upstream: ['SPACE_1/SRC'], depth: 2 } });
    await older.put(makeEntry(2, { syncVersion: 2 }));
    await older.close();

    const saved = await readJson(store.paths.file);
    expect(saved.writer).toBe('catalog-sync 9.0');
    expect(saved.retention).toEqual({ days: 400 });
    const kept = (saved.entries as Record<string, Record<string, unknown>>)[makeEntry(1).assetId]!;
    expect(kept.lineage).toEqual({ upstream: ['SPACE_1/SRC'], depth: 2 });
    expect((kept.hashes as Record<string, unknown>).semantic).toBe('abc123');
    expect((kept.target as Record<string, unknown>).catalogId).toBe('123456789012');
    expect((saved.entries as Record<string, CheckpointEntry>)[makeEntry(2).assetId]!.syncVersion).toBe(2);
    expect((await validateCheckpointFile(store.paths.file)).ok).toBe(true);
  });

  test('flushes by itself after flushEvery changes, not before', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir, { flushEvery: 3 });
    await store.put(makeEntry(1));
    await store.put(makeEntry(2));
    await expect(fs.access(store.paths.file)).rejects.toThrow();
    expect(store.pendingChanges).toBe(2);

    await store.put(makeEntry(3)); // the first flush of a new checkpoint writes the snapshot
    const onDisk = await readJson(store.paths.file);
    expect(Object.keys(onDisk.entries as object)).toHaveLength(3);
    expect(store.pendingChanges).toBe(0);

    await store.put(makeEntry(4));
    await store.remove(makeEntry(1).assetId);
    expect(await durableIds(store.paths.file)).toHaveLength(3);
    await store.remove(makeEntry(2).assetId); // third change → flush, into the journal
    expect(await durableIds(store.paths.file)).toEqual([makeEntry(3).assetId, makeEntry(4).assetId].sort());
    expect(store.journalChanges).toBe(3);
    expect(Object.keys((await readJson(store.paths.file)).entries as object)).toHaveLength(3); // snapshot untouched
    await store.close(); // folds the journal into the snapshot and removes it
    expect(Object.keys((await readJson(store.paths.file)).entries as object).sort()).toEqual([makeEntry(3).assetId, makeEntry(4).assetId].sort());
    await expect(fs.access(store.paths.file.replace(/\.json$/, '.journal'))).rejects.toThrow();
  });

  test('flush without changes writes nothing, makes no backup; an identical put is no change', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir);
    await store.put(makeEntry(1));
    await store.flush();
    const before = await fs.stat(store.paths.file);
    const beforeText = await fs.readFile(store.paths.file, 'utf8');

    await store.flush();
    await store.put(makeEntry(1)); // same content, new object
    await store.remove('SPACE_0/missing');
    await store.flush();

    const { store: reopened } = await openStore(dir);
    await reopened.flush();

    const after = await fs.stat(store.paths.file);
    expect(after.ino).toBe(before.ino); // not replaced
    expect(await fs.readFile(store.paths.file, 'utf8')).toBe(beforeText);
    expect(await backupNames(dir)).toEqual([]);
  });

  test('put() during a running flush is neither lost nor interleaved', async (t) => {
    const dir = await tempDir(t);
    // A small journal bound: snapshots are rewritten every few flushes while puts keep coming.
    const { store } = await openStore(dir, { flushEvery: 5, journalMaxChanges: 20 });
    const puts: Promise<void>[] = [];
    // Puts keep arriving while automatic flushes (every 5 changes) are busy with file I/O.
    for (let i = 0; i < 300; i++) {
      puts.push(store.put(makeEntry(i)));
      if (i === 150) puts.push(store.flush());
      if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(puts);
    await store.flush();
    expect(await durableIds(store.paths.file)).toHaveLength(300);
    await store.close();

    const report = await validateCheckpointFile(store.paths.file);
    expect(report).toMatchObject({ ok: true, entryCount: 300 });
    const { store: reopened } = await openStore(dir);
    expect(reopened.all()).toHaveLength(300);
    // Several writes happened, and every one of them produced a complete, valid file that only ever grew:
    // no write saw a half-staged state, none overtook another.
    const { listBackups } = await import('../../src/state/backups.ts');
    const backups = (await listBackups(dir, 'datasphere')).reverse();
    // (How many snapshots that took depends on how the flushes bunched up; at least the final one.)
    expect(backups.length).toBeGreaterThanOrEqual(1);
    expect(backups.every((b) => b.valid)).toBe(true);
    const counts = backups.map((b) => b.entryCount);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  test('get() returns a frozen snapshot: later mutation of the caller’s object does not leak in', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir);
    const entry = makeEntry(1);
    await store.put(entry);
    entry.syncVersion = 42;
    entry.hashes.schema = 'changed';
    entry.customProperties.owner = 'someone else';
    const stored = store.get(entry.assetId)!;
    expect(stored.syncVersion).toBe(1);
    expect(stored.hashes.schema).toBe(makeEntry(1).hashes.schema);
    expect(stored.customProperties.owner).toBe('data-team');
    expect(() => {
      (stored as { syncVersion: number }).syncVersion = 2;
    }).toThrow(TypeError);

    // An explicit `undefined` is stored as JSON would store it: absent, the same before and after a reload.
    await store.put(makeEntry(2, { validator: undefined }));
    expect(Object.keys(store.get(makeEntry(2).assetId)!)).not.toContain('validator');
  });

  test('a failed flush loses nothing: the changes stay staged and the next flush writes them', async (t) => {
    const dir = await tempDir(t);
    const checkpoints = path.join(dir, 'checkpoints');
    const { store } = await openStore(checkpoints, { flushEvery: 2 });
    await store.put(makeEntry(1));
    await store.put(makeEntry(2)); // flushes, creating the folder
    await store.put(makeEntry(3));

    // Make the folder unusable (a plain file in its place), even for root.
    await fs.rename(checkpoints, `${checkpoints}.moved`);
    await fs.writeFile(checkpoints, 'not a folder');
    await expect(store.put(makeEntry(4))).rejects.toThrow();
    await expect(store.flush()).rejects.toThrow();
    expect(store.pendingChanges).toBe(2);

    await fs.rm(checkpoints);
    await fs.rename(`${checkpoints}.moved`, checkpoints);
    await store.flush();
    expect(store.pendingChanges).toBe(0);
    const { store: reopened } = await openStore(checkpoints);
    expect(reopened.size).toBe(4);
  });

  test('put() rejects an invalid entry or one of another source system, and stages nothing', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir, { flushEvery: 1 });
    const bad = { ...makeEntry(1), syncVersion: Number.NaN };
    await expect(store.put(bad)).rejects.toThrow(/syncVersion/);
    await expect(store.put(makeEntry(2, { lastSyncAt: 'yesterday' }))).rejects.toThrow(/lastSyncAt/);
    await expect(store.put(makeEntry(3, { sourceSystem: 'glue' }))).rejects.toThrow(/source system/);
    await expect(store.put(makeEntry(4, { fullWriteBytes: -1 }))).rejects.toThrow(/fullWriteBytes/);
    expect(store.all()).toEqual([]);
    await expect(fs.access(store.paths.file)).rejects.toThrow();
  });

  test('rejects a source system name that is not a safe file name', async (t) => {
    const dir = await tempDir(t);
    await expect(openStore(dir, { sourceSystem: '../etc' })).rejects.toThrow(TypeError);
    await expect(openStore(dir, { flushEvery: 0 })).rejects.toThrow(/flushEvery/);
  });

  test('100k entries: save and load', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir, { flushEvery: 1_000_000 });
    for (let i = 0; i < 100_000; i++) await store.put(makeEntry(i));
    await store.flush();
    const { store: reopened, warnings } = await openStore(dir);
    expect(warnings).toEqual([]);
    expect(reopened.size).toBe(100_000);
    expect(reopened.get(makeEntry(99_999).assetId)).toEqual(makeEntry(99_999));
    expect(reopened.get(makeEntry(0).assetId)).toEqual(makeEntry(0));
  });
});

describe('FileCheckpointStore flush spacing', () => {
  test('with flushIntervalMs, waits for the interval before flushing by itself, and flush() still writes at once', async (t) => {
    const { openCheckpointStore } = await import('../../src/state/file-checkpoint-store.ts');
    const dir = await tempDir(t);
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const store = await openCheckpointStore({
      dir,
      sourceSystem: 'datasphere',
      flushEvery: 1,
      flushIntervalMs: 1000,
      backups: { keep: 5, maxAgeDays: 0 },
      now: () => new Date(clock),
    });
    const onDisk = async () => (await durableIds(store.paths.file)).length;
    await store.put(makeEntry(1)); // first flush: no previous write to space from
    expect(await onDisk()).toBe(1);
    clock += 500;
    await store.put(makeEntry(2));
    expect(await onDisk()).toBe(1);
    clock += 600;
    await store.put(makeEntry(3));
    expect(await onDisk()).toBe(3);
    await store.put(makeEntry(4));
    await store.flush();
    expect(await onDisk()).toBe(4);
  });
});
