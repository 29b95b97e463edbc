import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import type { SpaceExtract } from '../catalog/source.ts';
import type { IncompleteSpace } from './change-set.ts';
import type { ChangeSet } from './change-set.ts';
import type { ChangeOptions } from './change-options.ts';
import { ChangeDetector } from './change-detector.ts';

export interface DetectInput {
  extracts: readonly SpaceExtract[];
  /** Spaces this run was asked to read but whose extraction threw before returning anything. */
  failedSpaces?: readonly IncompleteSpace[];
  checkpoint: (assetId: string) => CheckpointEntry | undefined;
  /** Every checkpoint entry; only those of the spaces in this run are considered for deletion. */
  checkpointEntries: readonly CheckpointEntry[];
  options: ChangeOptions;
}

/**
 * Turns what the source delivered into a change set. Pure: the same extracts and checkpoint always give
 * the same result. Deletion is inferred only from a listing that completed; an asset the source listed
 * but failed to read is neither changed nor deleted. The one-shot form of ChangeDetector, which a run uses to
 * take the source's spaces one at a time.
 */
export function detectChanges(input: DetectInput): ChangeSet {
  const detector = new ChangeDetector({ checkpoint: input.checkpoint, options: input.options });
  for (const failed of input.failedSpaces ?? []) detector.addFailedSpace(failed);
  for (const extract of input.extracts) detector.add(extract);
  return detector.finish(input.checkpointEntries);
}
