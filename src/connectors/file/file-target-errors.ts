import type { TableRef } from '../../catalog/target.ts';

function show(ref: TableRef): string {
  return `${ref.database}.${ref.table}`;
}

/** The table exists but carries no ownership marker for this job: we never change or remove it. */
export class NotOwnedError extends Error {
  override readonly name = 'NotOwnedError';
  constructor(
    readonly ref: TableRef,
    readonly action: 'update' | 'deprecate' | 'delete',
    readonly owner: string | undefined,
    readonly job: string,
  ) {
    const whose = owner === undefined ? 'carries no ownership marker' : `is owned by job "${owner}"`;
    super(`refusing to ${action} ${show(ref)}: it ${whose} (catalog_sync.owner), and this is job "${job}"`);
  }
}

/** The table changed on disk since readState (the file target's ConcurrentModificationException). */
export class ConcurrentModificationError extends Error {
  override readonly name = 'ConcurrentModificationError';
  constructor(
    readonly ref: TableRef,
    readonly expected: string | undefined,
    readonly actual: string | undefined,
  ) {
    super(`${show(ref)} changed since it was read: expected version ${expected ?? 'none'}, found ${actual ?? 'none'}`);
  }
}

export class TableNotFoundError extends Error {
  override readonly name = 'TableNotFoundError';
  constructor(readonly ref: TableRef) {
    super(`table ${show(ref)} does not exist`);
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
