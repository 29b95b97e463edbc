import fs from 'node:fs/promises';

import { describe, expect, test } from 'vitest';

import type { CheckpointEntry } from '../../src/catalog/checkpoint.ts';
import { LazyStoredEntry, emptyDocument, serializeCheckpoint, toStoredEntry } from '../../src/state/checkpoint-file.ts';
import { parseEntry } from '../../src/state/checkpoint-schema.ts';
import { readSnapshotFile } from '../../src/state/read-snapshot.ts';
import type { FileCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import type { CheckpointEvent } from '../../src/state/file-checkpoint-store.ts';
import { makeEntry, openStore, tempDir } from './helpers.ts';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const now = () => NOW;

/** Entries copied by each snapshot written, as the store reports them. */
function copiedCounts(): { counts: number[]; onEvent: (event: CheckpointEvent) => void } {
  const counts: number[] = [];
  return { counts, onEvent: (event) => event.type === 'snapshot-in-place' && counts.push(event.copied) };
}

/** What a full serialisation of the store's entries gives: the file a copying write must reproduce byte for byte. */
function expectedText(store: FileCheckpointStore): string {
  const document = emptyDocument('datasphere');
  for (const entry of store.all()) {
    const parsed = parseEntry(entry);
    if (!parsed.ok) throw new Error('invalid entry');
    document.entries.set(entry.assetId, toStoredEntry(entry, parsed.entry));
  }
  return serializeCheckpoint(document, NOW);
}

/** Entries whose ids sort in interesting places, one with characters that take two and four bytes in UTF-8. */
function entries(n: number): CheckpointEntry[] {
  const list = Array.from({ length: n }, (_, i) => makeEntry(i));
  list.push(makeEntry(n, { assetId: 'SPACE_Ü/TÄBLE_😀', target: { database: 'ds_space_u', table: 'table_u', version: '1' } }));
  return list;
}

/** How many entries of the file, read as a store reads it, know where their text sits in it. */
async function placed(store: FileCheckpointStore): Promise<number> {
  const read = await readSnapshotFile(store.paths.file, 'datasphere');
  if (!read.exists || !read.ok) throw new Error('unreadable');
  return [...read.document.entries.values()].filter((e) => e instanceof LazyStoredEntry && e.source !== undefined).length;
}

describe('a snapshot written by copying the unchanged entries from the file they were read from', () => {
  test('is byte for byte the file a full serialisation writes, through changes at the start, middle and end, across runs', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir, { now, flushEvery: 1_000_000 });
    for (const entry of entries(300)) await store.put(entry);
    await store.close();
    expect(await fs.readFile(store.paths.file, 'utf8')).toBe(expectedText(store));
    // Every entry read back knows its place in the file (non-ASCII ids included).
    expect(await placed(store)).toBe(301);

    // Next run: a few changes, an added entry sorting first, one sorting last, removals (the first entry among them).
    const events = copiedCounts();
    const { store: run } = await openStore(dir, { now, flushEvery: 1_000_000, onEvent: events.onEvent });
    const ids = run.all().map((e) => e.assetId).sort();
    await run.remove(ids[0]!);
    await run.remove(ids[150]!);
    await run.put({ ...run.get(ids[1]!)!, syncVersion: 2 });
    await run.put({ ...run.get(ids[77]!)!, customProperties: { owner: 'someone else' } });
    await run.put({ ...run.get(ids.at(-1)!)!, syncVersion: 9 });
    await run.put(makeEntry(1000, { assetId: '0_FIRST/ASSET' }));
    await run.put(makeEntry(1001, { assetId: 'ZZZ/LAST' }));
    const before = (await fs.stat(run.paths.file)).ino;
    await run.close();
    expect((await fs.stat(run.paths.file)).ino).not.toBe(before);
    expect(await fs.readFile(run.paths.file, 'utf8')).toBe(expectedText(run));

    // The same store, changed again: its entries now point into the file it just wrote.
    await run.put({ ...run.get(ids[200]!)!, syncVersion: 3 });
    await run.close();
    expect(await fs.readFile(run.paths.file, 'utf8')).toBe(expectedText(run));
    // 301 read, 2 removed, 3 changed, 2 added: 296 copied; then all but the one changed.
    expect(events.counts).toEqual([296, 300]);

    const { store: reread } = await openStore(dir, { now });
    expect(reread.size).toBe(301 - 2 + 2);
    expect(reread.get(ids[200]!)?.syncVersion).toBe(3);
    expect(reread.get(ids[0]!)).toBeUndefined();
    expect(reread.get('ZZZ/LAST')?.assetId).toBe('ZZZ/LAST');
  });

  test('a file replaced behind the store (another inode) is not copied from: the entries are serialised', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir, { now, flushEvery: 1_000_000 });
    for (const entry of entries(50)) await store.put(entry);
    await store.close();
    const events = copiedCounts();
    const { store: run } = await openStore(dir, { now, flushEvery: 1_000_000, onEvent: events.onEvent });
    // Someone swaps in a file of the same size whose entries' text is not what this store read.
    const text = await fs.readFile(run.paths.file, 'utf8');
    const tampered = text.replaceAll('"data-team"', '"DATA-TEAM"');
    await fs.rm(run.paths.file);
    await fs.writeFile(run.paths.file, tampered);
    await run.put({ ...run.get(makeEntry(3).assetId)!, syncVersion: 2 });
    await run.close();
    const written = await fs.readFile(run.paths.file, 'utf8');
    expect(written).toBe(expectedText(run));
    expect(written).not.toContain('DATA-TEAM');
    expect(events.counts).toEqual([0]);
  });

  test('a gzip snapshot is read and rewritten whole; plain again, the next write copies', async (t) => {
    const dir = await tempDir(t);
    const { store } = await openStore(dir, { now, compression: 'gzip', flushEvery: 1_000_000 });
    for (const entry of entries(40)) await store.put(entry);
    await store.close();
    expect(await placed(store)).toBe(0);
    const { store: plain } = await openStore(dir, { now, flushEvery: 1_000_000 });
    await plain.put({ ...plain.get(makeEntry(5).assetId)!, syncVersion: 2 });
    await plain.close();
    expect(await fs.readFile(plain.paths.file, 'utf8')).toBe(expectedText(plain));
    expect(await placed(plain)).toBe(41);
    // From plain to gzip: the copied bytes go through gzip, and the result reads back whole.
    const { store: zipped } = await openStore(dir, { now, compression: 'gzip', flushEvery: 1_000_000 });
    await zipped.put({ ...zipped.get(makeEntry(6).assetId)!, syncVersion: 2 });
    await zipped.close();
    const back = await readSnapshotFile(zipped.paths.file, 'datasphere');
    expect(back.exists && back.ok && back.document.entries.get(makeEntry(6).assetId)?.entry.syncVersion).toBe(2);
    expect(back.exists && back.ok && back.document.entries.size).toBe(41);
  });
});
