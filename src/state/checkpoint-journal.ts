import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import type { TargetIdentity } from '../catalog/target.ts';
import { fsyncDirectory } from './atomic-write.ts';

/**
 * The checkpoint journal: confirmed changes appended beside the snapshot, so making them durable costs what changed
 * rather than a rewrite of the whole checkpoint. `<dir>/<job>@<sourceSystem>_checkpoints.journal`, one line per
 * record:
 *
 *   <16 hex digits> <JSON>\n
 *
 * The digits are the first 16 of the SHA-256 of the JSON text: a line that was cut short, or damaged later, fails
 * it. The first line is the header, binding the journal to the snapshot it extends:
 *
 *   {"journal":1,"sourceSystem":"datasphere","job":"nightly","target":{…},"snapshot":{"checksum":"sha256:…","updatedAt":"…"}}
 *
 * and every further line one change, applied in order: `{"put":<entry>}` (the whole entry, canonical) or
 * `{"remove":"<assetId>"}`.
 *
 * Replay (readJournal + the caller applying `ops`): only onto the snapshot the header names — a journal whose
 * snapshot has since been replaced (the end of a run rewrote it, `checkpoints restore` put a backup in its place, the
 * file was deleted to start over) is stale: everything it holds is either in the snapshot already or meant to be
 * gone, and it is ignored. A damaged or cut last line is a write the crash interrupted: it is ignored (its
 * change was never reported durable). A damaged line with good lines after it is not something a crash does: the
 * journal is corrupt, and replaying around the gap could resurrect or lose entries, so loading stops
 * (CheckpointJournalCorruptError) with the recovery spelled out.
 */
export const JOURNAL_VERSION = 1;

export interface JournalHeader {
  journal: number;
  sourceSystem: string;
  job?: string;
  target?: TargetIdentity;
  /** The snapshot this journal extends, by its checksum and updatedAt. */
  snapshot: SnapshotId;
}

export interface SnapshotId {
  checksum: string;
  updatedAt: string;
}

export type JournalOp = { put: unknown } | { remove: string };

export type JournalRead =
  | { state: 'missing' }
  | {
      state: 'ok';
      header: JournalHeader;
      ops: JournalOp[];
      /** Bytes up to the end of the last good line: where appending continues (a torn tail is cut off there). */
      goodBytes: number;
      /** Bytes of damaged tail after that (a write cut short by a crash), ignored. */
      tornBytes: number;
    }
  | {
      state: 'corrupt';
      /** 1-based number of the first damaged line that has good lines after it. */
      line: number;
      reason: string;
      goodLinesBefore: number;
    }
  | { state: 'unreadable'; reason: string };

const DIGITS = 16;

/** `<digits> <json>\n` for one record. */
export function journalLine(record: unknown): string {
  const json = JSON.stringify(record);
  return `${digest(json)} ${json}\n`;
}

export function putRecord(entry: CheckpointEntry): string {
  return journalLine({ put: entry });
}

export function removeRecord(assetId: string): string {
  return journalLine({ remove: assetId });
}

function digest(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, DIGITS);
}

/** The journal beside a checkpoint file: `x.json` → `x.journal`. Backups and kept-aside copies never have one. */
export function journalPathFor(checkpointFile: string): string {
  return checkpointFile.endsWith('.json') ? `${checkpointFile.slice(0, -'.json'.length)}.journal` : `${checkpointFile}.journal`;
}

/** Reads and checks a whole journal. Never throws for content; only for I/O other than a missing file. */
export async function readJournal(file: string): Promise<JournalRead> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
    throw error;
  }
  return parseJournal(bytes);
}

/** parseJournal on bytes already read (tests, tools). */
export function parseJournal(bytes: Buffer): JournalRead {
  type Line = { ok: true; record: unknown; end: number } | { ok: false; reason: string; end: number };
  const lines: Line[] = [];
  let start = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline < 0 ? bytes.length : newline + 1;
    lines.push(checkLine(bytes, start, newline < 0 ? -1 : newline, end));
    start = end;
  }
  let lastGood = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.ok) {
      lastGood = i;
      break;
    }
  }
  if (lastGood < 0) {
    // Nothing readable at all: a header cut short by a crash (nothing was ever reported durable through it).
    return { state: 'unreadable', reason: lines.length === 0 ? 'empty' : (lines[0] as { reason: string }).reason };
  }
  for (let i = 0; i < lastGood; i++) {
    const line = lines[i]!;
    if (!line.ok) return { state: 'corrupt', line: i + 1, reason: line.reason, goodLinesBefore: i };
  }
  const header = (lines[0] as { record: unknown }).record;
  const problem = headerProblem(header);
  if (problem !== undefined) return { state: 'corrupt', line: 1, reason: problem, goodLinesBefore: 0 };
  const ops: JournalOp[] = [];
  for (let i = 1; i <= lastGood; i++) {
    const record = (lines[i] as { record: unknown }).record;
    if (!isOp(record)) return { state: 'corrupt', line: i + 1, reason: 'not a put or remove record', goodLinesBefore: i };
    ops.push(record);
  }
  const goodBytes = lines[lastGood]!.end;
  return { state: 'ok', header: header as JournalHeader, ops, goodBytes, tornBytes: bytes.length - goodBytes };
}

function checkLine(bytes: Buffer, start: number, newline: number, end: number): { ok: true; record: unknown; end: number } | { ok: false; reason: string; end: number } {
  if (newline < 0) return { ok: false, reason: 'cut short (no line end)', end };
  if (newline - start < DIGITS + 2 || bytes[start + DIGITS] !== 0x20) return { ok: false, reason: 'not a journal line', end };
  const sum = bytes.toString('latin1', start, start + DIGITS);
  const json = bytes.toString('utf8', start + DIGITS + 1, newline);
  if (digest(json) !== sum) return { ok: false, reason: 'checksum mismatch', end };
  try {
    return { ok: true, record: JSON.parse(json) as unknown, end };
  } catch {
    return { ok: false, reason: 'not valid JSON', end };
  }
}

function headerProblem(header: unknown): string | undefined {
  if (typeof header !== 'object' || header === null) return 'the first line is not a journal header';
  const h = header as Record<string, unknown>;
  if (h.journal !== JOURNAL_VERSION) return `journal version ${JSON.stringify(h.journal)} is not ${JOURNAL_VERSION}`;
  if (typeof h.sourceSystem !== 'string') return 'the header names no source system';
  const snapshot = h.snapshot as Record<string, unknown> | null | undefined;
  if (typeof snapshot !== 'object' || snapshot === null || typeof snapshot.checksum !== 'string' || typeof snapshot.updatedAt !== 'string') {
    return 'the header names no snapshot';
  }
  return undefined;
}

function isOp(record: unknown): record is JournalOp {
  if (typeof record !== 'object' || record === null) return false;
  const r = record as Record<string, unknown>;
  return ('put' in r && typeof r.put === 'object' && r.put !== null) || typeof r.remove === 'string';
}

/**
 * Appends to a journal: one write per batch, then one fsync — the batch is durable when append() resolves. Opened by
 * the writing store only (under the checkpoint lock); a failed append cuts the file back to where it was, so a
 * half-written batch never sits in front of the next one.
 */
export class JournalWriter {
  readonly file: string;
  #handle: fs.FileHandle | undefined;
  #size: number;
  #lines: number;

  private constructor(file: string, handle: fs.FileHandle, size: number, lines: number) {
    this.file = file;
    this.#handle = handle;
    this.#size = size;
    this.#lines = lines;
  }

  /** Starts a new journal for `header` (replacing any old one, durably) and returns its writer. */
  static async create(file: string, header: JournalHeader): Promise<JournalWriter> {
    const first = journalLine(header);
    // Written whole before the name appears: a reader never sees a journal without its header.
    const temp = `${file}.new`;
    const handle = await fs.open(temp, 'w', 0o644);
    try {
      await handle.writeFile(first);
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => {});
      await fs.rm(temp, { force: true }).catch(() => {});
      throw error;
    }
    try {
      await fs.rename(temp, file);
      await fsyncDirectory(path.dirname(file));
    } catch (error) {
      // Nothing was appended through it yet: a journal that is not known durable is not used (the next flush starts
      // a new one), and no temp file is left behind.
      await handle.close().catch(() => {});
      await fs.rm(temp, { force: true }).catch(() => {});
      throw error;
    }
    return new JournalWriter(file, handle, Buffer.byteLength(first), 1);
  }

  /** Continues an existing journal after its last good line (a torn tail beyond it is cut off first). */
  static async resume(file: string, goodBytes: number, lines: number): Promise<JournalWriter> {
    const handle = await fs.open(file, 'r+');
    try {
      const { size } = await handle.stat();
      if (size !== goodBytes) {
        await handle.truncate(goodBytes);
        await handle.sync();
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new JournalWriter(file, handle, goodBytes, lines);
  }

  /** Records in the journal (header included). */
  get lines(): number {
    return this.#lines;
  }

  get bytes(): number {
    return this.#size;
  }

  async append(lines: readonly string[]): Promise<void> {
    const handle = this.#handle;
    if (!handle) throw new Error(`journal ${this.file} is closed`);
    if (lines.length === 0) return;
    const data = Buffer.from(lines.join(''), 'utf8');
    try {
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await handle.write(data, written, data.length - written, this.#size + written);
        written += bytesWritten;
      }
      await handle.sync();
    } catch (error) {
      await handle.truncate(this.#size).catch(() => {});
      throw error;
    }
    this.#size += data.length;
    this.#lines += lines.length;
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = undefined;
    await handle?.close();
  }
}

/** Removes a journal (after its content went into a snapshot, or when it is stale). */
export async function removeJournal(file: string): Promise<void> {
  await fs.rm(file, { force: true });
  await fs.rm(`${file}.new`, { force: true });
}
