import fs from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, test } from 'vitest';

import { emptyDocument, serializeCheckpoint, toStoredEntry } from '../../src/state/checkpoint-file.ts';
import { parseEntry } from '../../src/state/checkpoint-schema.ts';
import { readSnapshotFile } from '../../src/state/read-snapshot.ts';
import { snapshotLineBatches } from '../../src/state/snapshot-stream.ts';
import { makeEntry, tempDir } from './helpers.ts';

/** A checkpoint text of `n` entries, some ids with characters of two, three and four bytes in UTF-8. */
function checkpointText(n: number): string {
  const document = emptyDocument('datasphere');
  for (let i = 0; i < n; i++) {
    const entry = makeEntry(i, i % 5 === 0 ? { assetId: `SPÄCE_${i % 7}/€_${i}_😀` } : {});
    const parsed = parseEntry(entry);
    if (!parsed.ok) throw new Error('invalid entry');
    document.entries.set(entry.assetId, toStoredEntry(entry, parsed.entry));
  }
  return serializeCheckpoint(document, new Date('2026-12-02T10:00:00.000Z'));
}

describe('snapshot lines cut on the bytes', () => {
  test('give every line of a file of several megabytes, each where its bytes are, whatever chunk it straddles', async (t) => {
    const file = path.join(await tempDir(t), 'checkpoint.json');
    const text = checkpointText(12_000);
    const bytes = Buffer.from(text);
    expect(bytes.length).toBeGreaterThan(3 << 20);
    await fs.writeFile(file, bytes);
    const lines: string[] = [];
    for await (const batch of snapshotLineBatches(file, false)) {
      for (let i = 0; i < batch.lines.length; i++) {
        const at = batch.offset + batch.starts[i]!;
        const end = batch.offset + batch.ends[i]!;
        expect(bytes.subarray(at, end).toString('utf8')).toBe(batch.lines[i]);
        lines.push(batch.lines[i]!);
      }
    }
    expect(lines).toEqual(text.replace(/\n$/, '').split('\n'));
  });

  test('a checkpoint written on one line (longer than a chunk) is read whole, its checksum over the values', async (t) => {
    const file = path.join(await tempDir(t), 'checkpoint.json');
    const text = checkpointText(4_000);
    const oneLine = JSON.stringify(JSON.parse(text));
    expect(oneLine.length).toBeGreaterThan(1 << 20);
    await fs.writeFile(file, oneLine);
    const read = await readSnapshotFile(file, 'datasphere');
    expect(read.exists && read.ok && read.document.entries.size).toBe(4_000);
    // The same text with one value changed is caught.
    await fs.writeFile(file, oneLine.replace('"syncVersion":1', '"syncVersion":2'));
    const changed = await readSnapshotFile(file, 'datasphere');
    expect(changed.exists && !changed.ok && changed.problems[0]).toMatch(/^checksum mismatch/);
  });
});
