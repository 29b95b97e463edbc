import { copyFile, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeFileValidator, encodeFileValidator } from '../../../src/connectors/csn-files/file-validator.ts';
import { openCheckpointStore } from '../../../src/state/file-checkpoint-store.ts';
import type { FileScenario } from '../../support/file-scenario.ts';
import { createFileScenario } from '../../support/file-scenario.ts';

let s: FileScenario;
beforeEach(async () => {
  s = await createFileScenario();
});
afterEach(async () => {
  await s.cleanup();
});

/** Files the source read in a run (the export has five). */
const reads = (summary: { traffic: { source: { byOperation: Record<string, { requests: number }> } } }) =>
  summary.traffic.source.byOperation.readFile?.requests ?? 0;

async function entries() {
  const store = await openCheckpointStore({ dir: s.checkpointDir, sourceSystem: 'datasphere', readOnly: true, flushEvery: 1, backups: { keep: 1, maxAgeDays: 0 } });
  return store.all();
}

describe('csn-files quick check', () => {
  it('an unchanged rerun reads no file: each asset is reported not modified on its file size, time and identity', async () => {
    const first = await s.run();
    expect(reads(first.summary)).toBe(5);
    // Every entry names the file its definition was taken from, with that file's signature.
    for (const entry of await entries()) {
      const validator = decodeFileValidator(entry.validator);
      expect(validator).toBeDefined();
      const info = await stat(path.join(s.exportDir, validator!.file));
      expect(validator!.signature).toEqual({ size: info.size, mtimeMs: info.mtimeMs, dev: info.dev, ino: info.ino });
    }
    const again = await s.run();
    expect(reads(again.summary)).toBe(0);
    expect(again.summary.changes).toMatchObject({ unchanged: first.summary.changes.created, created: 0, modified: 0, deleted: 0 });
    expect(again.summary.traffic.target.writes).toBe(0);
  });

  it('a changed file re-reads only that file; an edit that changes nothing updates the validator and is read once', async () => {
    await s.run();
    await s.editExport('SalesOrders_Model.json', (doc) => {
      doc.definitions.SalesOrders_Model['@EndUserText.label'] = 'Sales Orders (model)';
    });
    const changed = await s.run();
    expect(reads(changed.summary)).toBe(1);
    expect(changed.summary.changes.metadataChanged + changed.summary.changes.modified).toBe(1);
    // The model's export carries copies of everything it uses; those lose to the unread exports they come from,
    // which keep their assets (and their validators).
    const files = Object.fromEntries((await entries()).map((e) => [e.assetId, decodeFileValidator(e.validator)?.file]));
    expect(files).toMatchObject({ 'SALES/SalesOrders': 'SalesOrders.json', 'SALES/SalesOrders_View': 'SalesOrders_View.json', 'SALES/SalesOrders_Model': 'SalesOrders_Model.json' });

    // Saved again, byte for byte the same but with a new time: read once, unchanged, then quiet.
    const file = path.join(s.exportDir, 'SalesOrders.json');
    const later = new Date(Date.now() + 5_000);
    await utimes(file, later, later);
    const touched = await s.run();
    expect(reads(touched.summary)).toBe(1);
    expect(touched.summary.changes.unchanged).toBe(touched.summary.changes.unchanged);
    expect(touched.summary.traffic.target.writes).toBe(0);
    expect(reads((await s.run()).summary)).toBe(0);
  });

  it('a file replaced by another of the same size and time is read: the identity tells them apart', async () => {
    const file = path.join(s.exportDir, 'SalesOrders_View.json');
    const time = new Date('2026-03-01T10:00:00.000Z'); // whole milliseconds, so utimes can give it again exactly
    await utimes(file, time, time);
    await s.run();
    const before = await stat(file);
    // One letter of a label changed: the same size, and the time set back to the old file's.
    const text = await readFile(file, 'utf8');
    const at = text.indexOf('"@EndUserText.label": "') + '"@EndUserText.label": "'.length;
    const edited = text.slice(0, at) + (text[at] === 'Q' ? 'R' : 'Q') + text.slice(at + 1);
    expect(Buffer.byteLength(edited)).toBe(before.size);
    await writeFile(`${file}.new`, edited);
    await utimes(`${file}.new`, before.atime, before.mtime);
    await rename(`${file}.new`, file);
    const after = await stat(file);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    expect(after.ino).not.toBe(before.ino);
    const run = await s.run();
    expect(reads(run.summary)).toBe(1);
    expect(run.summary.changes.unchanged).toBeLessThan((await entries()).length);
  });

  it('--checksum reads every file, whatever its signature says', async () => {
    await s.run();
    const run = await s.run({ checksum: true });
    expect(reads(run.summary)).toBe(5);
    expect(run.summary.traffic.target.writes).toBe(0);
  });

  it('a file gone: every file is read (another export may hold the copy that wins now), and its asset is deleted', async () => {
    const first = await s.run();
    await rm(path.join(s.exportDir, 'SalesOrders_Model.json'));
    const run = await s.run();
    expect(reads(run.summary)).toBe(4);
    expect(run.summary.changes.deleted).toBeGreaterThanOrEqual(1);
    expect(run.summary.changes.deleted + run.summary.changes.unchanged).toBe(first.summary.changes.created);
  });

  it('a new export carrying a copy of an asset whose own export is unchanged does not make that export worth reading', async () => {
    await s.run();
    // SalesOrders_View.json carries a copy of SalesOrders (its dependency); a new export that is a copy of it adds
    // one asset of its own name and repeats the dependency's copy.
    await copyFile(path.join(s.exportDir, 'SalesOrders_View.json'), path.join(s.exportDir, 'Zz_Copy.json'));
    const run = await s.run();
    expect(reads(run.summary)).toBe(1);
    expect(run.summary.status).toBe('ok');
  });
});

describe('csn-files quick check never leaves a definition out', () => {
  it('an asset of an unchanged file that the checkpoint does not hold (a write that died unrecorded) makes the file be read', async () => {
    await s.run();
    const store = await openCheckpointStore({ dir: s.checkpointDir, sourceSystem: 'datasphere', flushEvery: 1, backups: { keep: 1, maxAgeDays: 0 } });
    // BusinessPartners has no export of its own: its definition comes from Addresses_Location.json, with that asset's.
    expect(decodeFileValidator(store.get('SALES/BusinessPartners')?.validator)?.file).toBe('Addresses_Location.json');
    await store.remove('SALES/BusinessPartners');
    await store.close();
    const run = await s.run();
    expect(reads(run.summary)).toBe(1);
    expect(run.summary.changes).toMatchObject({ created: 1, unchanged: 5 });
    // The table is there already, with the hashes: recorded, not written again.
    expect(run.summary.traffic.target.writes).toBe(0);
    expect((await entries()).map((e) => e.assetId)).toContain('SALES/BusinessPartners');
    expect(reads((await s.run()).summary)).toBe(0);
  });

  it('a definition that fails is reported by every run, not only the one that first read its file', async () => {
    await writeFile(
      path.join(s.exportDir, 'Broken.json'),
      JSON.stringify({ definitions: { Broken: { kind: 'entity', elements: { A: 5 } } } }), // an element that is no object: the asset fails
    );
    const first = await s.run();
    expect(first.summary.failed.map((f) => f.assetId)).toContain('SALES/Broken');
    const again = await s.run();
    expect(again.summary.failed.map((f) => f.assetId)).toContain('SALES/Broken');
    expect(reads(again.summary)).toBe(1);
  });
});

describe('file validators', () => {
  it('round-trip any path, and refuse what is not theirs', () => {
    const signature = { size: 12, mtimeMs: 1764000000123.456, dev: 2049, ino: 98765 };
    for (const file of ['a.json', 'SPACE/x:y.json', 'deep/er/ü 1.json']) expect(decodeFileValidator(encodeFileValidator(file, signature, 3))).toEqual({ file, signature, definitions: 3 });
    for (const other of [undefined, '', 'W/"etag"', '{"f":"csn"}', 'csn-file:2:1:2:3:4:', 'csn-file:2:x:2:3:4:5:a.json', 'csn-file:1:1:2:3:4:a.json', 'csn-file:3:1:2:3:4:5:a.json']) {
      expect(decodeFileValidator(other)).toBeUndefined();
    }
  });
});
