import fs from 'node:fs/promises';

import { parseCheckpoint } from './checkpoint-file.ts';
import type { RecordedOwner } from './describe-owner.ts';

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
}

/**
 * Full validation of one checkpoint (or backup) file for `checkpoints validate`: never throws for bad content,
 * never changes anything. Pass `sourceSystem` to also check the file belongs to it.
 */
export async function validateCheckpointFile(
  file: string,
  options: { sourceSystem?: string } = {},
): Promise<CheckpointFileReport> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { path: file, exists: false, ok: false, problems: ['file does not exist'], entryCount: 0 };
  }
  const result = parseCheckpoint(text, options.sourceSystem);
  const report: CheckpointFileReport = {
    path: file,
    exists: true,
    ok: result.ok,
    problems: result.problems,
    entryCount: result.entryCount,
    sizeBytes: Buffer.byteLength(text),
  };
  if (result.ok) {
    const { document } = result;
    report.sourceSystem = document.sourceSystem;
    if (document.updatedAt !== undefined) report.updatedAt = document.updatedAt;
    report.owner = {
      ...(document.job !== undefined ? { job: document.job } : {}),
      ...(document.target !== undefined ? { target: document.target } : {}),
    };
  } else if (result.unsupportedVersion !== undefined) {
    report.unsupportedVersion = result.unsupportedVersion;
  }
  return report;
}
