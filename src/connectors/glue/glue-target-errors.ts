import type { TableRef } from '../../catalog/target.ts';
import { refKey } from '../../catalog/ref-key.ts';

export { NotOwnedError, TableNotFoundError } from '../../mapping/ownership-errors.ts';

export class GlueConflictError extends Error {
  override readonly name = 'GlueConflictError';
  constructor(readonly ref: TableRef) {
    super(
      `conflict: ${refKey(ref)} was changed by another writer while we updated it, twice in a row ` +
        '(ConcurrentModificationException after a re-read); not written, the next run retries',
    );
  }
}

/** A database or table name Glue would store differently (case) or reject (length, control characters). */
export class InvalidGlueNameError extends Error {
  override readonly name = 'InvalidGlueNameError';
}

/**
 * A Glue call that failed for good: after the SDK's retries, or with an error that is not retried. The message
 * names the operation, the table and the attempts, so a failed-asset entry in the summary says what happened.
 */
export class GlueCallError extends Error {
  override readonly name = 'GlueCallError';
  constructor(
    readonly operation: string,
    readonly target: string,
    readonly code: string,
    readonly attempts: number,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    super(`${operation} ${target} failed${tries}: ${code}: ${detail}`, { cause });
  }
}

/** The AWS error code (`EntityNotFoundException`, `ThrottlingException`, …) of a thrown SDK error. */
export function awsErrorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/** How many HTTP attempts the SDK made for the call that threw `error` (1 when it does not say). */
export function awsAttempts(error: unknown): number {
  const metadata = (error as { $metadata?: { attempts?: unknown } } | null)?.$metadata;
  return typeof metadata?.attempts === 'number' ? metadata.attempts : 1;
}
