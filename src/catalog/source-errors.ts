/**
 * Errors a run raises about its source as a whole (not one asset). Each has a stable `code`; the CLI maps codes to
 * exit codes in one place.
 */

/** The configured source location does not exist (a mistyped export folder must not look like an empty catalog). */
export class SourceNotFoundError extends Error {
  readonly code = 'SOURCE_NOT_FOUND';
  override readonly name = 'SourceNotFoundError';
  constructor(readonly location: string) {
    super(`source not found: ${location} does not exist`);
  }
}

/** `--space` named spaces the source does not have. */
export class UnknownSpaceError extends Error {
  readonly code = 'UNKNOWN_SPACE';
  override readonly name = 'UnknownSpaceError';
  constructor(
    readonly unknown: readonly string[],
    readonly available: readonly string[],
  ) {
    super(
      `the source has no space ${unknown.map((s) => JSON.stringify(s)).join(', ')}; ` +
        `it has: ${available.length > 0 ? available.join(', ') : '(none)'}`,
    );
  }
}

/** A first run (nothing in the checkpoint) found no asset at all: almost always a wrong path, space or filter. */
export class NoAssetsError extends Error {
  readonly code = 'NO_ASSETS';
  override readonly name = 'NoAssetsError';
  constructor(readonly spaces: readonly string[]) {
    super(
      `the source listed no assets in ${spaces.length > 0 ? spaces.join(', ') : 'any space'} and nothing was synced before; ` +
        'check the source path, the spaces and the include/exclude patterns',
    );
  }
}
