/**
 * The only place that decides how the process ends. Errors are mapped by their stable `code` field, never by
 * class identity or message text, so any layer can throw a typed error without the CLI importing it.
 */
export const ExitCode = {
  ok: 0,
  fatal: 1,
  /** `plan`: changes are pending. `verify`: drift was found. */
  changesPending: 2,
  /** Some assets failed or a space could not be listed completely; the rest was synced. */
  partial: 3,
  /** A safety guard (max deletes, empty space, drift under `fail`) stopped the run before it did harm. */
  guardStopped: 4,
  /** Another run holds the checkpoint lock (see `--wait-lock`). */
  lockHeld: 5,
  /** Stopped by SIGINT (128 + 2). */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + 15). */
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Error `code` → exit code. Codes not listed here are fatal. */
const BY_CODE: Readonly<Record<string, ExitCodeValue>> = {
  GUARD_STOPPED: ExitCode.guardStopped,
  TARGET_DRIFT: ExitCode.guardStopped,
  LOCK_HELD: ExitCode.lockHeld,
  // Listed although fatal is the default: a checkpoint that cannot be written (full disk, read-only folder) needs a
  // person, and must never read as a partial run that the next scheduled one will simply finish.
  CHECKPOINT_WRITE_FAILED: ExitCode.fatal,
  INTERRUPTED: ExitCode.interrupted,
  TERMINATED: ExitCode.terminated,
};

/** The stable `code` of a typed error, if it has one. */
export function errorCodeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

export function exitCodeFor(error: unknown): ExitCodeValue {
  const code = errorCodeOf(error);
  return (code !== undefined ? BY_CODE[code] : undefined) ?? ExitCode.fatal;
}

/** The exit code of a process stopped by a signal: 128 + the signal's number, as shells report it. */
export function exitCodeForSignal(signal: NodeJS.Signals): ExitCodeValue {
  return signal === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted;
}

/** How a finished run (sync, dry-run or plan) ends. */
export interface RunEnding {
  status: 'ok' | 'partial' | 'stopped' | 'guard-stopped' | 'failed';
  /** The guard that stopped the run, or (plan, dry-run) would have stopped it. */
  guardCode?: string;
  planOnly: boolean;
  /** `plan`: at least one table would change. */
  pending: boolean;
  /** The signal that stopped it, if one did. */
  signal?: NodeJS.Signals;
  /** The code of the error that made it fail (`status: 'failed'`), e.g. CHECKPOINT_WRITE_FAILED. */
  errorCode?: string;
}

export function exitCodeForRun(run: RunEnding): ExitCodeValue {
  if (run.signal) return exitCodeForSignal(run.signal);
  if (run.guardCode !== undefined) return exitCodeFor({ code: run.guardCode });
  if (run.status === 'failed') return run.errorCode !== undefined ? exitCodeFor({ code: run.errorCode }) : ExitCode.fatal;
  if (run.status === 'stopped') return ExitCode.interrupted;
  if (run.status === 'partial') return ExitCode.partial;
  if (run.planOnly && run.pending) return ExitCode.changesPending;
  return ExitCode.ok;
}
