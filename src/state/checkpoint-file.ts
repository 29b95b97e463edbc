import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';

import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import type { TargetIdentity } from '../catalog/target.ts';
import { canonicalizeFresh, canonicalizeOwned, stringifyCanonical } from './canonical-json.ts';
import {
  CHECKPOINT_FORMAT_VERSION,
  KNOWN_HEADER_FIELDS,
  checkpointHeaderSchema,
  formatPath,
  parseEntry,
} from './checkpoint-schema.ts';
import type { ParsedEntry } from './checkpoint-schema.ts';
import { canonicalTargetIdentity } from './checkpoint-identity.ts';

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
 */

/** An entry as the store holds it: a frozen canonical snapshot plus its serialised member, computed once per put. */
export interface StoredEntry {
  readonly entry: CheckpointEntry;
  /** `"<assetId>":<canonical entry JSON>` — reused verbatim by every flush and by the checksum. */
  readonly member: string;
}

/** The in-memory form of one checkpoint file (this is what lowdb holds as `db.data`). */
export interface CheckpointDocument {
  sourceSystem: string;
  /** The job and target this checkpoint belongs to, once recorded. */
  job?: string;
  target?: TargetIdentity;
  /** updatedAt of the file it was read from or last written to; unset for a new document. */
  updatedAt?: string;
  /** Top-level fields this version does not know, carried through verbatim. */
  extra: Record<string, unknown>;
  entries: Map<string, StoredEntry>;
}

/** The file content frozen at one instant; turned into bytes by checkpointChunks(). */
export interface CheckpointSnapshot {
  head: string;
  /** Members sorted by assetId. */
  members: string[];
}

export type CheckpointParseResult =
  | { ok: true; document: CheckpointDocument; entryCount: number; problems: [] }
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
/** The object members of an entry that zod builds afresh (see toStoredEntry). */
const ZOD_BUILT_MEMBERS = ['hashes', 'target', 'customProperties'] as const;
const ALL_ZOD_BUILT: ReadonlySet<string> = new Set(ZOD_BUILT_MEMBERS);

export function emptyDocument(sourceSystem: string, owner?: { job: string; target: TargetIdentity }): CheckpointDocument {
  const document: CheckpointDocument = { sourceSystem, extra: {}, entries: new Map() };
  if (owner) {
    document.job = owner.job;
    document.target = canonicalTargetIdentity(owner.target);
  }
  return document;
}

/**
 * Snapshots an entry that passed the schema. `parsed` is zod's output for `original`: a new object, so it can be
 * adopted in place instead of copied again — but only the parts zod really rebuilt (checked by identity, in case a
 * zod version ever passes something through), the rest is copied.
 */
export function toStoredEntry(original: CheckpointEntry, parsed: ParsedEntry): StoredEntry {
  let snapshot: CheckpointEntry;
  if ((parsed as object) === original) {
    snapshot = canonicalizeOwned(structuredClone(original));
  } else {
    const allRebuilt = ZOD_BUILT_MEMBERS.every((key) => parsed[key] !== original[key]);
    const owned = allRebuilt
      ? ALL_ZOD_BUILT
      : new Set(ZOD_BUILT_MEMBERS.filter((key) => parsed[key] !== original[key]));
    snapshot = canonicalizeFresh(parsed, owned);
  }
  return { entry: snapshot, member: `${JSON.stringify(snapshot.assetId)}:${stringifyCanonical(snapshot)}` };
}

/** The canonical text of the entries (see the format comment), in chunks. */
function* entriesText(members: readonly string[]): Generator<string> {
  if (members.length === 0) {
    yield '{}';
    return;
  }
  for (let start = 0; start < members.length; start += MEMBERS_PER_CHUNK) {
    const chunk = members.slice(start, start + MEMBERS_PER_CHUNK).join(',\n    ');
    yield start === 0 ? `{\n    ${chunk}` : `,\n    ${chunk}`;
  }
  yield '\n  }';
}

/** `sha256:<hex>` of the entries' canonical text, given their members sorted by assetId. */
export function entriesChecksum(members: readonly string[]): string {
  const hash = createHash('sha256');
  for (const chunk of entriesText(members)) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Freezes the document's current content. Synchronous and O(n) plus one sort of the ids — no entry is
 * re-serialised — so the store can call it at the start of a write while put() calls keep arriving.
 */
export function snapshotCheckpoint(document: CheckpointDocument, updatedAt: Date): CheckpointSnapshot {
  const ids = Array.from(document.entries.keys()).sort();
  const members = new Array<string>(ids.length);
  for (let i = 0; i < ids.length; i++) members[i] = document.entries.get(ids[i]!)!.member;

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
  return { head: `{\n${lines.join(',\n')},\n  "entries": `, members };
}

/** The file's bytes, in chunks, hashing the entries on the way so the checksum can close the file. */
export function* checkpointChunks(snapshot: CheckpointSnapshot): Generator<Buffer> {
  yield Buffer.from(snapshot.head);
  const hash = createHash('sha256');
  for (const text of entriesText(snapshot.members)) {
    const bytes = Buffer.from(text);
    hash.update(bytes);
    yield bytes;
  }
  yield Buffer.from(`,\n  "checksum": "sha256:${hash.digest('hex')}"\n}\n`);
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
  const version = top.formatVersion;
  if (typeof version === 'number' && Number.isInteger(version) && version > CHECKPOINT_FORMAT_VERSION) {
    return {
      ok: false,
      problems: [`formatVersion ${version} is newer than ${CHECKPOINT_FORMAT_VERSION}`],
      entryCount: 0,
      unsupportedVersion: version,
    };
  }

  const problems: string[] = [];
  let dropped = 0;
  const report = (problem: string) => (problems.length < MAX_PROBLEMS ? problems.push(problem) : dropped++);

  const header = checkpointHeaderSchema.safeParse(top);
  if (!header.success) {
    for (const issue of header.error.issues) report(`${formatPath(issue.path) || '(top level)'}: ${issue.message}`);
  }
  const sourceSystem = typeof top.sourceSystem === 'string' ? top.sourceSystem : undefined;
  if (expectedSourceSystem !== undefined && sourceSystem !== undefined && sourceSystem !== expectedSourceSystem) {
    report(`sourceSystem is ${JSON.stringify(sourceSystem)}, expected ${JSON.stringify(expectedSourceSystem)}`);
  }

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
      entries.set(id, { entry: snapshot as CheckpointEntry, member: members[i]! });
    }
    const actual = entriesChecksum(members);
    if (typeof top.checksum === 'string' && top.checksum !== actual) {
      // Listed first: a mismatch explains the entry problems that usually come with it.
      problems.unshift(`checksum mismatch: the file says ${top.checksum}, its entries hash to ${actual}`);
    }
  }
  if (dropped > 0) problems.push(`… and ${dropped} more problem(s)`);

  if (problems.length > 0 || sourceSystem === undefined) return { ok: false, problems, entryCount: ids.length };

  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(top)) if (!KNOWN_HEADER_FIELDS.has(key)) extra[key] = value;
  const document: CheckpointDocument = { sourceSystem, updatedAt: top.updatedAt as string, extra, entries };
  // Validated by the header schema above.
  if (typeof top.job === 'string') document.job = top.job;
  if (typeof top.target === 'object' && top.target !== null) document.target = top.target as TargetIdentity;
  return {
    ok: true,
    document,
    entryCount: ids.length,
    problems: [],
  };
}

/** Reads and parses a checkpoint file; `exists: false` for a missing one. */
export async function readCheckpointFile(
  file: string,
  expectedSourceSystem?: string,
): Promise<{ exists: false } | ({ exists: true } & CheckpointParseResult)> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false };
    throw error;
  }
  return { exists: true, ...parseCheckpoint(text, expectedSourceSystem) };
}
