import pLimit from 'p-limit';
import type { FieldChange, Target } from '../catalog/target.ts';
import type { PlannedAction } from './sync-plan.ts';

export interface PreviewOptions {
  /** A preview that failed (the table vanished, a read failed): the plan still prints, without that diff. */
  onError?: (assetId: string, error: unknown) => void;
}

/**
 * Field by field, what each planned write would change in the target as it is now, by asset id: what `plan` and
 * `--dry-run` show under each table. Only `write` actions are previewed; a target without previewWrite gives an
 * empty map. Nothing is written, and a failed preview only leaves its diff out: a preview must never stop a plan.
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
  await Promise.all(
    actions.map((action) =>
      limit(async () => {
        if (action.kind !== 'write') return;
        const { change } = action;
        if (!change.asset) return;
        try {
          const diff = await preview({
            asset: change.asset,
            ref: action.ref,
            strategy: action.strategy,
            facets: action.facets,
            hashes: change.hashes,
            create: action.create,
            ...(change.previous?.target.version !== undefined ? { expectedVersion: change.previous.target.version } : {}),
          });
          diffs.set(change.assetId, diff);
        } catch (error) {
          options.onError?.(change.assetId, error);
        }
      }),
    ),
  );
  return diffs;
}
