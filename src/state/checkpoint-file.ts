import { createHash } from 'node:crypto';

import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import type { TargetIdentity } from '../catalog/target.ts';
import { canonicalize, canonicalizeOwned, stringifyCanonical } from './canonical-json.ts';
import { journalPathFor, readJournal } from './checkpoint-journal.ts';
import {
  CHECKPOINT_FORMAT_VERSION,
  KNOWN_HEADER_FIELDS,
  checkpointHeaderSchema,
  formatPath,
  parseEntry,
} from './checkpoint-schema.ts';
import type { ParsedEntry } from './checkpoint-schema.ts';
import { canonicalTargetIdentity } from './checkpoint-identity.ts';
import { snapshotEntry } from './entry-snapshot.ts';
import { readSnapshotFile } from './read-snapshot.ts';
import type { SnapshotSource } from './snapshot-stream.ts';
import { CheckpointJournalCorruptError } from './state-errors.ts';

/**
 * The checkpoint file format (formatVersion 1), one file per job and source system:
 *
 *   {
 *     "formatVersion": 1,
 *     "sourceSystem": "datasphere",
 *     "job": "nightly",
 *     "target": {"databasePrefix":"ds_","path":"/data/catalog","type":"file"},
 *     "updatedAt": "2026-11-22T17:07:30.123Z",
 *     ...unknown top-level fields of a newer writer, verbatim...
 *     "entries": {
 *       "<assetId>": { <CheckpointEntry in canonical JSON, see canonical-json.ts> },
 *       ...one entry per line, sorted by assetId...
 *     },
 *     "checksum": "sha256:<64 hex>"
 *   }
 *
 * checksum: SHA-256 over the canonical text of `entries`, which is exactly how this writer lays them out:
 * `{` `\n    ` member (`,\n    ` member)* `\n  }` — or `{}` when there are none — where a member is
 * `JSON.stringify(assetId) + ":" + canonicalJson(entry)` and members are ordered by assetId in UTF-16 code-unit order.
 * A reader recomputes it from the parsed *values*, so re-indenting the file is harmless while any edited value is
 * caught. It covers the entries only; the header is checked by the schema.
 *
 * The checksum comes last so the writer can hash while it streams (no second 50 MB string for 100k entries) — and
 * so a file cut short can never carry a matching one. One entry per line keeps a diff of two backups readable.
 *
 * Rules a reader applies: formatVersion other than 1 → refuse (CheckpointVersionError), never guess; every entry must
 * pass the entry schema, be keyed by its own assetId and belong to the file's sourceSystem; unknown fields, at the
 * top level or in an entry, are kept and written back unchanged. `job` and `target` (the owner: see
 * checkpoint-identity.ts) are optional — files written before they were recorded lack them — and, like the rest of
 * the header, checked by the schema rather than the checksum.
 *
 * This file is the snapshot. Changes made durable between two snapshots are in the journal beside it
 * (checkpoint-journal.ts), and readCheckpointFile returns the two together. The snapshot may be stored gzip-
 * compressed under the same name (snapshot-stream.ts); every reader tells by its first bytes.
 */

/** An entry as the store holds it: a frozen canonical snapshot and its serialised member. */
export interface StoredEntry {
  readonly entry: CheckpointEntry;
  /** `"<assetId>":<canonical entry JSON>` — what the file and the checksum are made of. */
  readonly member: string;
}

/**
 * The store's StoredEntry: the member is computed when a snapshot is written rather than held — at a million
 * entries, holding it would double the store's memory.
 */
export class LazyStoredEntry implements StoredEntry {
  readonly entry: CheckpointEntry;
  /**
   * Where this entry's member text sits, byte for byte, in a plain snapshot file (`source`): a later snapshot copies
   * it from there instead of serialising the entry again. Storage bookkeeping, not content — set when the entry is
   * read from a snapshot or written into one.
   */
  source: SnapshotSource | undefined = undefined;
  at = 0;
  bytes = 0;

  constructor(entry: CheckpointEntry) {
    this.entry = entry;
  }

  placeAt(source: SnapshotSource, at: number, bytes: number): void {
    this.source = source;
    this.at = at;
    this.bytes = bytes;
  }

  get member(): string {
    return memberOf(this.entry);
  }
}

function memberOf(entry: CheckpointEntry): string {
  return `${JSON.stringify(entry.assetId)}:${stringifyCanonical(entry)}`;
}

/** The in-memory form of one checkpoint file (this is what lowdb holds as `db.data`). */
export interface CheckpointDocument {
  sourceSystem: string;
  /** The job and target this checkpoint belongs to, once recorded. */
  job?: string;
  target?: TargetIdentity;
  /** updatedAt of the file it was read from or last written to; unset for a new document. */
  updatedAt?: string;
  /** The checksum of that file's entries: with updatedAt, what a journal names the snapshot it extends by. */
  checksum?: string;
  /** That file, when it is plain (not gzip) and its entries know where their text sits in it. */
  source?: SnapshotSource;
  /** Top-level fields this version does not know, carried through verbatim. */
  extra: Record<string, unknown>;
  entries: Map<string, StoredEntry>;
}

/** The file content frozen at one instant; turned into bytes by checkpointChunks(). */
export interface CheckpointSnapshot {
  head: string;
  /** The entries, sorted by assetId: immutable, so holding them is holding their content at this instant. */
  entries: StoredEntry[];
  /** Set by checkpointChunks() (or snapshotChunks()) once it has produced the last chunk. */
  checksum?: string;
  /** Set by snapshotChunks(): how many entries it copied from the file they were read from. */
  copied?: number;
}

export type CheckpointParseResult =
  | { ok: true; document: CheckpointDocument; entryCount: number; problems: []; journal?: JournalReplay }
  | {
      ok: false;
      problems: string[];
      entryCount: number;
      /** Set when the file declares a formatVersion newer than this build reads. */
      unsupportedVersion?: unknown;
    };

/** More than this many problems are summarised, so a file with 100k bad entries still gives a readable report. */
const MAX_PROBLEMS = 100;
/** Members per write/hash chunk: ~1 MB of text, big enough to amortise calls, small enough to stay out of the way. */
const MEMBERS_PER_CHUNK = 2000;

export function emptyDocument(sourceSystem: string, owner?: { job: string; target: TargetIdentity }): CheckpointDocument {
  const document: CheckpointDocument = { sourceSystem, extra: {}, entries: new Map() };
  if (owner) {
    document.job = owner.job;
    document.target = canonicalTargetIdentity(owner.target);
  }
  return document;
}

/**
 * Snapshots an entry that passed the schema (`parsed`: zod's output for `original`). The snapshot is a frozen
 * canonical copy, so later changes to either object never reach it.
 */
export function toStoredEntry(original: CheckpointEntry, parsed: ParsedEntry): StoredEntry {
  const fast = snapshotEntry(original);
  return new LazyStoredEntry(fast.ok ? fast.entry : canonicalize(parsed));
}

/** The canonical text of the entries (see the format comment), in chunks, from their members. */
function* entriesText(members: Iterable<string>): Generator<string> {
  let chunk: string[] = [];
  let first = true;
  for (const member of members) {
    chunk.push(member);
    if (chunk.length === MEMBERS_PER_CHUNK) {
      yield `${first ? '{\n    ' : ',\n    '}${chunk.join(',\n    ')}`;
      first = false;
      chunk = [];
    }
  }
  if (chunk.length > 0) {
    yield `${first ? '{\n    ' : ',\n    '}${chunk.join(',\n    ')}`;
    first = false;
  }
  yield first ? '{}' : '\n  }';
}

function* membersOf(entries: readonly StoredEntry[]): Generator<string> {
  for (const stored of entries) yield stored.member;
}

/** `sha256:<hex>` of the entries' canonical text, given their members sorted by assetId. */
export function entriesChecksum(members: readonly string[]): string {
  const hash = createHash('sha256');
  for (const chunk of entriesText(members)) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Freezes the document's current content. Synchronous — the ids sorted and the frozen entries collected, none
 * serialised yet — so the store can call it at the start of a write while put() calls keep arriving: the entries
 * are immutable, so what is collected now is what is written, however long the write takes.
 */
export function snapshotCheckpoint(document: CheckpointDocument, updatedAt: Date): CheckpointSnapshot {
  const ids = Array.from(document.entries.keys()).sort();
  const entries = new Array<StoredEntry>(ids.length);
  for (let i = 0; i < ids.length; i++) entries[i] = document.entries.get(ids[i]!)!;

  const lines = [
    `  "formatVersion": ${CHECKPOINT_FORMAT_VERSION}`,
    `  "sourceSystem": ${JSON.stringify(document.sourceSystem)}`,
  ];
  if (document.job !== undefined) lines.push(`  "job": ${JSON.stringify(document.job)}`);
  if (document.target !== undefined) lines.push(`  "target": ${JSON.stringify(canonicalTargetIdentity(document.target))}`);
  lines.push(`  "updatedAt": ${JSON.stringify(updatedAt.toISOString())}`);
  for (const [key, value] of Object.entries(document.extra)) {
    if (KNOWN_HEADER_FIELDS.has(key)) continue;
    const json = JSON.stringify(value);
    if (json !== undefined) lines.push(`  ${JSON.stringify(key)}: ${json}`);
  }
  return { head: `{\n${lines.join(',\n')},\n  "entries": `, entries };
}

/** The file's bytes, in chunks, hashing the entries on the way so the checksum can close the file. */
export function* checkpointChunks(snapshot: CheckpointSnapshot): Generator<Buffer> {
  yield Buffer.from(snapshot.head);
  const hash = createHash('sha256');
  for (const text of entriesText(membersOf(snapshot.entries))) {
    const bytes = Buffer.from(text);
    hash.update(bytes);
    yield bytes;
  }
  snapshot.checksum = `sha256:${hash.digest('hex')}`;
  yield Buffer.from(`,\n  "checksum": "${snapshot.checksum}"\n}\n`);
}

/** The whole file as one string (tests and tools; the store streams checkpointChunks instead). */
export function serializeCheckpoint(document: CheckpointDocument, updatedAt: Date): string {
  return Buffer.concat([...checkpointChunks(snapshotCheckpoint(document, updatedAt))]).toString('utf8');
}

/**
 * Parses and fully validates file text: JSON, header schema, checksum, every entry. Never throws for bad content;
 * everything wrong is listed in `problems` (entry problems with the zod path, e.g.
 * `entries["S/A"].hashes.schema: Invalid input: expected string, received number`).
 */
export function parseCheckpoint(text: string, expectedSourceSystem?: string): CheckpointParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`not valid JSON (truncated?): ${(error as Error).message}`], entryCount: 0 };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, problems: ['not a JSON object'], entryCount: 0 };
  }
  const top = raw as Record<string, unknown>;
  const problems: string[] = [];
  let dropped = 0;
  const report = (problem: string) => (problems.length < MAX_PROBLEMS ? problems.push(problem) : dropped++);
  const { unsupportedVersion } = checkHeader(top, expectedSourceSystem, report);
  if (unsupportedVersion !== undefined) return unsupported(unsupportedVersion);
  const sourceSystem = typeof top.sourceSystem === 'string' ? top.sourceSystem : undefined;

  const rawEntries = top.entries;
  const isObject = typeof rawEntries === 'object' && rawEntries !== null && !Array.isArray(rawEntries);
  const entries = new Map<string, StoredEntry>();
  const ids = isObject ? Object.keys(rawEntries) : [];
  if (isObject) {
    ids.sort();
    const members = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      // Fresh from JSON.parse, so it is ours: canonicalised in place, it is both checksum input and snapshot.
      const snapshot = canonicalizeOwned((rawEntries as Record<string, unknown>)[id]);
      members[i] = `${JSON.stringify(id)}:${stringifyCanonical(snapshot)}`;
      const where = `entries[${JSON.stringify(id)}]`;
      const parsed = parseEntry(snapshot);
      if (!parsed.ok) {
        for (const issue of parsed.issues) report(`${where}${issue.path ? `.${issue.path}` : ''}: ${issue.message}`);
        continue;
      }
      if (parsed.entry.assetId !== id) {
        report(`${where}: keyed by ${JSON.stringify(id)} but its assetId is ${JSON.stringify(parsed.entry.assetId)}`);
      }
      if (sourceSystem !== undefined && parsed.entry.sourceSystem !== sourceSystem) {
        report(`${where}: sourceSystem ${JSON.stringify(parsed.entry.sourceSystem)} in a ${sourceSystem} file`);
      }
      entries.set(id, new LazyStoredEntry(snapshot as CheckpointEntry));
    }
    const actual = entriesChecksum(members);
    if (typeof top.checksum === 'string' && top.checksum !== actual) {
      // Listed first: a mismatch explains the entry problems that usually come with it.
      problems.unshift(`checksum mismatch: the file says ${top.checksum}, its entries hash to ${actual}`);
    }
  }
  if (dropped > 0) problems.push(`… and ${dropped} more problem(s)`);

  if (problems.length > 0 || sourceSystem === undefined) return { ok: false, problems, entryCount: ids.length };

  return { ok: true, document: documentOf(top, sourceSystem, entries), entryCount: ids.length, problems: [] };
}

/** The document of a file whose header passed checkHeader (its fields are validated). */
export function documentOf(top: Record<string, unknown>, sourceSystem: string, entries: Map<string, StoredEntry>): CheckpointDocument {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(top)) if (!KNOWN_HEADER_FIELDS.has(key)) extra[key] = value;
  const document: CheckpointDocument = { sourceSystem, updatedAt: top.updatedAt as string, extra, entries };
  if (typeof top.checksum === 'string') document.checksum = top.checksum;
  if (typeof top.job === 'string') document.job = top.job;
  if (typeof top.target === 'object' && top.target !== null) document.target = top.target as TargetIdentity;
  return document;
}

/**
 * The header checks every reader applies: a newer formatVersion is refused (the caller must not guess), the header
 * must pass its schema, and the source system must be the expected one. Problems go to `report`; returns the
 * unsupported version when there is one.
 */
export function checkHeader(
  top: Record<string, unknown>,
  expectedSourceSystem: string | undefined,
  report: (problem: string) => void,
): { unsupportedVersion?: unknown } {
  const version = top.formatVersion;
  if (typeof version === 'number' && Number.isInteger(version) && version > CHECKPOINT_FORMAT_VERSION) {
    return { unsupportedVersion: version };
  }
  const header = checkpointHeaderSchema.safeParse(top);
  if (!header.success) {
    for (const issue of header.error.issues) report(`${formatPath(issue.path) || '(top level)'}: ${issue.message}`);
  }
  const sourceSystem = typeof top.sourceSystem === 'string' ? top.sourceSystem : undefined;
  if (expectedSourceSystem !== undefined && sourceSystem !== undefined && sourceSystem !== expectedSourceSystem) {
    report(`sourceSystem is ${JSON.stringify(sourceSystem)}, expected ${JSON.stringify(expectedSourceSystem)}`);
  }
  return {};
}

/** The result for a file of a newer format: nothing else is said about it. */
export function unsupported(version: unknown): CheckpointParseResult {
  return { ok: false, problems: [`formatVersion ${String(version)} is newer than ${CHECKPOINT_FORMAT_VERSION}`], entryCount: 0, unsupportedVersion: version };
}

/** What became of the journal beside a snapshot when it was read (see checkpoint-journal.ts). */
export interface JournalReplay {
  file: string;
  /** `none`: no journal; `stale`: it extends another snapshot and was ignored; `replayed`: applied; `torn-header`: never got past its first line. */
  state: 'none' | 'stale' | 'replayed' | 'torn-header';
  /** Changes applied. */
  changes: number;
  /** Records in it, header included (replayed only): where a writer continues counting. */
  lines: number;
  /** Where appending continues (replayed only). */
  goodBytes: number;
  /** Bytes of a damaged tail ignored (a write cut short by a crash). */
  tornBytes: number;
}

/**
 * Reads a checkpoint: the snapshot, fully validated (streamed, gzip or not), and — when it is valid — the journal
 * beside it replayed onto it. `exists: false` for a missing snapshot (a journal without its snapshot is stale). A
 * journal damaged in the middle throws CheckpointJournalCorruptError: it is not something a crash leaves, and
 * neither using nor dropping what follows the damage is safe to decide here.
 */
export async function readCheckpointFile(
  file: string,
  expectedSourceSystem?: string,
): Promise<{ exists: false } | ({ exists: true } & CheckpointParseResult)> {
  const result = await readSnapshotFile(file, expectedSourceSystem);
  if (!result.exists || !result.ok) return result;
  const journal = await replayJournal(file, result.document);
  return { ...result, entryCount: result.document.entries.size, journal };
}

/** Applies the journal beside `file` to `document` (in place), when it extends exactly that snapshot. */
export async function replayJournal(file: string, document: CheckpointDocument): Promise<JournalReplay> {
  const journalFile = journalPathFor(file);
  const none = { file: journalFile, changes: 0, lines: 0, goodBytes: 0, tornBytes: 0 };
  const read = await readJournal(journalFile);
  if (read.state === 'missing') return { ...none, state: 'none' };
  if (read.state === 'unreadable') return { ...none, state: 'torn-header' };
  if (read.state === 'corrupt') throw new CheckpointJournalCorruptError(journalFile, file, read.line, read.reason);
  const { header, ops } = read;
  const extends_ = header.snapshot.checksum === document.checksum && header.snapshot.updatedAt === document.updatedAt;
  if (!extends_ || header.sourceSystem !== document.sourceSystem) return { ...none, state: 'stale' };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if ('remove' in op) {
      document.entries.delete(op.remove);
      continue;
    }
    const snap = snapshotEntry(op.put);
    const line = i + 2;
    if (!snap.ok) {
      const issues = snap.issues.map((issue) => `${issue.path || '(entry)'}: ${issue.message}`).join('; ');
      throw new CheckpointJournalCorruptError(journalFile, file, line, `invalid entry: ${issues}`);
    }
    if (snap.entry.sourceSystem !== document.sourceSystem) {
      throw new CheckpointJournalCorruptError(journalFile, file, line, `entry of source system ${JSON.stringify(snap.entry.sourceSystem)}`);
    }
    document.entries.set(snap.entry.assetId, new LazyStoredEntry(snap.entry));
  }
  return { file: journalFile, state: 'replayed', changes: ops.length, lines: ops.length + 1, goodBytes: read.goodBytes, tornBytes: read.tornBytes };
}
