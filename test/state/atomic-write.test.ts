import fs from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, test } from 'vitest';

import { removeStaleTempFiles, writeFileAtomic } from '../../src/state/atomic-write.ts';
import { validateCheckpointFile } from '../../src/state/validate-checkpoint-file.ts';
import { openStore, spawnFixture, tempDir, waitForExit, waitForOutput } from './helpers.ts';

describe('atomic write', () => {
  test('replaces the content and leaves no temp file behind', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, ['t', Buffer.from('w'), 'o']);
    expect(await fs.readFile(file, 'utf8')).toBe('two');
    expect(await fs.readdir(dir)).toEqual(['a.json']);
  });

  test('a failed write leaves the old file and cleans up its temp file', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'a.json');
    await writeFileAtomic(file, 'old');
    function* failing() {
      yield 'new content, half';
      throw new Error('disk on fire');
    }
    await expect(writeFileAtomic(file, failing())).rejects.toThrow('disk on fire');
    expect(await fs.readFile(file, 'utf8')).toBe('old');
    expect(await fs.readdir(dir)).toEqual(['a.json']);
  });

  test('stale temp files of dead processes are removed, those of live ones kept', async (t) => {
    const dir = await tempDir(t);
    const dead = path.join(dir, '.x.json.999999999.abcdef.tmp'); // no such pid
    const live = path.join(dir, `.x.json.${process.pid}.abcdef.tmp`);
    await fs.writeFile(dead, '');
    await fs.writeFile(live, '');
    expect(await removeStaleTempFiles(dir, 'x.json')).toEqual([path.basename(dead)]);
    expect((await fs.readdir(dir)).sort()).toEqual([path.basename(live)]);
  });

  test('a writer killed with SIGKILL at random moments always leaves a complete, valid file', { timeout: 180_000 }, async (t) => {
    const dir = await tempDir(t);
    const entries = 200; // ~6 MB (see the fixture): each write takes long enough to be hit mid-way
    let lastGeneration = 0;
    for (let round = 0; round < 6; round++) {
      const child = spawnFixture('write-loop.ts', [dir, String(entries)]);
      const exited = waitForExit(child);
      await waitForOutput(child, 'flushed');
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 150));
      child.kill('SIGKILL');
      const { signal, stdout } = await exited;
      expect(signal).toBe('SIGKILL');
      expect(stdout).not.toContain('warning');

      const file = path.join(dir, 'datasphere_checkpoints.json');
      const report = await validateCheckpointFile(file);
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, entryCount: entries });

      // Never older than a flush the child had reported as done. The snapshot holds one generation (old file or
      // new, never a mix); the journal beside it may end in part of the batch the kill interrupted — each of those
      // lines a complete entry — so at most the next generation shows up as well.
      const { store, warnings } = await openStore(dir);
      expect(warnings).toEqual([]);
      const generations = [...new Set(store.all().map((e) => Number(e.customProperties.generation)))].sort((a, b) => a - b);
      expect(generations.length).toBeLessThanOrEqual(2);
      if (generations.length === 2) expect(generations[1]! - generations[0]!).toBe(1);
      const generation = generations[0]!;
      const reported = Math.max(...[...stdout.matchAll(/flushed (\d+)/g)].map((m) => Number(m[1])));
      expect(generation).toBeGreaterThanOrEqual(reported);
      expect(generation).toBeGreaterThan(lastGeneration);
      lastGeneration = generations.at(-1)!;
    }
    // Opening the store cleared the temp files the killed writers left behind.
    expect((await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
