import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';

import type { CheckpointSnapshot } from './checkpoint-file.ts';
import { LazyStoredEntry } from './checkpoint-file.ts';
import { isSnapshotSource } from './snapshot-stream.ts';
import type { SnapshotSource } from './snapshot-stream.ts';

/**
 * Writing a snapshot at a cost that follows the change, not the checkpoint. Every entry read from a plain snapshot
 * knows where its member text sits in that file (LazyStoredEntry.at/bytes), and that text is exactly what
 * serialising the entry again would give (it was parsed from it, and adopted as it was). So the next snapshot — the
 * same entries, sorted the same way, a few of them changed — is written by copying the runs of unchanged members
 * from the old file as bytes, separators included (members in a run sit one `,\n    ` apart, as the new file lays
 * them out), and serialising only the entries that changed. The checksum is taken over the bytes as they go out, as
 * always. A nightly run that changed 1 % of a 100k-entry checkpoint writes its snapshot in a fraction of the time
 * serialising all of it takes.
 *
 * The old file is used only when it is still the one read (device, inode, size and modification time, taken from
 * the open descriptor), and it is read through that descriptor — the backup's hard link keeps it whole while the new
 * file takes its name.
 */

/** An open snapshot file whose entries' offsets are valid. */
export interface CopySource {
  handle: fs.FileHandle;
  source: SnapshotSource;
}

/**
 * Where each entry of a snapshot went in the file written (by index): applied once the file is in place. Plain
 * arrays of small integers, not Float64Arrays: doubles stored into the entries' integer fields would make V8 migrate
 * every entry to a boxed-double layout, which cost more than the write itself.
 */
export interface Placement {
  at: number[];
  bytes: number[];
}

export function placementFor(entries: number): Placement {
  return { at: new Array<number>(entries).fill(0), bytes: new Array<number>(entries).fill(0) };
}

/** The file did not hold what its entries said when it was copied from: write again without copying. */
export class CopySourceChangedError extends Error {
  constructor(file: string) {
    super(`${file} changed while the new snapshot was copied from it`);
    this.name = 'CopySourceChangedError';
  }
}

/** The file `source` names, open, if it is still the file that was read; undefined otherwise. */
export async function openCopySource(source: SnapshotSource | undefined): Promise<CopySource | undefined> {
  if (source === undefined) return undefined;
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(source.file, 'r');
  } catch {
    return undefined;
  }
  try {
    if (isSnapshotSource(source, await handle.stat({ bigint: true }))) return { handle, source };
  } catch {
    // Not usable: written without copying.
  }
  await handle.close().catch(() => {});
  return undefined;
}

const SEPARATOR = ',\n    ';
const SEPARATOR_BYTES = 6;
/** Bytes per write and per copy read. */
const PIECE = 1 << 20;

/**
 * The snapshot's bytes (see checkpoint-file.ts for the layout), copying what `copy` holds of it. `placement`, when
 * given, is filled with where each member lands in the text written (plain output only: gzip offsets are not
 * positions on disk).
 */
export async function* snapshotChunks(snapshot: CheckpointSnapshot, copy: CopySource | undefined, placement?: Placement): AsyncGenerator<Buffer> {
  const head = Buffer.from(snapshot.head);
  yield head;
  const hash = createHash('sha256');
  /** Where the next piece goes in the file. */
  let pos = head.length;
  const emit = (bytes: Buffer): Buffer => {
    hash.update(bytes);
    pos += bytes.length;
    return bytes;
  };
  const entries = snapshot.entries;
  let copied = 0;
  if (entries.length === 0) {
    yield emit(Buffer.from('{}'));
  } else {
    let text: string[] = ['{\n    '];
    let textBytes = 6;
    const takeText = (): Buffer => {
      const bytes = Buffer.from(text.join(''));
      text = [];
      textBytes = 0;
      return bytes;
    };
    const from = copy?.source;
    for (let i = 0; i < entries.length; ) {
      if (i > 0) {
        text.push(SEPARATOR);
        textBytes += SEPARATOR_BYTES;
      }
      const stored = entries[i]!;
      if (from !== undefined && stored instanceof LazyStoredEntry && stored.source === from) {
        // The longest run of members that follow one another in the old file.
        let last = i;
        let end = stored.at + stored.bytes;
        for (;;) {
          const next = entries[last + 1];
          if (!(next instanceof LazyStoredEntry) || next.source !== from || next.at !== end + SEPARATOR_BYTES) break;
          last++;
          end = next.at + next.bytes;
        }
        const runAt = pos + textBytes;
        if (placement) {
          for (let k = i; k <= last; k++) {
            const member = entries[k] as LazyStoredEntry;
            placement.at[k] = runAt + (member.at - stored.at);
            placement.bytes[k] = member.bytes;
          }
        }
        copied += last - i + 1;
        if (text.length > 0) yield emit(takeText());
        for (let at = stored.at; at < end; ) {
          const length = Math.min(PIECE, end - at);
          const bytes = Buffer.allocUnsafe(length);
          const { bytesRead } = await copy!.handle.read(bytes, 0, length, at);
          if (bytesRead !== length) throw new CopySourceChangedError(from.file);
          yield emit(bytes);
          at += length;
        }
        i = last + 1;
      } else {
        const member = stored.member;
        const bytes = Buffer.byteLength(member);
        if (placement) {
          placement.at[i] = pos + textBytes;
          placement.bytes[i] = bytes;
        }
        text.push(member);
        textBytes += bytes;
        if (textBytes >= PIECE) yield emit(takeText());
        i++;
      }
    }
    text.push('\n  }');
    yield emit(takeText());
  }
  snapshot.checksum = `sha256:${hash.digest('hex')}`;
  snapshot.copied = copied;
  yield Buffer.from(`,\n  "checksum": "${snapshot.checksum}"\n}\n`);
}

/** Records, on the entries written, where they now sit in the new plain file `source`. */
export function applyPlacement(snapshot: CheckpointSnapshot, placement: Placement, source: SnapshotSource): void {
  const entries = snapshot.entries;
  for (let i = 0; i < entries.length; i++) {
    const stored = entries[i];
    if (stored instanceof LazyStoredEntry) stored.placeAt(source, placement.at[i]!, placement.bytes[i]!);
  }
}
