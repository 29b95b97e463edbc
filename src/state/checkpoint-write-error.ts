import { errorCodeOf } from '../catalog/error-code-of.ts';
import { messageOf } from '../catalog/message-of.ts';

/**
 * Which checkpoint file a failed write was making: the lock taken before a run, the journal a flush appends to, the
 * backup made before the checkpoint file is replaced, or the checkpoint file (snapshot) itself.
 */
export type CheckpointWriteStep = 'lock' | 'journal' | 'backup' | 'snapshot';

/**
 * A checkpoint file could not be written: a full disk (ENOSPC), a folder that is not writable (EACCES, EPERM,
 * EROFS), a failing device (EIO). Nothing of that write is assumed durable, and the file it would have replaced is
 * left as it was (the previous checkpoint stays valid). The tables a run wrote before this are not lost work: each
 * carries the owning job and the hashes it was written from, so the next run finds them already holding the
 * intended version and only records them.
 */
export class CheckpointWriteError extends Error {
  readonly code = 'CHECKPOINT_WRITE_FAILED' as const;
  override readonly name = 'CheckpointWriteError';
  /** The operating system's error code (ENOSPC, EACCES, EIO, …), when there is one. */
  readonly reason: string | undefined;

  constructor(
    /** The file (or folder) that could not be written. */
    readonly file: string,
    readonly step: CheckpointWriteStep,
    cause: unknown,
  ) {
    const reason = errorCodeOf(cause);
    // The lock is taken before a run reads or writes anything: saying so spares the question of what happened.
    const before = step === 'lock' ? ' (the run did not start: nothing was read or written)' : '';
    super(`could not write the checkpoint ${STEP_NAMES[step]} ${file}: ${describe(cause)}${before}. ${writeFailureAdvice(reason)}`, { cause });
    this.reason = reason;
  }
}

const STEP_NAMES: Record<CheckpointWriteStep, string> = {
  lock: 'lock',
  journal: 'journal',
  backup: 'backup',
  snapshot: 'file',
};

/** The error as it is, or wrapped as a CheckpointWriteError naming `file` (an error already naming one is kept). */
export function checkpointWriteError(file: string, step: CheckpointWriteStep, error: unknown): CheckpointWriteError {
  return error instanceof CheckpointWriteError ? error : new CheckpointWriteError(file, step, error);
}

/** What to do about a failed checkpoint write, by the operating system's error code. */
export function writeFailureAdvice(reason: string | undefined): string {
  switch (reason) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'Free space on that file system (or raise the quota) and run sync again';
    case 'EACCES':
    case 'EPERM':
      return 'Make that folder and its files writable for the user running catalog-sync and run sync again';
    case 'EROFS':
      return 'That file system is mounted read-only: put checkpoints.dir on a writable one (or remount it) and run sync again';
    case 'EIO':
      return 'The device reported an I/O error: check it (dmesg, the volume\'s health) and run sync again';
    default:
      return 'Fix the cause and run sync again';
  }
}

/** The system message without the path Node repeats in it (the file is named once, in front). */
function describe(error: unknown): string {
  return messageOf(error).replace(/, \w+ '[^']*'( -> '[^']*')?$/, '');
}
