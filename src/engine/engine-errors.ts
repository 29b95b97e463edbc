/** A safety guard stopped the run before anything destructive happened. */
export class GuardError extends Error {
  readonly code = 'GUARD_STOPPED';
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'GuardError';
  }
}

/** The conflict policy `fail` met a table that changed in the target since our last write. */
export class DriftError extends Error {
  readonly code = 'TARGET_DRIFT';
  constructor(
    message: string,
    readonly tables: string[],
  ) {
    super(message);
    this.name = 'DriftError';
  }
}
