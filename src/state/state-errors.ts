/**
 * Typed errors of the checkpoint state. Each carries a stable `code` so the CLI can map it to an exit code and a
 * hint without matching on message text.
 */

/**
 * The checkpoint file failed validation (unreadable JSON, checksum mismatch, schema problems) and no valid backup
 * could stand in for it. Deliberately an error and never an empty store: an empty store would make the next run
 * treat every asset as CREATED and re-sync the whole catalog.
 */
export class CheckpointCorruptError extends Error {
  readonly code = 'CHECKPOINT_CORRUPT' as const;
  override readonly name = 'CheckpointCorruptError';

  constructor(
    /** The file that failed validation. */
    readonly path: string,
    /** The first problem, for the message. */
    readonly reason: string,
    /** Every problem found, e.g. per-entry schema problems with their path. */
    readonly problems: readonly string[] = [reason],
    /** Backups that were tried and found invalid too, newest first. */
    readonly backupsTried: readonly string[] = [],
  ) {
    const tried = backupsTried.length === 0 ? 'no backup exists' : `none of ${backupsTried.length} backup(s) is valid`;
    super(`checkpoint file ${path} is corrupt (${reason}) and ${tried}`);
  }
}

/**
 * The checkpoint file was written in a format version this build does not understand. Kept apart from
 * CheckpointCorruptError on purpose: the file is probably fine, so it must not be moved aside and replaced by an
 * older backup (that would silently downgrade the state of a newer installation).
 */
export class CheckpointVersionError extends Error {
  readonly code = 'CHECKPOINT_VERSION_UNSUPPORTED' as const;
  override readonly name = 'CheckpointVersionError';

  constructor(
    readonly path: string,
    readonly formatVersion: unknown,
    readonly supportedVersion: number,
  ) {
    super(
      `checkpoint file ${path} has formatVersion ${JSON.stringify(formatVersion)}; this version of catalog-sync ` +
        `reads formatVersion ${supportedVersion} — upgrade catalog-sync`,
    );
  }
}

/** Another run holds the lock on this checkpoint. */
export class LockHeldError extends Error {
  readonly code = 'LOCK_HELD' as const;
  override readonly name = 'LockHeldError';

  constructor(
    readonly path: string,
    /** Undefined when the lock file could not be read (another process is just writing it). */
    readonly pid: number | undefined,
    readonly hostname: string | undefined,
    readonly startedAt: string | undefined,
  ) {
    const holder =
      pid === undefined
        ? 'another process (the lock file is being written)'
        : `pid ${pid} on ${hostname ?? 'an unknown host'}, started ${startedAt ?? 'at an unknown time'}`;
    super(`checkpoint lock ${path} is held by ${holder}; if that run is gone, delete the lock file`);
  }
}

export type StateErrorCode =
  | CheckpointCorruptError['code']
  | CheckpointVersionError['code']
  | LockHeldError['code'];
