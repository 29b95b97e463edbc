import fs from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, onTestFinished, test } from 'vitest';

import { flushOnSignals } from '../../src/state/signal-flush.ts';
import { validateCheckpointFile } from '../../src/state/validate-checkpoint-file.ts';
import { spawnFixture, tempDir, waitForExit, waitForOutput } from './helpers.ts';

describe('flushOnSignals', () => {
  test.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s: staged entries are flushed, then the process exits with %i', async (signal, code) => {
    const dir = await tempDir({ onTestFinished });
    const child = spawnFixture('signal-child.ts', [dir, '25']);
    const exited = waitForExit(child);
    await waitForOutput(child, 'ready');
    const file = path.join(dir, 'datasphere_checkpoints.json');
    await expect(fs.access(file)).rejects.toThrow(); // nothing flushed yet
    child.kill(signal);
    const result = await exited;
    expect(result.stdout).toContain(`got ${signal}`);
    expect(result.code).toBe(code);
    expect(await validateCheckpointFile(file)).toMatchObject({ ok: true, entryCount: 25 });
  });

  test('in-process: flushes before exit, a second signal exits at once, unregister removes the listeners', async () => {
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    const events: string[] = [];
    let release!: () => void;
    const store = {
      flush: () =>
        new Promise<void>((resolve) => {
          events.push('flush started');
          release = () => {
            events.push('flush done');
            resolve();
          };
        }),
    };
    const unregister = flushOnSignals(store, {
      onSignal: (s) => events.push(`signal ${s}`),
      exit: (c) => events.push(`exit ${c}`),
    });
    expect(process.listenerCount('SIGINT')).toBe(before.int + 1);
    try {
      process.emit('SIGTERM');
      expect(events).toEqual(['signal SIGTERM', 'flush started']); // no exit before the flush is done
      process.emit('SIGINT');
      expect(events.at(-1)).toBe('exit 130'); // impatient second signal
      release();
      await new Promise((resolve) => setImmediate(resolve));
      expect(events.slice(-2)).toEqual(['flush done', 'exit 143']);
    } finally {
      unregister();
    }
    expect(process.listenerCount('SIGINT')).toBe(before.int);
    expect(process.listenerCount('SIGTERM')).toBe(before.term);
  });

  test('a failing flush is reported and the process still exits', async () => {
    const events: string[] = [];
    const unregister = flushOnSignals(
      { flush: () => Promise.reject(new Error('disk full')) },
      { onError: (e) => events.push(`error ${(e as Error).message}`), exit: (c) => events.push(`exit ${c}`) },
    );
    try {
      process.emit('SIGINT');
      await new Promise((resolve) => setImmediate(resolve));
      expect(events).toEqual(['error disk full', 'exit 130']);
    } finally {
      unregister();
    }
  });
});
