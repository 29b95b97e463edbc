import type { Asset } from '../catalog/asset.ts';
import type { WriteRequest } from '../catalog/target.ts';
import type { PlannedAction } from './sync-plan.ts';

/** The request a planned write sends to the target (and that plan's preview diffs): one shape for both. */
export function writeRequestFor(action: Extract<PlannedAction, { kind: 'write' }>, asset: Asset): WriteRequest {
  const { change } = action;
  return {
    asset,
    ref: action.ref,
    strategy: action.strategy,
    facets: action.facets,
    hashes: change.hashes,
    create: action.create,
    ...(change.previous?.target.version !== undefined ? { expectedVersion: change.previous.target.version } : {}),
    ...(change.previous?.target.selfContained !== undefined ? { selfContained: change.previous.target.selfContained } : {}),
  };
}
