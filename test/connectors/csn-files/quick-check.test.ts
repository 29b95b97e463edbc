import { copyFile, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsnFilesSource } from '../../../src/connectors/csn-files/csn-files-source.ts';
import { contentDigest, decodeFileValidator, encodeFileValidator } from '../../../src/connectors/csn-files/file-validator.ts';
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
    const digest = contentDigest(Buffer.from('{"definitions":{}}'));
    expect(digest).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (const file of ['a.json', 'SPACE/x:y.json', 'deep/er/ü 1.json']) {
      expect(decodeFileValidator(encodeFileValidator(file, signature, 3, digest))).toEqual({ file, signature, definitions: 3, digest });
    }
    for (const other of [
      undefined,
      '',
      'W/"etag"',
      '{"f":"csn"}',
      'csn-file:2:1:2:3:4:',
      'csn-file:2:x:2:3:4:5:a.json',
      'csn-file:1:1:2:3:4:a.json',
      'csn-file:3:1:2:3:4:5:a.json', // no digest
      'csn-file:3:1:2:3:4:5:short:a.json',
      `csn-file:3:1:2:3:4:5:${digest}:`,
    ]) {
      expect(decodeFileValidator(other)).toBeUndefined();
    }
  });

  it('understand the earlier form, without a digest', () => {
    expect(decodeFileValidator('csn-file:2:12:1764000000123.456:2049:98765:3:SPACE/x:y.json')).toEqual({
      file: 'SPACE/x:y.json',
      signature: { size: 12, mtimeMs: 1764000000123.456, dev: 2049, ino: 98765 },
      definitions: 3,
    });
  });
});

describe('csn-files content check (the same bytes under a new signature)', () => {
  /** Writes every export file again with the bytes it had: new times, new inodes, as a fresh export or checkout makes. */
  async function rewriteAll(): Promise<void> {
    for (const name of await readdir(s.exportDir)) {
      const file = path.join(s.exportDir, name);
      await writeFile(`${file}.new`, await readFile(file));
      await rename(`${file}.new`, file);
    }
  }

  async function extractAll(options: { checksum?: boolean } = {}) {
    const known = new Map((await entries()).map((e) => [e.assetId, { validator: e.validator }]));
    const source = new CsnFilesSource({ path: s.exportDir, space: 'SALES' });
    const spaces = await source.listSpaces({ known, ...options });
    const items = [];
    for (const space of spaces) items.push(...(await source.extractSpace(space, { known, ...options })).items);
    // The assets whose files were parsed (the rest came back not modified).
    const parsed = items.flatMap((item) => (item.state === 'extracted' ? [item.asset.id] : []));
    return { items, parsed, reads: source.traffic().byOperation.readFile?.requests ?? 0 };
  }

  it('an export written again reads every file and parses none: its assets come as not modified, with the new signatures', async () => {
    const first = await s.run();
    const before = new Map((await entries()).map((e) => [e.assetId, decodeFileValidator(e.validator)!]));
    await rewriteAll();
    const { items, reads: read } = await extractAll();
    expect(read).toBe(5);
    expect(items.length).toBe(first.summary.changes.created);
    expect(items.every((item) => item.state === 'not-modified')).toBe(true);
    for (const item of items) {
      const now = decodeFileValidator(item.validator)!;
      const was = before.get(item.state === 'not-modified' ? item.assetId : item.asset.id)!;
      const info = await stat(path.join(s.exportDir, now.file));
      expect(now).toEqual({ ...was, signature: { size: info.size, mtimeMs: info.mtimeMs, dev: info.dev, ino: info.ino } });
      expect(now.signature.ino).not.toBe(was.signature.ino);
    }

    // Through a run: nothing written, the new signatures recorded, and the next run reads nothing.
    const run = await s.run();
    expect(reads(run.summary)).toBe(5);
    expect(run.summary.changes).toMatchObject({ unchanged: first.summary.changes.created, created: 0, modified: 0, deleted: 0 });
    expect(run.summary.traffic.target.writes).toBe(0);
    expect(reads((await s.run()).summary)).toBe(0);
  });

  it('--checksum reads every file and parses only those whose bytes differ', async () => {
    await s.run();
    await s.editExport('SalesOrders_Model.json', (doc) => {
      doc.definitions.SalesOrders_Model['@EndUserText.label'] = 'Sales Orders (model)';
    });
    const { parsed, reads: read } = await extractAll({ checksum: true });
    expect(read).toBe(5);
    // The edited export is parsed (its own asset and the copies it carries lose to their own unread exports).
    expect(parsed).toEqual(['SALES/SalesOrders_Model']);
  });

  it('a file whose checkpoint lacks one of its definitions is parsed, however equal its bytes', async () => {
    await s.run();
    const store = await openCheckpointStore({ dir: s.checkpointDir, sourceSystem: 'datasphere', flushEvery: 1, backups: { keep: 1, maxAgeDays: 0 } });
    await store.remove('SALES/BusinessPartners');
    await store.close();
    await rewriteAll();
    const { parsed } = await extractAll();
    // Addresses_Location.json gave both: parsed again, so neither is left out.
    expect(parsed.sort()).toEqual(['SALES/Addresses_Location', 'SALES/BusinessPartners']);
  });

  it('a checkpoint whose validators predate digests parses each file once, then the content check holds', async () => {
    await s.run();
    // Rewrite the checkpoint's validators in the earlier form (no digest), as a checkpoint of the previous version has them.
    const store = await openCheckpointStore({ dir: s.checkpointDir, sourceSystem: 'datasphere', flushEvery: 1, backups: { keep: 1, maxAgeDays: 0 } });
    for (const entry of store.all()) {
      const v = decodeFileValidator(entry.validator)!;
      await store.put({ ...entry, validator: `csn-file:2:${v.signature.size}:${v.signature.mtimeMs}:${v.signature.dev}:${v.signature.ino}:${v.definitions}:${v.file}` });
    }
    await store.close();
    // Unchanged files: the old validators still skip them unread.
    expect(reads((await s.run()).summary)).toBe(0);
    await rewriteAll();
    expect((await extractAll()).items.every((item) => item.state === 'extracted')).toBe(true);
    await s.run();
    await rewriteAll();
    expect((await extractAll()).items.every((item) => item.state === 'not-modified')).toBe(true);
  });
});
