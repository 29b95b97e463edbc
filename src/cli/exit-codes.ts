import { ConfigError } from '../config/config-error.ts';
import { DriftError, GuardError } from '../engine/engine-errors.ts';

/** The only place that decides how the process ends. */
export const ExitCode = {
  ok: 0,
  fatal: 1,
  /** `plan`: changes are pending. */
  changesPending: 2,
  /** Some assets failed or a space could not be listed completely; the rest was synced. */
  partial: 3,
  /** A safety guard (max deletes, empty space, drift under `fail`) stopped the run before it did harm. */
  guardStopped: 4,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof GuardError || error instanceof DriftError) return ExitCode.guardStopped;
  if (error instanceof ConfigError) return ExitCode.fatal;
  return ExitCode.fatal;
}
