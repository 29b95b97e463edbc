import pLimit from 'p-limit';
import type { FieldChange, Target } from '../catalog/target.ts';
import type { PlannedAction } from './sync-plan.ts';
import { writeRequestFor } from './write-request.ts';

/**
 * Writes previewed per plan, in plan order. A diff costs about 3 KB of memory per new table (every column is a
 * change); a plan of a whole new 100k-asset catalog would otherwise hold ~300 MB of diffs nobody reads past the
 * first screens. Measured: 20,000 new tables, 243,531 field changes, 57 MB of heap.
 */
export const MAX_PREVIEWED_WRITES = 10_000;

export interface PreviewOptions {
  /** A preview that failed (the table vanished, a read failed): the plan still prints, without that diff. */
  onError?: (assetId: string, error: unknown) => void;
  /** Called once when the plan holds more writes than are previewed: the rest show without a diff. */
  onLimit?: (previewed: number, writes: number) => void;
  /** Default MAX_PREVIEWED_WRITES. */
  maxWrites?: number;
}

/**
 * Field by field, what each planned write would change in the target as it is now, by asset id: what `plan` and
 * `--dry-run` show under each table. Only `write` actions are previewed (the first MAX_PREVIEWED_WRITES of them);
 * a target without previewWrite gives an empty map. Nothing is written, and a failed preview only leaves its diff
 * out: a preview must never stop a plan.
 */
export async function previewWrites(
  actions: readonly PlannedAction[],
  target: Target,
  concurrency: number,
  options: PreviewOptions = {},
): Promise<Map<string, FieldChange[]>> {
  const diffs = new Map<string, FieldChange[]>();
  const preview = target.previewWrite?.bind(target);
  if (!preview) return diffs;
  const limit = pLimit(Math.max(1, concurrency));
  const writes = actions.filter((a): a is Extract<PlannedAction, { kind: 'write' }> => a.kind === 'write');
  const maxWrites = options.maxWrites ?? MAX_PREVIEWED_WRITES;
  if (writes.length > maxWrites) options.onLimit?.(maxWrites, writes.length);
  await Promise.all(
    writes.slice(0, maxWrites).map((action) =>
      limit(async () => {
        const { change } = action;
        if (!change.asset) return;
        try {
          const diff = await preview(writeRequestFor(action, change.asset));
          diffs.set(change.assetId, diff);
        } catch (error) {
          options.onError?.(change.assetId, error);
        }
      }),
    ),
  );
  return diffs;
}
