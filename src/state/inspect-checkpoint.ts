import { findNewestValidBackup } from './backups.ts';
import { checkOwner } from './checkpoint-identity.ts';
import type { CheckpointOwner } from './checkpoint-identity.ts';
import { checkpointPaths } from './checkpoint-paths.ts';
import { CHECKPOINT_FORMAT_VERSION } from './checkpoint-schema.ts';
import { locateCheckpoint } from './locate-checkpoint.ts';
import { CheckpointIdentityError, corruptCheckpointAdvice } from './state-errors.ts';
import { validateCheckpointFile } from './validate-checkpoint-file.ts';
import type { CheckpointFileReport } from './validate-checkpoint-file.ts';

export interface CheckpointInspection extends CheckpointFileReport {
  /** Read from the legacy name (`<sourceSystem>_checkpoints.json`): the job's next sync adopts it. */
  legacy: boolean;
  /** How the file's recorded owner compares with the one given: `unrecorded` files are adopted by the next sync. */
  ownership?: 'match' | 'unrecorded' | 'mismatch';
  /** The mismatch, in the words sync would refuse with. */
  ownershipProblem?: string;
  /** For an invalid file: the backup the next sync (or `checkpoints restore`) would put in its place. */
  fallback?: { fileName: string; entryCount: number; updatedAt?: string };
  /** For an invalid file no backup can replace: what to do. */
  advice?: string;
}

/**
 * Everything `checkpoints validate` reports about a job's checkpoint — validity, recorded owner, and for a broken
 * file what the next sync would do about it — without changing any file.
 */
export async function inspectCheckpoint(options: {
  dir: string;
  sourceSystem: string;
  owner?: CheckpointOwner;
}): Promise<CheckpointInspection> {
  const { paths, legacy } = await locateCheckpoint(checkpointPaths(options.dir, options.sourceSystem, options.owner?.job));
  const report: CheckpointInspection = {
    ...(await validateCheckpointFile(paths.file, { sourceSystem: paths.sourceSystem })),
    legacy,
  };
  if (!report.exists) return report;
  if (report.ok && options.owner && report.owner) {
    try {
      report.ownership = checkOwner(report.owner, options.owner, paths.file) === 'match' ? 'match' : 'unrecorded';
    } catch (error) {
      if (!(error instanceof CheckpointIdentityError)) throw error;
      report.ownership = 'mismatch';
      report.ownershipProblem = error.message;
    }
  }
  if (!report.ok) {
    if (report.unsupportedVersion !== undefined) {
      report.advice = `the file is of a newer format (version ${JSON.stringify(report.unsupportedVersion)}; this ` +
        `build reads ${CHECKPOINT_FORMAT_VERSION}): upgrade catalog-sync`;
      return report;
    }
    const found = await findNewestValidBackup(paths);
    if (found.backup && found.document) {
      report.fallback = {
        fileName: found.backup.fileName,
        entryCount: found.document.entries.size,
        ...(found.document.updatedAt !== undefined ? { updatedAt: found.document.updatedAt } : {}),
      };
    } else {
      report.advice = corruptCheckpointAdvice(paths.file);
    }
  }
  return report;
}
