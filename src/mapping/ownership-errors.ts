import type { TableRef } from '../catalog/target.ts';
import { refKey } from '../catalog/ref-key.ts';

/**
 * The table exists but carries no ownership marker for this job: we never change or remove it. Every target
 * refuses the same way (the engine decides ownership first; this is the targets' own line of defence).
 */
export class NotOwnedError extends Error {
  override readonly name = 'NotOwnedError';
  constructor(
    readonly ref: TableRef,
    readonly action: 'update' | 'deprecate' | 'delete',
    readonly owner: string | undefined,
    readonly job: string,
  ) {
    const whose = owner === undefined ? 'carries no ownership marker' : `is owned by job "${owner}"`;
    super(`refusing to ${action} ${refKey(ref)}: it ${whose} (catalog_sync.owner), and this is job "${job}"`);
  }
}

export class TableNotFoundError extends Error {
  override readonly name = 'TableNotFoundError';
  constructor(readonly ref: TableRef) {
    super(`table ${refKey(ref)} does not exist`);
  }
}
