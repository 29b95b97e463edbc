import path from 'node:path';

/**
 * Where the files of one source system's checkpoint live:
 *
 *   <dir>/<sourceSystem>_checkpoints.json                    the checkpoint
 *   <dir>/<sourceSystem>_checkpoints.lock                    held by a running sync
 *   <dir>/<sourceSystem>_checkpoints.corrupt-<stamp>.json    a corrupt file kept aside for inspection
 *   <dir>/backup/<sourceSystem>_checkpoints_<stamp>.json     the file as it was before each write
 */
export interface CheckpointPaths {
  dir: string;
  sourceSystem: string;
  /** `<sourceSystem>_checkpoints`: the prefix every file of this checkpoint starts with. */
  baseName: string;
  file: string;
  lock: string;
  backupDir: string;
}

/**
 * Source system names become file names, so they are restricted to a safe alphabet: no separators, no `..`, nothing
 * a shell or Windows would trip over.
 */
const SOURCE_SYSTEM_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function checkpointPaths(dir: string, sourceSystem: string): CheckpointPaths {
  if (!SOURCE_SYSTEM_PATTERN.test(sourceSystem)) {
    throw new TypeError(
      `invalid source system name ${JSON.stringify(sourceSystem)}: use letters, digits, '.', '_' or '-' (max 100)`,
    );
  }
  const baseName = `${sourceSystem}_checkpoints`;
  return {
    dir,
    sourceSystem,
    baseName,
    file: path.join(dir, `${baseName}.json`),
    lock: path.join(dir, `${baseName}.lock`),
    backupDir: path.join(dir, 'backup'),
  };
}
