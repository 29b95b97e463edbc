import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import type { AssetFailure, AssetWarning, SpaceExtract } from '../catalog/source.ts';
import type { AssetChange, ChangeSet, IncompleteSpace } from './change-set.ts';
import type { ChangeOptions } from './change-options.ts';
import { classify } from './classify.ts';
import { changeOptionsKey, fingerprintAsset } from './fingerprint.ts';
import { hashAsset } from './hash-asset.ts';
import { spaceOf } from '../catalog/asset-id.ts';

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
 * but failed to read is neither changed nor deleted.
 */
export function detectChanges(input: DetectInput): ChangeSet {
  const changes: AssetChange[] = [];
  const failures: AssetFailure[] = [];
  const warnings: AssetWarning[] = [];
  const incompleteSpaces: IncompleteSpace[] = [...(input.failedSpaces ?? [])];
  const seen = new Set<string>();
  const completeSpaces = new Set<string>();
  const presentPerSpace = new Map<string, number>();
  const optionsKey = changeOptionsKey(input.options);

  for (const extract of input.extracts) {
    failures.push(...extract.failures);
    warnings.push(...extract.warnings);
    for (const failure of extract.failures) seen.add(failure.assetId);
    if (extract.complete) completeSpaces.add(extract.space);
    else incompleteSpaces.push({ space: extract.space, reason: extract.incompleteReason ?? 'listing incomplete' });
    presentPerSpace.set(extract.space, extract.items.length + extract.failures.length);

    for (const item of extract.items) {
      if (item.state === 'not-modified') {
        seen.add(item.assetId);
        const previous = input.checkpoint(item.assetId);
        if (!previous) {
          failures.push({ assetId: item.assetId, error: 'source reported not-modified for an asset with no checkpoint' });
          continue;
        }
        changes.push({
          assetId: item.assetId,
          space: spaceOf(item.assetId),
          type: 'UNCHANGED',
          facets: [],
          assetKind: previous.assetType,
          hashes: previous.hashes,
          previous,
          validator: item.validator ?? previous.validator,
        });
        continue;
      }
      const { asset } = item;
      if (seen.has(asset.id)) {
        warnings.push({ assetId: asset.id, message: 'delivered twice by the source; the first copy was used' });
        continue;
      }
      seen.add(asset.id);
      const previous = input.checkpoint(asset.id);
      const fingerprint = fingerprintAsset(asset, optionsKey);
      const hashes = previous?.fingerprint === fingerprint ? previous.hashes : hashAsset(asset, input.options);
      // A table we deprecated that reappears in the source is written in full again.
      const base = previous?.deprecatedAt ? undefined : previous?.hashes;
      const { type, facets } = classify(hashes, base);
      changes.push({
        assetId: asset.id,
        space: asset.space,
        type,
        facets,
        asset,
        assetKind: asset.kind,
        hashes,
        previous,
        validator: item.validator,
        definitionFormat: item.definitionFormat,
        fingerprint,
      });
    }
  }

  const emptySpaces = new Set<string>();
  for (const entry of input.checkpointEntries) {
    const space = spaceOf(entry.assetId);
    if (!completeSpaces.has(space) || seen.has(entry.assetId)) continue;
    if (entry.deprecatedAt) continue; // already handled by an earlier run
    if ((presentPerSpace.get(space) ?? 0) === 0) emptySpaces.add(space);
    changes.push({
      assetId: entry.assetId,
      space,
      type: 'DELETED',
      facets: [],
      assetKind: entry.assetType,
      hashes: entry.hashes,
      previous: entry,
    });
  }

  return { changes, failures, warnings, incompleteSpaces, emptySpaces: [...emptySpaces] };
}
