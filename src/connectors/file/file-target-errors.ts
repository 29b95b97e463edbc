import type { TableRef } from '../../catalog/target.ts';
import { refKey } from '../../catalog/ref-key.ts';

export { NotOwnedError, TableNotFoundError } from '../../mapping/ownership-errors.ts';

export class ConcurrentModificationError extends Error {
  override readonly name = 'ConcurrentModificationError';
  constructor(
    readonly ref: TableRef,
    readonly expected: string | undefined,
    readonly actual: string | undefined,
  ) {
    super(`${refKey(ref)} changed since it was read: expected version ${expected ?? 'none'}, found ${actual ?? 'none'}`);
  }
}

/** A ref this target cannot store: not a normalised Glue name, or the reserved `_database`. */
export class InvalidTableRefError extends Error {
  override readonly name = 'InvalidTableRefError';
}

/** A file under the target folder that is not a table this target can read. */
export class CorruptTableFileError extends Error {
  override readonly name = 'CorruptTableFileError';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
