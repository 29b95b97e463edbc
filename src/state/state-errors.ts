import { describeOwner } from './describe-owner.ts';
import type { RecordedOwner } from './describe-owner.ts';

/**
 * Typed errors of the checkpoint state. Each carries a stable `code` so the CLI can map it to an exit code and a
 * hint without matching on message text.
 */

/**
 * What to do about a corrupt checkpoint no backup can replace. Both ways are safe: every table we write carries the
 * owning job and the hashes it was written from, so a rebuild reads the state back from the target, and a run from
 * an empty checkpoint finds the tables that already hold the intended version and only records them.
 */
export function corruptCheckpointAdvice(file: string): string {
  return (
    'run `catalog-sync checkpoints rebuild` to rebuild it from the tables this job owns in the target, or delete ' +
    `${file} to start over (the next run then treats every asset as new; the ownership markers on the target's ` +
    'tables keep it from creating duplicates)'
  );
}

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
    super(`checkpoint file ${path} is corrupt (${reason}) and ${tried}; ${corruptCheckpointAdvice(path)}`);
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

/**
 * The checkpoint belongs to another job or target than the config opening it. Refused rather than used: its entries
 * would make every asset look already written, and this target would silently receive nothing.
 */
export class CheckpointIdentityError extends Error {
  readonly code = 'CHECKPOINT_IDENTITY_MISMATCH' as const;
  override readonly name = 'CheckpointIdentityError';

  constructor(
    readonly path: string,
    /** What the file records. */
    readonly recorded: RecordedOwner,
    /** Who tried to use it. */
    readonly expected: RecordedOwner,
  ) {
    super(
      `checkpoint file ${path} belongs to ${describeOwner(recorded)}, but this config is ` +
        `${describeOwner(expected)}. Each job and target needs a checkpoint of its own: give each config its own ` +
        '`job.name` (the file name carries it) or its own `checkpoints.dir`. If this job has really moved to the ' +
        'new target, delete the file to start over (the next run treats every asset as new)',
    );
  }
}

/**
 * The checkpoint journal is damaged in the middle: a line fails its checksum (or is no valid record) and good lines
 * follow it. A crash only ever cuts the last line short (that one is ignored); this is damage from elsewhere, and
 * neither replaying around the gap nor dropping everything after it is a decision to make silently. The snapshot
 * itself is intact.
 */
export class CheckpointJournalCorruptError extends Error {
  readonly code = 'CHECKPOINT_JOURNAL_CORRUPT' as const;
  override readonly name = 'CheckpointJournalCorruptError';

  constructor(
    readonly path: string,
    /** The snapshot the journal extends. */
    readonly snapshot: string,
    /** 1-based line number of the damage. */
    readonly line: number,
    readonly reason: string,
  ) {
    super(
      `checkpoint journal ${path} is damaged at line ${line} (${reason}) and has good lines after it; the checkpoint ` +
        `${snapshot} itself is intact. ${journalRecoveryAdvice(path)}`,
    );
  }
}

/** What to do about a damaged journal; README "Checkpoints" says the same. */
export function journalRecoveryAdvice(path: string): string {
  return (
    `Move the journal aside (\`mv ${path} ${path}.damaged\`) and run sync again: the changes it recorded are ` +
    'found again in the target — every table we write carries its asset id and the hashes it was written from — and ' +
    're-recorded without being written twice. Or restore a backup (`catalog-sync checkpoints restore`)'
  );
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
  | CheckpointJournalCorruptError['code']
  | CheckpointIdentityError['code']
  | CheckpointVersionError['code']
  | LockHeldError['code'];
