import type { BigIntStats } from 'node:fs';
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

/** Where a plain snapshot's bytes came from: what a later write checks before copying member bytes out of it. */
export interface SnapshotSource {
  readonly file: string;
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
}

type SourceStats = Pick<BigIntStats, 'dev' | 'ino' | 'size' | 'mtimeNs'>;

/** `file` as its stats (taken with `bigint: true`) identify it. */
export function snapshotSourceOf(file: string, stats: SourceStats): SnapshotSource {
  return { file, dev: stats.dev, ino: stats.ino, size: stats.size, mtimeNs: stats.mtimeNs };
}

/** Whether these stats are still those of the file `source` was taken from: the same device, inode, size and time. */
export function isSnapshotSource(source: SnapshotSource, stats: SourceStats): boolean {
  return stats.dev === source.dev && stats.ino === source.ino && stats.size === source.size && stats.mtimeNs === source.mtimeNs;
}

/**
 * Complete lines of the file's text, a batch per chunk read. `bytes` holds exactly these lines, each followed by its
 * line end (the file's last line may have none); line i is `bytes[starts[i], ends[i])` and `lines[i]` its text.
 * `offset` is where `bytes` begins in the (decompressed) text.
 */
export interface LineBatch {
  lines: string[];
  starts: number[];
  ends: number[];
  bytes: Buffer;
  offset: number;
}

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/**
 * The file's text as lines, decompressed when it is gzip, a batch per megabyte read: one await per megabyte rather
 * than per line, which is what a million-entry checkpoint's load would otherwise spend. Lines are cut on the bytes,
 * so a reader knows where each one sits in the file (a later snapshot copies unchanged entries from there) and can
 * hash a run of lines as the bytes they are. `onSource` learns the file's identity — plain files only: a gzip file's
 * offsets are not positions on disk.
 */
export async function* snapshotLineBatches(file: string, compressed: boolean, onSource?: (source: SnapshotSource) => void): AsyncGenerator<LineBatch> {
  const handle = await fs.open(file, 'r');
  try {
    if (!compressed && onSource) onSource(snapshotSourceOf(file, await handle.stat({ bigint: true })));
    const raw = handle.createReadStream({ highWaterMark: CHUNK, autoClose: false });
    const stream: AsyncIterable<Buffer> = compressed ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
    /** The bytes of a line not finished yet, in pieces: joined once its end arrives, so a long line costs no more than its length. */
    let pending: Buffer[] = [];
    let offset = 0;
    try {
      for await (const chunk of stream) {
        if (chunk.indexOf(NEWLINE) < 0) {
          pending.push(chunk);
          continue;
        }
        const data = pending.length === 0 ? chunk : Buffer.concat([...pending, chunk]);
        const batch = cutLines(data, offset, false)!;
        offset += batch.bytes.length;
        pending = batch.bytes.length < data.length ? [data.subarray(batch.bytes.length)] : [];
        yield batch;
      }
      if (pending.length > 0) yield cutLines(Buffer.concat(pending), offset, true)!;
    } finally {
      raw.destroy();
      if (stream !== raw) (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
    }
  } finally {
    await handle.close();
  }
}

/** The complete lines at the start of `data` (and, at the end of the file, the unterminated last one); undefined if none. */
function cutLines(data: Buffer, offset: number, last: boolean): LineBatch | undefined {
  const lines: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let start = 0;
  let newline = data.indexOf(NEWLINE, start);
  while (newline >= 0) {
    starts.push(start);
    ends.push(newline);
    lines.push(data.toString('utf8', start, newline));
    start = newline + 1;
    newline = data.indexOf(NEWLINE, start);
  }
  if (last && start < data.length) {
    starts.push(start);
    ends.push(data.length);
    lines.push(data.toString('utf8', start));
    start = data.length;
  }
  if (start === 0) return undefined;
  return { lines, starts, ends, bytes: start === data.length ? data : data.subarray(0, start), offset };
}

/** The whole text (small files, and the slow path for files not in the one-entry-per-line layout). */
export async function snapshotText(file: string, compressed: boolean): Promise<string> {
  const parts: string[] = [];
  for await (const batch of snapshotLineBatches(file, compressed)) for (const line of batch.lines) parts.push(line);
  return parts.join('\n');
}

/** The snapshot's bytes as they are written: as they come, or through gzip. */
export function encodeSnapshot(
  chunks: Iterable<Buffer> | AsyncIterable<Buffer>,
  compression: SnapshotCompression,
): Iterable<Buffer> | AsyncIterable<Buffer> {
  if (compression === 'none') return chunks;
  // Level 6 (zlib's default): most of what gzip can save on this text, at a fraction of level 9's time.
  return Readable.from(chunks).pipe(createGzip({ level: 6 }));
}
