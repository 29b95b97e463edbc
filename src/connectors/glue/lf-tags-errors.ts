import { messageOf } from '../../catalog/message-of.ts';
import { awsAttempts, awsErrorCode } from './glue-target-errors.ts';

/**
 * A Lake Formation call that failed for good (after the SDK's retries, or with an error that is not retried), or
 * that answered with per-tag failures in its body (AddLFTagsToResource and RemoveLFTagsFromResource report those
 * there rather than as an exception). The table it was for counts as failed; the next run tries again.
 */
export class LfTagsError extends Error {
  override readonly name = 'LfTagsError';
  readonly code = 'LF_TAGS_FAILED';
  constructor(
    readonly operation: string,
    readonly resource: string,
    /** The AWS error code(s), e.g. `AccessDeniedException`. */
    readonly awsCode: string,
    detail: string,
    attempts = 1,
    cause?: unknown,
  ) {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    super(`${operation} ${resource} failed${tries}: ${awsCode}: ${detail}`, cause === undefined ? undefined : { cause });
  }

  static fromCall(operation: string, resource: string, error: unknown): LfTagsError {
    return new LfTagsError(operation, resource, awsErrorCode(error) ?? 'Error', messageOf(error), awsAttempts(error), error);
  }
}
