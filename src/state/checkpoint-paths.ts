import path from 'node:path';

/**
 * Where the files of one checkpoint live. A checkpoint belongs to one job and one source system:
 *
 *   <dir>/<job>@<sourceSystem>_checkpoints.json                    the checkpoint (its snapshot; plain or gzip)
 *   <dir>/<job>@<sourceSystem>_checkpoints.journal                 changes since the snapshot (checkpoint-journal.ts)
 *   <dir>/<job>@<sourceSystem>_checkpoints.lock                    held by a running sync
 *   <dir>/<job>@<sourceSystem>_checkpoints.corrupt-<stamp>.json    a corrupt file kept aside for inspection
 *   <dir>/backup/<job>@<sourceSystem>_checkpoints_<stamp>.json     the file as it was before each write
 *
 * The job is in the name so that two configs sharing `checkpoints.dir` with different `job.name`s never share a
 * file (or a lock). `@` cannot occur in a job or source system name, so no two pairs map to one name.
 *
 * Without a job the name is the one versions before the job was recorded used, `<sourceSystem>_checkpoints.json`:
 * the legacy name a job adopts on its first run (see locate-checkpoint.ts), and what tools and tests that open a
 * checkpoint outside any job use.
 */
export interface CheckpointPaths {
  dir: string;
  sourceSystem: string;
  /** The job the file name carries; undefined for the legacy name. */
  job?: string;
  /** `[<job>@]<sourceSystem>_checkpoints`: the prefix every file of this checkpoint starts with. */
  baseName: string;
  file: string;
  lock: string;
  backupDir: string;
}

/**
 * Source system and job names become file names, so they are restricted to a safe alphabet: no separators, nothing
 * a shell or Windows would trip over. (A job named `..` is harmless here: it only ever appears before the `@`.)
 */
const SOURCE_SYSTEM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const JOB_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

export function checkpointPaths(dir: string, sourceSystem: string, job?: string): CheckpointPaths {
  if (!SOURCE_SYSTEM_PATTERN.test(sourceSystem)) {
    throw new TypeError(
      `invalid source system name ${JSON.stringify(sourceSystem)}: use letters, digits, '.', '_' or '-' (max 100)`,
    );
  }
  if (job !== undefined && !JOB_PATTERN.test(job)) {
    throw new TypeError(`invalid job name ${JSON.stringify(job)}: use letters, digits, '.', '_' or '-' (max 100)`);
  }
  const baseName = job === undefined ? `${sourceSystem}_checkpoints` : `${job}@${sourceSystem}_checkpoints`;
  return {
    dir,
    sourceSystem,
    ...(job !== undefined ? { job } : {}),
    baseName,
    file: path.join(dir, `${baseName}.json`),
    lock: path.join(dir, `${baseName}.lock`),
    backupDir: path.join(dir, 'backup'),
  };
}

/** The legacy (job-less) paths of the same checkpoint folder and source system. */
export function legacyCheckpointPaths(paths: CheckpointPaths): CheckpointPaths {
  return checkpointPaths(paths.dir, paths.sourceSystem);
}
