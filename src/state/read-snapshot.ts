import { createHash } from 'node:crypto';

import type { CheckpointDocument, CheckpointParseResult, StoredEntry } from './checkpoint-file.ts';
import { LazyStoredEntry, checkHeader, documentOf, parseCheckpoint, unsupported } from './checkpoint-file.ts';
import { snapshotEntry } from './entry-snapshot.ts';
import { isCompressed, snapshotLines, snapshotText } from './snapshot-stream.ts';

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

/** More than this many problems are summarised (as parseCheckpoint does). */
const MAX_PROBLEMS = 100;
const HEADER_LINE = /^ {2}("(?:[^"\\]|\\.)*"): (.*?),?$/;

/**
 * The line-by-line read; undefined when the file is not in the layout this version writes (or its text does not
 * hash to its checksum), so the caller reads it whole instead.
 */
async function readLines(file: string, compressed: boolean, expectedSourceSystem: string | undefined): Promise<CheckpointParseResult | undefined> {
  const lines = snapshotLines(file, compressed);
  try {
    const first = await lines.next();
    if (first.done || first.value !== '{') return undefined;

    // Header fields, one per line, up to "entries".
    const top: Record<string, unknown> = {};
    let empty = false;
    for (;;) {
      const next = await lines.next();
      if (next.done) return undefined;
      const line = next.value;
      if (line === '  "entries": {') break;
      if (line === '  "entries": {},') {
        empty = true;
        break;
      }
      const m = HEADER_LINE.exec(line);
      if (!m || !line.endsWith(',')) return undefined;
      const key = JSON.parse(m[1]!) as string;
      if (key === 'entries' || key === 'checksum' || Object.hasOwn(top, key)) return undefined;
      top[key] = JSON.parse(m[2]!) as unknown;
    }

    const problems: string[] = [];
    let dropped = 0;
    const report = (problem: string) => (problems.length < MAX_PROBLEMS ? problems.push(problem) : dropped++);
    const sourceSystem = typeof top.sourceSystem === 'string' ? top.sourceSystem : undefined;
    const entries = new Map<string, StoredEntry>();
    const hash = createHash('sha256');
    let count = 0;
    let previousId: string | undefined;

    if (empty) {
      hash.update('{}');
    } else {
      let last = false;
      for (;;) {
        const next = await lines.next();
        if (next.done) return undefined;
        const line = next.value;
        if (line === '  },') {
          if (count === 0 || !last) return undefined;
          break;
        }
        if (last || !line.startsWith('    ')) return undefined;
        last = !line.endsWith(',');
        const member = line.slice(4, last ? line.length : line.length - 1);
        const colon = idEnd(member);
        if (colon < 0) return undefined;
        const id = JSON.parse(member.slice(0, colon)) as unknown;
        // Sorted and unique, as written: anything else is a file someone rearranged.
        if (typeof id !== 'string' || (previousId !== undefined && !(id > previousId))) return undefined;
        previousId = id;
        hash.update(count === 0 ? '{\n    ' : ',\n    ');
        hash.update(member);
        count++;
        const value = JSON.parse(member.slice(colon + 1)) as unknown;
        const where = `entries[${JSON.stringify(id)}]`;
        const snap = snapshotEntry(value);
        if (!snap.ok) {
          for (const issue of snap.issues) report(`${where}${issue.path ? `.${issue.path}` : ''}: ${issue.message}`);
          continue;
        }
        if (snap.entry.assetId !== id) report(`${where}: keyed by ${JSON.stringify(id)} but its assetId is ${JSON.stringify(snap.entry.assetId)}`);
        if (sourceSystem !== undefined && snap.entry.sourceSystem !== sourceSystem) {
          report(`${where}: sourceSystem ${JSON.stringify(snap.entry.sourceSystem)} in a ${sourceSystem} file`);
        }
        entries.set(id, new LazyStoredEntry(snap.entry));
      }
      hash.update('\n  }');
    }

    const checksumLine = await lines.next();
    const m = checksumLine.done ? null : /^ {2}"checksum": ("sha256:[0-9a-f]{64}")$/.exec(checksumLine.value);
    if (!m) return undefined;
    const closing = await lines.next();
    if (closing.done || closing.value !== '}') return undefined;
    const after = await lines.next();
    if (!after.done && (after.value !== '' || !(await lines.next()).done)) return undefined;

    top.checksum = JSON.parse(m[1]!) as string;
    top.entries = {};
    // The text we read is not what was hashed (edited, or written by something else): let the canonical read judge.
    if (top.checksum !== `sha256:${hash.digest('hex')}`) return undefined;

    // Header problems first, as parseCheckpoint lists them: they usually explain the entry problems.
    const headerProblems: string[] = [];
    const { unsupportedVersion } = checkHeader(top, expectedSourceSystem, (problem) => headerProblems.push(problem));
    if (unsupportedVersion !== undefined) return unsupported(unsupportedVersion);
    problems.unshift(...headerProblems);
    if (problems.length > MAX_PROBLEMS) {
      dropped += problems.length - MAX_PROBLEMS;
      problems.length = MAX_PROBLEMS;
    }
    if (dropped > 0) problems.push(`… and ${dropped} more problem(s)`);
    if (problems.length > 0 || sourceSystem === undefined) return { ok: false, problems, entryCount: count };
    const document: CheckpointDocument = documentOf(top, sourceSystem, entries);
    return { ok: true, document, entryCount: count, problems: [] };
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  } finally {
    await lines.return(undefined);
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
