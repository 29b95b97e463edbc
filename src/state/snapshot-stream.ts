import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';

/**
 * Bytes of a checkpoint snapshot on their way to and from disk. A snapshot may be stored gzip-compressed
 * (`checkpoints.compression: gzip`) under the same name; readers tell by the first two bytes (the gzip magic, which
 * no JSON text starts with), so a file is read the same way whichever setting wrote it and whichever is set now.
 * Never one string for the whole file: a 1M-entry checkpoint is larger than the longest string V8 can hold.
 */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

export type SnapshotCompression = 'none' | 'gzip';

/** Whether the file starts with the gzip magic; undefined when it does not exist. */
export async function isCompressed(file: string): Promise<boolean | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/**
 * The file's text as lines (without their line ends), decompressed when it is gzip, a batch per chunk read: one
 * await per megabyte rather than per line, which is what a million-entry checkpoint's load would otherwise spend.
 */
export async function* snapshotLineBatches(file: string, compressed: boolean): AsyncGenerator<string[]> {
  const raw = createReadStream(file, { highWaterMark: 64 * 1024 });
  const stream = compressed ? raw.pipe(createGunzip()) : raw;
  stream.setEncoding('utf8');
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const batch: string[] = [];
      let start = 0;
      let newline = chunk.indexOf('\n');
      if (newline >= 0 && rest !== '') {
        batch.push(rest + chunk.slice(0, newline));
        rest = '';
        start = newline + 1;
        newline = chunk.indexOf('\n', start);
      }
      while (newline >= 0) {
        batch.push(chunk.slice(start, newline));
        start = newline + 1;
        newline = chunk.indexOf('\n', start);
      }
      rest += chunk.slice(start);
      if (batch.length > 0) yield batch;
    }
    if (rest !== '') yield [rest];
  } finally {
    raw.destroy();
    if (stream !== raw) stream.destroy();
  }
}

/** The whole text (small files, and the slow path for files not in the one-entry-per-line layout). */
export async function snapshotText(file: string, compressed: boolean): Promise<string> {
  const parts: string[] = [];
  for await (const batch of snapshotLineBatches(file, compressed)) for (const line of batch) parts.push(line);
  return parts.join('\n');
}

/** The snapshot's bytes as they are written: as they come, or through gzip. */
export function encodeSnapshot(chunks: Iterable<Buffer>, compression: SnapshotCompression): Iterable<Buffer> | AsyncIterable<Buffer> {
  if (compression === 'none') return chunks;
  // Level 6 (zlib's default): most of what gzip can save on this text, at a fraction of level 9's time.
  return Readable.from(chunks).pipe(createGzip({ level: 6 }));
}
