import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsnFilesSource } from '../../src/connectors/csn-files/csn-files-source.ts';
import { FileTarget } from '../../src/connectors/file/file-target.ts';
import { runSync } from '../../src/engine/run-sync.ts';
import { silentLogger } from '../../src/engine/engine-logger.ts';
import { loadMapping } from '../../src/mapping/load-mapping.ts';
import { openCheckpointStore } from '../../src/state/file-checkpoint-store.ts';
import { baseOptions, exampleExport } from '../support/file-scenario.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'extract-progress-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('extract progress', () => {
  it('reports reading the source from 0 to all of it (an export is read once, while its spaces are listed)', async () => {
    const checkpoints = await openCheckpointStore({ dir: path.join(root, 'checkpoints'), sourceSystem: 'datasphere', flushEvery: 10, backups: { keep: 5, maxAgeDays: 0 } });
    const target = new FileTarget({ path: path.join(root, 'target'), databasePrefix: 'ds_', job: 'catalog-sync', mapping: await loadMapping() });
    const source = new CsnFilesSource({ path: exampleExport, space: 'SALES' });
    const calls: [number, number, string][] = [];
    await runSync(
      { ...baseOptions, planOnly: true },
      { source, target, checkpoints, logger: silentLogger, onExtractProgress: (done, total, space) => calls.push([done, total, space]) },
    );
    // The example export holds five CSN files. The files name their spaces inside, so they are read while the
    // spaces are listed (reported under no space), and each space is then served from that one reading.
    expect(calls[0]).toEqual([0, 5, '']);
    expect(calls.at(-1)).toEqual([5, 5, '']);
    expect(calls.map(([done]) => done)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
