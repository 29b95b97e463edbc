import fs from 'node:fs/promises';

import { replayJournal } from './checkpoint-file.ts';
import type { RecordedOwner } from './describe-owner.ts';
import { readSnapshotFile } from './read-snapshot.ts';
import { isCompressed } from './snapshot-stream.ts';
import { CheckpointJournalCorruptError } from './state-errors.ts';

export interface CheckpointFileReport {
  path: string;
  exists: boolean;
  ok: boolean;
  /** Everything wrong: checksum mismatch first, entry problems with their path (`entries["S/A"].hashes.schema`). */
  problems: string[];
  entryCount: number;
  sizeBytes?: number;
  sourceSystem?: string;
  updatedAt?: string;
  /** The job and target the file records (valid files only; empty for a file written before they were recorded). */
  owner?: RecordedOwner;
  /** Set when the file declares a formatVersion newer than this build reads. */
  unsupportedVersion?: unknown;
  /** Whether the snapshot is stored gzip-compressed (`checkpoints.compression`). */
  compressed?: boolean;
  /**
   * The journal beside a valid snapshot: changes made durable since it was written (`pending`), a journal naming an
   * older snapshot (`stale`, ignored), a damaged tail a crash left (`tornBytes`, ignored). A journal damaged in the
   * middle makes the report not ok, with the recovery in its problem.
   */
  journal?: { state: string; pending: number; tornBytes: number };
}

/**
 * Full validation of one checkpoint (or backup) file for `checkpoints validate`: never throws for bad content,
 * never changes anything. Pass `sourceSystem` to also check the file belongs to it.
 */
export async function validateCheckpointFile(
  file: string,
  options: { sourceSystem?: string } = {},
): Promise<CheckpointFileReport> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { path: file, exists: false, ok: false, problems: ['file does not exist'], entryCount: 0 };
  }
  const result = await readSnapshotFile(file, options.sourceSystem);
  if (!result.exists) return { path: file, exists: false, ok: false, problems: ['file does not exist'], entryCount: 0 };
  const report: CheckpointFileReport = {
    path: file,
    exists: true,
    ok: result.ok,
    problems: result.problems,
    entryCount: result.entryCount,
    sizeBytes: stat.size,
    compressed: (await isCompressed(file)) === true,
  };
  if (result.ok) {
    try {
      const replay = await replayJournal(file, result.document);
      report.journal = { state: replay.state, pending: replay.changes, tornBytes: replay.tornBytes };
      report.entryCount = result.document.entries.size;
    } catch (error) {
      if (!(error instanceof CheckpointJournalCorruptError)) throw error;
      report.ok = false;
      report.problems = [error.message];
      report.journal = { state: 'corrupt', pending: 0, tornBytes: 0 };
    }
  }
  if (result.ok && report.ok) {
    const { document } = result;
    report.sourceSystem = document.sourceSystem;
    if (document.updatedAt !== undefined) report.updatedAt = document.updatedAt;
    report.owner = {
      ...(document.job !== undefined ? { job: document.job } : {}),
      ...(document.target !== undefined ? { target: document.target } : {}),
    };
  } else if (!result.ok && result.unsupportedVersion !== undefined) {
    report.unsupportedVersion = result.unsupportedVersion;
  }
  return report;
}
