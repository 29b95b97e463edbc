import { createHash } from 'node:crypto';

import type { CheckpointDocument, CheckpointParseResult, StoredEntry } from './checkpoint-file.ts';
import { LazyStoredEntry, checkHeader, documentOf, parseCheckpoint, unsupported } from './checkpoint-file.ts';
import { snapshotEntry } from './entry-snapshot.ts';
import { isCompressed, snapshotLineBatches, snapshotText } from './snapshot-stream.ts';
import type { LineBatch, SnapshotSource } from './snapshot-stream.ts';

/**
 * Reads a snapshot file the way this version writes it — one header field per line, `"entries": {`, one entry per
 * line sorted by assetId, `}`, the checksum — a line at a time: each entry is parsed, checked and snapshotted as it
 * comes, and the checksum is taken over the lines' own text. So a 1M-entry checkpoint loads without ever being one
 * string (which V8 could not hold), and an entry is not serialised again just to be hashed.
 *
 * A file in any other layout (re-indented by hand or a tool, keys reordered) or whose text does not hash to its
 * checksum is read again as a whole by parseCheckpoint, which hashes the canonical form of the values instead —
 * re-indenting stays harmless, a changed value is still caught. That slow path needs the whole text in memory.
 */
export async function readSnapshotFile(
  file: string,
  expectedSourceSystem?: string,
): Promise<{ exists: false } | ({ exists: true } & CheckpointParseResult)> {
  const compressed = await isCompressed(file);
  if (compressed === undefined) return { exists: false };
  let fast: CheckpointParseResult | undefined;
  try {
    fast = await readLines(file, compressed, expectedSourceSystem);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false };
    if (!isDecodeError(error)) throw error;
    return { exists: true, ok: false, problems: [`not a readable gzip file: ${(error as Error).message}`], entryCount: 0 };
  }
  if (fast !== undefined) return { exists: true, ...fast };
  let text: string;
  try {
    text = await snapshotText(file, compressed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') {
      return { exists: true, ok: false, problems: ['not in the one-entry-per-line layout this version writes, and too large to read whole'], entryCount: 0 };
    }
    throw error;
  }
  return { exists: true, ...parseCheckpoint(text, expectedSourceSystem) };
}

function where(id: string): string {
  return `entries[${JSON.stringify(id)}]`;
}

/** More than this many problems are summarised (as parseCheckpoint does). */
const MAX_PROBLEMS = 100;
const HEADER_LINE = /^ {2}("(?:[^"\\]|\\.)*"): (.*?),?$/;

/**
 * The line-by-line read; undefined when the file is not in the layout this version writes (or its text does not
 * hash to its checksum), so the caller reads it whole instead.
 */
async function readLines(file: string, compressed: boolean, expectedSourceSystem: string | undefined): Promise<CheckpointParseResult | undefined> {
  const reader = new LayoutReader();
  try {
    for await (const batch of snapshotLineBatches(file, compressed, (source) => reader.source = source)) {
      if (!reader.batch(batch)) return undefined;
    }
  } catch (error) {
    // Not JSON where the layout has it, or a line longer than a string can be (a file written on one line).
    if (error instanceof SyntaxError || (error as NodeJS.ErrnoException).code === 'ERR_STRING_TOO_LONG') return undefined;
    throw error;
  }
  return reader.finish(expectedSourceSystem);
}

/** Where in the layout the next line belongs. */
type Place = 'open' | 'header' | 'entries' | 'after-entries' | 'checksum' | 'close' | 'end' | 'done';

/**
 * The layout this version writes, one line at a time (synchronous: lines come in batches). line() says false the
 * moment a line does not fit, and the caller falls back to reading the file whole.
 */
class LayoutReader {
  #place: Place = 'open';
  readonly #top: Record<string, unknown> = {};
  readonly #entries = new Map<string, StoredEntry>();
  readonly #hash = createHash('sha256');
  /** The batch being read, and where in it the entry lines not hashed yet begin (-1: none). */
  #batch: LineBatch | undefined;
  #unhashedFrom = -1;
  #unhashedTo = -1;
  /** The plain file read: entries remember where their text sits in it, so a later snapshot can copy it from there. */
  source: SnapshotSource | undefined;
  readonly #problems: string[] = [];
  #dropped = 0;
  #count = 0;
  #previousId: string | undefined;
  #last = false;
  #checksum: string | undefined;

  /** Reads a batch of lines; false when one does not fit the layout. */
  batch(batch: LineBatch): boolean {
    this.#batch = batch;
    const { lines } = batch;
    for (let i = 0; i < lines.length; i++) if (!this.line(lines[i]!, i)) return false;
    this.#hashEntries();
    this.#batch = undefined;
    return true;
  }

  line(line: string, index: number): boolean {
    switch (this.#place) {
      case 'open':
        this.#place = 'header';
        return line === '{';
      case 'header':
        return this.#header(line);
      case 'entries':
        return this.#entry(line, index);
      case 'after-entries':
      case 'checksum': {
        const m = /^ {2}"checksum": ("sha256:[0-9a-f]{64}")$/.exec(line);
        if (!m) return false;
        this.#checksum = JSON.parse(m[1]!) as string;
        this.#place = 'close';
        return true;
      }
      case 'close':
        this.#place = 'end';
        return line === '}';
      case 'end':
        // Only the file's final line end may follow.
        this.#place = 'done';
        return line === '';
      default:
        return false;
    }
  }

  #header(line: string): boolean {
    if (line === '  "entries": {') {
      // The entries' text is `{`, then per entry a line end and its line, then `\n  }` — that is, `{\n`, then each
      // entry line with the line end that follows it in the file, then `  }`: the file's own bytes in between.
      this.#hash.update('{\n');
      this.#place = 'entries';
      return true;
    }
    if (line === '  "entries": {},') {
      this.#hash.update('{}');
      this.#place = 'checksum';
      return true;
    }
    const m = HEADER_LINE.exec(line);
    if (!m || !line.endsWith(',')) return false;
    const key = JSON.parse(m[1]!) as string;
    if (key === 'entries' || key === 'checksum' || Object.hasOwn(this.#top, key)) return false;
    this.#top[key] = JSON.parse(m[2]!) as unknown;
    return true;
  }

  #entry(line: string, index: number): boolean {
    if (line === '  },') {
      if (this.#count === 0 || !this.#last) return false;
      this.#hashEntries();
      this.#hash.update('  }');
      this.#place = 'after-entries';
      return true;
    }
    if (this.#last || !line.startsWith('    ')) return false;
    this.#last = !line.endsWith(',');
    const member = line.slice(4, this.#last ? line.length : line.length - 1);
    const colon = idEnd(member);
    if (colon < 0) return false;
    // A key without escapes is its own text between the quotes: no JSON.parse for the common case.
    const id = member.lastIndexOf('\\', colon) < 0 ? member.slice(1, colon - 1) : (JSON.parse(member.slice(0, colon)) as unknown);
    // Sorted and unique, as written: anything else is a file someone rearranged.
    if (typeof id !== 'string' || (this.#previousId !== undefined && !(id > this.#previousId))) return false;
    this.#previousId = id;
    if (this.#unhashedFrom < 0) this.#unhashedFrom = index;
    this.#unhashedTo = index;
    this.#count++;
    const value = JSON.parse(member.slice(colon + 1)) as unknown;
    const snap = snapshotEntry(value, true);
    if (!snap.ok) {
      for (const issue of snap.issues) this.#report(`${where(id)}${issue.path ? `.${issue.path}` : ''}: ${issue.message}`);
      return true;
    }
    if (snap.entry.assetId !== id) this.#report(`${where(id)}: keyed by ${JSON.stringify(id)} but its assetId is ${JSON.stringify(snap.entry.assetId)}`);
    const sourceSystem = this.#top.sourceSystem;
    if (typeof sourceSystem === 'string' && snap.entry.sourceSystem !== sourceSystem) {
      this.#report(`${where(id)}: sourceSystem ${JSON.stringify(snap.entry.sourceSystem)} in a ${sourceSystem} file`);
    }
    const stored = new LazyStoredEntry(snap.entry);
    // An entry adopted as parsed holds exactly what its line says, so the line may stand for it in the next snapshot
    // (a file that reached here hashed to its checksum: its lines are the ones a writer made).
    if (this.source !== undefined && snap.adopted) {
      const batch = this.#batch!;
      const start = batch.starts[index]! + 4;
      stored.placeAt(this.source, batch.offset + start, batch.ends[index]! - start - (this.#last ? 0 : 1));
    }
    // Keyed by the entry's own id string: the one parsed from the key would be a second copy held for the run.
    this.#entries.set(snap.entry.assetId === id ? snap.entry.assetId : id, stored);
    return true;
  }

  /** Hashes the entry lines of this batch read since the last call, as the bytes they are, each with its line end. */
  #hashEntries(): void {
    if (this.#unhashedFrom < 0) return;
    const { bytes, starts, ends } = this.#batch!;
    this.#hash.update(bytes.subarray(starts[this.#unhashedFrom]!, ends[this.#unhashedTo]! + 1));
    this.#unhashedFrom = -1;
  }

  #report(problem: string): void {
    if (this.#problems.length < MAX_PROBLEMS) this.#problems.push(problem);
    else this.#dropped++;
  }

  finish(expectedSourceSystem: string | undefined): CheckpointParseResult | undefined {
    if (this.#place !== 'end' && this.#place !== 'done') return undefined;
    const top = this.#top;
    top.checksum = this.#checksum;
    top.entries = {};
    // The text we read is not what was hashed (edited, or written by something else): let the canonical read judge.
    if (top.checksum !== `sha256:${this.#hash.digest('hex')}`) return undefined;

    // Header problems first, as parseCheckpoint lists them: they usually explain the entry problems.
    const headerProblems: string[] = [];
    const { unsupportedVersion } = checkHeader(top, expectedSourceSystem, (problem) => headerProblems.push(problem));
    if (unsupportedVersion !== undefined) return unsupported(unsupportedVersion);
    const problems = [...headerProblems, ...this.#problems];
    let dropped = this.#dropped;
    if (problems.length > MAX_PROBLEMS) {
      dropped += problems.length - MAX_PROBLEMS;
      problems.length = MAX_PROBLEMS;
    }
    if (dropped > 0) problems.push(`… and ${dropped} more problem(s)`);
    const sourceSystem = typeof top.sourceSystem === 'string' ? top.sourceSystem : undefined;
    if (problems.length > 0 || sourceSystem === undefined) return { ok: false, problems, entryCount: this.#count };
    const document: CheckpointDocument = documentOf(top, sourceSystem, this.#entries);
    if (this.source !== undefined) document.source = this.source;
    return { ok: true, document, entryCount: this.#count, problems: [] };
  }
}

/** Index of the `:` after the JSON string that starts `member`, or -1. */
function idEnd(member: string): number {
  if (member.charCodeAt(0) !== 0x22) return -1;
  for (let i = 1; i < member.length; i++) {
    const c = member.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return member.charCodeAt(i + 1) === 0x3a ? i + 1 : -1;
  }
  return -1;
}

function isDecodeError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return code.startsWith('Z_') || code === 'ERR_INVALID_ARG_TYPE';
}
