import fs from 'node:fs/promises';

import { describe, expect, test } from 'vitest';

import { listBackups } from '../../src/state/backups.ts';
import { readCheckpointFile } from '../../src/state/checkpoint-file.ts';
import { validateCheckpointFile } from '../../src/state/validate-checkpoint-file.ts';
import { makeEntry, openStore, tempDir } from './helpers.ts';

const isGzip = async (file: string) => {
  const head = (await fs.readFile(file)).subarray(0, 2);
  return head[0] === 0x1f && head[1] === 0x8b;
};

describe('checkpoint compression', () => {
  test('a gzip snapshot is read transparently whatever the setting, journal and backups included', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir, { compression: 'gzip' });
    for (let i = 0; i < 2000; i++) await store.put(makeEntry(i));
    await store.close();
    expect(await isGzip(store.paths.file)).toBe(true);
    const gzipBytes = (await fs.stat(store.paths.file)).size;

    // Another setting reads it, and appends a journal onto it.
    const { store: plain, warnings } = await openStore(dir, { compression: 'none' });
    expect(warnings).toEqual([]);
    expect(plain.size).toBe(2000);
    expect(plain.get(makeEntry(1999).assetId)).toEqual(makeEntry(1999));
    await plain.put(makeEntry(1, { syncVersion: 5 }));
    await plain.flush();
    const replayed = await readCheckpointFile(store.paths.file, 'datasphere');
    expect(replayed.exists && replayed.ok && replayed.document.entries.get(makeEntry(1).assetId)?.entry.syncVersion).toBe(5);
    expect(await validateCheckpointFile(store.paths.file)).toMatchObject({ ok: true, compressed: true, entryCount: 2000, journal: { state: 'replayed', pending: 1 } });

    // Closing under `none` writes plain JSON; the gzip file it replaces is the backup, still valid and readable.
    await plain.close();
    expect(await isGzip(store.paths.file)).toBe(false);
    const plainBytes = (await fs.stat(store.paths.file)).size;
    expect(gzipBytes).toBeLessThan(plainBytes / 4);
    const backups = await listBackups(dir, 'datasphere'); // newest first
    expect(backups[0]).toMatchObject({ valid: true, entryCount: 2000 });
    expect(await isGzip(backups[0]!.path)).toBe(true);
  });

  test('a damaged gzip file is corruption like any other: the newest valid backup takes over', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir, { compression: 'gzip' });
    await store.put(makeEntry(1));
    await store.close();
    await store.put(makeEntry(2));
    await store.close(); // the first snapshot is now the backup
    const bytes = await fs.readFile(store.paths.file);
    await fs.writeFile(store.paths.file, bytes.subarray(0, bytes.length - 12)); // cut: the gzip trailer is gone
    const report = await validateCheckpointFile(store.paths.file);
    expect(report.ok).toBe(false);
    const { store: recovered, warnings } = await openStore(dir, { compression: 'gzip' });
    expect(warnings.join('\n')).toMatch(/is corrupt/);
    expect(recovered.all().map((e) => e.assetId)).toEqual([makeEntry(1).assetId]);
  });
});
