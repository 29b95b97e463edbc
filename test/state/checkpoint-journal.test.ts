import fs from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, test } from 'vitest';

import { journalPathFor, parseJournal } from '../../src/state/checkpoint-journal.ts';
import { readSnapshotFile } from '../../src/state/read-snapshot.ts';
import { CheckpointJournalCorruptError } from '../../src/state/state-errors.ts';
import { validateCheckpointFile } from '../../src/state/validate-checkpoint-file.ts';
import { backupNames, durableIds, makeEntry, openStore, readJson, spawnFixture, tempDir, waitForExit, waitForOutput } from './helpers.ts';

const ids = (n: number[]) => n.map((i) => makeEntry(i).assetId).sort();

/** A checkpoint with a snapshot of entries 0..2 and, in its journal, a put of 3, a changed 1 and the removal of 0. */
async function withJournal(dir: string) {
  const { store } = await openStore(dir, { flushEvery: 1_000_000 });
  for (const i of [0, 1, 2]) await store.put(makeEntry(i));
  await store.flush(); // the first flush of a new checkpoint: the snapshot
  await store.put(makeEntry(3));
  await store.flush();
  await store.put(makeEntry(1, { syncVersion: 7 }));
  await store.remove(makeEntry(0).assetId);
  await store.flush();
  return { store, journal: journalPathFor(store.paths.file) };
}

describe('checkpoint journal', () => {
  test('flushes append to the journal and leave the snapshot alone; a reopen replays them; close folds them in', async (t) => {
    const dir = await tempDir(t);
    const { store, journal } = await withJournal(dir);
    const snapshot = await readJson(store.paths.file);
    expect(Object.keys(snapshot.entries as object).sort()).toEqual(ids([0, 1, 2]));
    expect(store.journalChanges).toBe(3);
    const lines = (await fs.readFile(journal, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(4); // header + 3 changes
    for (const line of lines) expect(line).toMatch(/^[0-9a-f]{16} \{/);
    expect(JSON.parse(lines[0]!.slice(17))).toMatchObject({ journal: 1, sourceSystem: 'datasphere', snapshot: { checksum: snapshot.checksum, updatedAt: snapshot.updatedAt } });

    const { store: reopened } = await openStore(dir);
    expect(reopened.all().map((e) => e.assetId).sort()).toEqual(ids([1, 2, 3]));
    expect(reopened.get(makeEntry(1).assetId)?.syncVersion).toBe(7);
    expect(reopened.journalChanges).toBe(3);

    // A reopened store continues the same journal, then close() rewrites the snapshot (with a backup) and drops it.
    await reopened.put(makeEntry(4));
    await reopened.flush();
    expect((await fs.readFile(journal, 'utf8')).trimEnd().split('\n')).toHaveLength(5);
    await reopened.close();
    await expect(fs.access(journal)).rejects.toThrow();
    const after = await readJson(store.paths.file);
    expect(Object.keys(after.entries as object).sort()).toEqual(ids([1, 2, 3, 4]));
    expect(await backupNames(dir)).toHaveLength(1);
    expect((await validateCheckpointFile(store.paths.file)).ok).toBe(true);
    // Nothing left to fold in: closing again writes nothing.
    const stat = await fs.stat(store.paths.file);
    await reopened.close();
    expect((await fs.stat(store.paths.file)).ino).toBe(stat.ino);
  });

  test('a torn last line (a crash mid-append) is ignored, and cut off before the next append', async (t) => {
    const dir = await tempDir(t);
    const { journal } = await withJournal(dir);
    const good = await fs.readFile(journal);
    for (const tail of ['0123456789abcdef {"put":{"assetId":"SP', 'garbage without a line end', '\u0000\u0000\u0000\u0000', 'ffffffffffffffff {"remove":"SPACE_2/ASSET_2"}\n']) {
      await fs.writeFile(journal, Buffer.concat([good, Buffer.from(tail)]));
      const { store, warnings } = await openStore(dir);
      expect(warnings).toEqual([]);
      expect(store.all().map((e) => e.assetId).sort()).toEqual(ids([1, 2, 3]));
      await store.put(makeEntry(5));
      await store.flush();
      const text = await fs.readFile(journal, 'utf8');
      expect(text.startsWith(good.toString())).toBe(true);
      expect(text.slice(good.length)).toMatch(/^[0-9a-f]{16} \{"put":\{"assetId":"SPACE_5\/ASSET_5".*\}\n$/);
      expect(await durableIds(path.join(dir, 'datasphere_checkpoints.json'))).toEqual(ids([1, 2, 3, 5]));
      await fs.writeFile(journal, good);
    }
  });

  test('a damaged line with good lines after it is an error naming the line and the way out, for reading and writing opens', async (t) => {
    const dir = await tempDir(t);
    const { journal, store } = await withJournal(dir);
    const lines = (await fs.readFile(journal, 'utf8')).split('\n');
    const edited = lines[1]!.replace('"syncVersion":1', '"syncVersion":9'); // the put of entry 3, edited: its checksum fails
    expect(edited).not.toBe(lines[1]);
    lines[1] = edited;
    await fs.writeFile(journal, lines.join('\n'));
    for (const readOnly of [false, true]) {
      const error = await openStore(dir, { readOnly }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CheckpointJournalCorruptError);
      expect(error).toMatchObject({ code: 'CHECKPOINT_JOURNAL_CORRUPT', line: 2, path: journal, reason: 'checksum mismatch' });
      expect((error as Error).message).toContain(`mv ${journal} ${journal}.damaged`);
    }
    // `checkpoints validate` says so; the snapshot itself is intact, and the documented recovery works: the journal
    // moved aside, the snapshot serves.
    const report = await validateCheckpointFile(store.paths.file);
    expect(report).toMatchObject({ ok: false, journal: { state: 'corrupt' } });
    expect(report.problems[0]).toMatch(/damaged at line 2/);
    expect(await readSnapshotFile(store.paths.file)).toMatchObject({ exists: true, ok: true, entryCount: 3 });
    await fs.rename(journal, `${journal}.damaged`);
    const { store: recovered } = await openStore(dir);
    expect(recovered.all().map((e) => e.assetId).sort()).toEqual(ids([0, 1, 2]));
  });

  test('a journal whose snapshot has been replaced is stale: ignored, never replayed onto the newer snapshot', async (t) => {
    const dir = await tempDir(t);
    const { store, journal } = await withJournal(dir);
    const old = await fs.readFile(journal);
    await store.put(makeEntry(1, { syncVersion: 8 }));
    await store.close(); // new snapshot: entry 1 at version 8; the journal (1 at version 7, 0 removed) is gone
    // A crash between the snapshot's rename and the journal's removal leaves exactly this:
    await fs.writeFile(journal, old);
    const { store: reopened } = await openStore(dir);
    expect(reopened.get(makeEntry(1).assetId)?.syncVersion).toBe(8);
    expect(reopened.all().map((e) => e.assetId).sort()).toEqual(ids([1, 2, 3]));
    expect(reopened.journalChanges).toBe(0);
    // The next append starts a fresh journal bound to the current snapshot; the stale lines are gone with it.
    await reopened.put(makeEntry(6));
    await reopened.flush();
    const parsed = parseJournal(await fs.readFile(journal));
    expect(parsed.state === 'ok' && parsed.ops).toEqual([{ put: expect.objectContaining({ assetId: makeEntry(6).assetId }) }]);
    // A deleted snapshot (the documented way to start over) makes any journal stale as well.
    await fs.rm(store.paths.file);
    const { store: fresh } = await openStore(dir);
    expect(fresh.all()).toEqual([]);
  });

  test('a store killed with SIGKILL at random moments loses no flush it reported durable', { timeout: 180_000 }, async (t) => {
    const dir = await tempDir(t);
    const entries = 40;
    let sawSnapshotRewrite = false;
    let generations: number[] = [];
    for (let round = 0; round < 8; round++) {
      const child = spawnFixture('journal-loop.ts', [dir, String(entries)]);
      const exited = waitForExit(child);
      await waitForOutput(child, 'flushed');
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 400));
      child.kill('SIGKILL');
      const { signal, stdout } = await exited;
      expect(signal).toBe('SIGKILL');
      expect(stdout).not.toContain('warning');
      generations = expectDurable(await openStore(dir), stdout, entries, generations);
      sawSnapshotRewrite ||= (await backupNames(dir)).length > 0;
    }
    // The journal bound is small: the kills also fell on a run that had rewritten the snapshot.
    expect(sawSnapshotRewrite).toBe(true);
  });

  test('killed between the new snapshot and the removal of the journal it replaces: nothing lost, nothing replayed twice', { timeout: 60_000 }, async (t) => {
    const dir = await tempDir(t);
    const entries = 12;
    const child = spawnFixture('journal-loop.ts', [dir, String(entries), 'pause-in-place']);
    const exited = waitForExit(child);
    await waitForOutput(child, 'in-place');
    child.kill('SIGKILL');
    const { signal, stdout } = await exited;
    expect(signal).toBe('SIGKILL');
    // Both files are there: the new snapshot and the journal that still names the one before it.
    const journal = journalPathFor(path.join(dir, 'datasphere_checkpoints.json'));
    const parsed = parseJournal(await fs.readFile(journal));
    expect(parsed.state).toBe('ok');
    const snapshot = await readJson(path.join(dir, 'datasphere_checkpoints.json'));
    expect(parsed.state === 'ok' && parsed.header.snapshot.checksum).not.toBe(snapshot.checksum);
    expectDurable(await openStore(dir), stdout, entries);
  });
});

/**
 * What the kill may not have lost: after `flushed <g> <k>` the first k entries are at generation g or later, and an
 * entry no flush of this round reached is still at least where the previous round left it. Nothing is missing or
 * ahead of what was being written. Returns each entry's generation, for the next round.
 */
function expectDurable(opened: Awaited<ReturnType<typeof openStore>>, stdout: string, entries: number, before: number[] = []): number[] {
  const { store, warnings } = opened;
  expect(warnings).toEqual([]);
  const atLeast = Array.from({ length: entries }, (_, i) => before[i] ?? 0);
  let highest = 0;
  for (const m of stdout.matchAll(/flushed (\d+) (\d+)/g)) {
    const [generation, done] = [Number(m[1]), Number(m[2])];
    highest = Math.max(highest, generation);
    for (let i = 0; i < done; i++) atLeast[i] = Math.max(atLeast[i]!, generation);
  }
  expect(store.size).toBe(entries);
  const now: number[] = [];
  for (let i = 0; i < entries; i++) {
    const got = Number(store.get(makeEntry(i).assetId)!.customProperties.generation);
    expect({ i, got, ok: got >= atLeast[i]! && got <= highest + 1 }).toEqual({ i, got, ok: true });
    now.push(got);
  }
  return now;
}
