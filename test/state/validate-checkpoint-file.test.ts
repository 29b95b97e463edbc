import fs from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, test } from 'vitest';

import { canonicalJson } from '../../src/state/canonical-json.ts';
import { emptyDocument, parseCheckpoint, serializeCheckpoint } from '../../src/state/checkpoint-file.ts';
import { validateCheckpointFile } from '../../src/state/validate-checkpoint-file.ts';
import { makeEntry, tempDir } from './helpers.ts';

/** File text whose checksum matches its (possibly invalid) entries — as a buggy writer would produce it. */
function fileWith(entries: Record<string, unknown>): string {
  const document = emptyDocument('datasphere');
  for (const [id, value] of Object.entries(entries)) {
    // Bypasses put()'s validation on purpose; serialisation only reads `member`.
    document.entries.set(id, { entry: makeEntry(0), member: `${JSON.stringify(id)}:${canonicalJson(value)}` });
  }
  return serializeCheckpoint(document, new Date('2026-11-22T17:07:30.123Z'));
}

describe('validateCheckpointFile', () => {
  test('a good file: ok, entry count, source system', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'x.json');
    await fs.writeFile(file, fileWith({ [makeEntry(1).assetId]: makeEntry(1), [makeEntry(2).assetId]: makeEntry(2) }));
    expect(await validateCheckpointFile(file)).toMatchObject({
      ok: true,
      exists: true,
      problems: [],
      entryCount: 2,
      sourceSystem: 'datasphere',
      updatedAt: '2026-11-22T17:07:30.123Z',
    });
  });

  test('schema problems are reported per entry with the zod path, checksum intact', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'x.json');
    const broken = { ...makeEntry(1), hashes: { ...makeEntry(1).hashes, schema: 42 }, syncVersion: -1 };
    const renamed = makeEntry(2);
    await fs.writeFile(file, fileWith({ [makeEntry(1).assetId]: broken, 'SPACE_9/OTHER': renamed }));

    const report = await validateCheckpointFile(file);
    expect(report.ok).toBe(false);
    expect(report.entryCount).toBe(2);
    expect(report.problems.some((p) => p.startsWith('checksum'))).toBe(false);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^entries\["SPACE_1\/ASSET_1"\]\.hashes\.schema: .*string/),
        expect.stringMatching(/^entries\["SPACE_1\/ASSET_1"\]\.syncVersion: /),
        expect.stringMatching(/^entries\["SPACE_9\/OTHER"\]: keyed by "SPACE_9\/OTHER" but its assetId is/),
      ]),
    );
  });

  test('checksum mismatch is listed first; a missing file is reported, not thrown', async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'x.json');
    const text = fileWith({ [makeEntry(1).assetId]: makeEntry(1) });
    await fs.writeFile(file, text.replace('"owner":"data-team"', '"owner":"mallory"'));
    const report = await validateCheckpointFile(file);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/^checksum mismatch: the file says sha256:[0-9a-f]{64}, its entries hash to/);

    expect(await validateCheckpointFile(path.join(dir, 'nope.json'))).toMatchObject({ exists: false, ok: false });
  });

  test('header problems name the field', () => {
    const text = fileWith({}).replace('"updatedAt": "2026-11-22T17:07:30.123Z"', '"updatedAt": "last tuesday"');
    const result = parseCheckpoint(text);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringMatching(/^updatedAt: /)]);
    const noChecksum = parseCheckpoint(fileWith({}).replace(/,\n {2}"checksum": "[^"]+"/, ''));
    expect(noChecksum.problems).toEqual([expect.stringMatching(/^checksum: /)]);
  });

  test('thousands of problems are summarised', () => {
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < 500; i++) entries[`S/${i}`] = { assetId: `S/${i}` };
    const result = parseCheckpoint(fileWith(entries));
    expect(result.ok).toBe(false);
    expect(result.problems.length).toBeLessThanOrEqual(101);
    expect(result.problems.at(-1)).toMatch(/^… and \d+ more problem\(s\)$/);
  });
});
