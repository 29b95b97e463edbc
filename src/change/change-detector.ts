import { spaceOf } from '../catalog/asset-id.ts';
import type { Asset } from '../catalog/asset.ts';
import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import type { AssetHashes, Facet } from '../catalog/hashes.ts';
import type { AssetFailure, AssetWarning, SpaceExtract } from '../catalog/source.ts';
import type { AssetChange, ChangeSet, IncompleteSpace } from './change-set.ts';
import type { ChangeOptions } from './change-options.ts';
import { DISABLED_FACET } from './change-options.ts';
import { classify } from './classify.ts';
import { changeOptionsKey, fingerprintAsset } from './fingerprint.ts';
import { hashAsset } from './hash-asset.ts';

export interface ChangeDetectorOptions {
  checkpoint: (assetId: string) => CheckpointEntry | undefined;
  options: ChangeOptions;
  /**
   * Whether an UNCHANGED change keeps the asset's definition (default: keep). A run that will not write unchanged
   * assets says no for those it is sure about, so a large unchanged catalog is not held in memory for the whole run:
   * the change then looks like one the source proved unchanged without sending it (HTTP 304).
   */
  keepUnchanged?: (asset: Asset, previous: CheckpointEntry) => boolean;
}

const NO_FACETS: readonly Facet[] = Object.freeze([]);
const SLASH = 0x2f;

/**
 * Change detection one space at a time: add() each extract as the source delivers it — hashed and classified at
 * once, so the definitions of unchanged assets can be let go before the next space is read — then finish() with the
 * checkpoint's entries to infer deletions. Deletion is inferred only from a listing that completed; an asset the
 * source listed but failed to read is neither changed nor deleted. Pure: the same extracts and checkpoint always
 * give the same result, in any grouping.
 */
export class ChangeDetector {
  readonly #checkpoint: (assetId: string) => CheckpointEntry | undefined;
  readonly #options: ChangeOptions;
  readonly #keepUnchanged: ((asset: Asset, previous: CheckpointEntry) => boolean) | undefined;
  readonly #optionsKey: string;
  readonly #changes: AssetChange[] = [];
  readonly #failures: AssetFailure[] = [];
  readonly #warnings: AssetWarning[] = [];
  readonly #failedSpaces: IncompleteSpace[] = [];
  readonly #incomplete: IncompleteSpace[] = [];
  readonly #seen = new Set<string>();
  readonly #completeSpaces = new Set<string>();
  readonly #presentPerSpace = new Map<string, number>();

  constructor(options: ChangeDetectorOptions) {
    this.#checkpoint = options.checkpoint;
    this.#options = options.options;
    this.#keepUnchanged = options.keepUnchanged;
    this.#optionsKey = changeOptionsKey(options.options);
  }

  /** A space whose extraction threw before returning anything: none of its entries become DELETED. */
  addFailedSpace(failed: IncompleteSpace): void {
    this.#failedSpaces.push(failed);
  }

  /** Assets found so far (items and failures), for a caller that must know whether the source held anything. */
  get found(): number {
    return this.#seen.size;
  }

  add(extract: SpaceExtract): void {
    const seen = this.#seen;
    for (const failure of extract.failures) this.#failures.push(failure);
    for (const warning of extract.warnings) this.#warnings.push(warning);
    for (const failure of extract.failures) seen.add(failure.assetId);
    if (extract.complete) this.#completeSpaces.add(extract.space);
    else this.#incomplete.push({ space: extract.space, reason: extract.incompleteReason ?? 'listing incomplete' });
    this.#presentPerSpace.set(extract.space, (this.#presentPerSpace.get(extract.space) ?? 0) + extract.items.length + extract.failures.length);

    for (const item of extract.items) {
      if (item.state === 'not-modified') {
        const previous = this.#checkpoint(item.assetId);
        if (!previous) {
          seen.add(item.assetId);
          this.#failures.push({ assetId: item.assetId, error: 'source reported not-modified for an asset with no checkpoint' });
          continue;
        }
        // The checkpoint's copy of the id, held anyway: the source's copy can go (at a million assets, ~80 MB).
        seen.add(previous.assetId);
        this.#changes.push({
          assetId: previous.assetId,
          // The extract's own space string when the id is of it (it always is): one string for the space, not one per asset.
          space: item.assetId.length > extract.space.length && item.assetId.charCodeAt(extract.space.length) === SLASH && item.assetId.startsWith(extract.space) ? extract.space : spaceOf(item.assetId),
          type: 'UNCHANGED',
          facets: [],
          assetKind: previous.assetType,
          hashes: previous.hashes,
          previous,
          // The checkpoint's own copy when it is the same text: this one would be held by the change for the run.
          validator: item.validator === undefined || item.validator === previous.validator ? previous.validator : item.validator,
        });
        continue;
      }
      const { asset } = item;
      const previous = this.#checkpoint(asset.id);
      // The checkpoint's copy of the id when there is one (see above): the asset itself may be let go.
      const assetId = previous !== undefined ? previous.assetId : asset.id;
      const before = seen.size;
      seen.add(assetId);
      if (seen.size === before) {
        this.#warnings.push({ assetId, message: 'delivered twice by the source; the first copy was used' });
        continue;
      }
      let fingerprint = fingerprintAsset(asset, this.#optionsKey);
      let hashes: AssetHashes;
      if (previous !== undefined && previous.fingerprint === fingerprint) {
        hashes = previous.hashes;
        // The same text: keep the checkpoint's copy and let this one go (it would be held by every change).
        fingerprint = previous.fingerprint;
      } else {
        hashes = keepDisabled(hashAsset(asset, this.#options), previous);
      }
      // A table we deprecated that reappears in the source is written in full again.
      const base = previous?.deprecatedAt ? undefined : previous?.hashes;
      const { type, facets } = base !== undefined && sameHashes(hashes, base) ? UNCHANGED : classify(hashes, base);
      const keep = type !== 'UNCHANGED' || previous === undefined || this.#keepUnchanged === undefined || this.#keepUnchanged(asset, previous);
      const change: AssetChange = {
        assetId,
        space: asset.space,
        type,
        facets: facets === NO_FACETS ? [] : (facets as Facet[]),
        assetKind: asset.kind,
        hashes,
        previous,
        validator: item.validator,
        definitionFormat: item.definitionFormat,
        fingerprint,
      };
      if (keep) change.asset = asset;
      this.#changes.push(change);
    }
  }

  /** The change set, with DELETED changes for the entries of complete spaces the source no longer has. */
  finish(checkpointEntries: readonly CheckpointEntry[]): ChangeSet {
    const emptySpaces = new Set<string>();
    const seen = this.#seen;
    for (const entry of checkpointEntries) {
      if (seen.has(entry.assetId)) continue;
      const space = spaceOf(entry.assetId);
      if (!this.#completeSpaces.has(space)) continue;
      if (entry.deprecatedAt) continue; // already handled by an earlier run
      if ((this.#presentPerSpace.get(space) ?? 0) === 0) emptySpaces.add(space);
      this.#changes.push({
        assetId: entry.assetId,
        space,
        type: 'DELETED',
        facets: [],
        assetKind: entry.assetType,
        hashes: entry.hashes,
        previous: entry,
      });
    }
    return {
      changes: this.#changes,
      failures: this.#failures,
      warnings: this.#warnings,
      // Spaces that failed outright first, then those whose listing came back incomplete.
      incompleteSpaces: [...this.#failedSpaces, ...this.#incomplete],
      emptySpaces: [...emptySpaces],
    };
  }
}

const UNCHANGED = { type: 'UNCHANGED', facets: NO_FACETS } as const;

function sameHashes(a: AssetHashes, b: AssetHashes): boolean {
  return a.content === b.content && a.schema === b.schema && a.metadata === b.metadata;
}

/** A facet switched off keeps the hash the checkpoint has for it, so it compares equal and moves no strategy. */
function keepDisabled(hashes: AssetHashes, previous: CheckpointEntry | undefined): AssetHashes {
  if (hashes.content !== DISABLED_FACET && hashes.schema !== DISABLED_FACET && hashes.metadata !== DISABLED_FACET) return hashes;
  if (!previous) return hashes;
  return {
    content: hashes.content === DISABLED_FACET ? previous.hashes.content : hashes.content,
    schema: hashes.schema === DISABLED_FACET ? previous.hashes.schema : hashes.schema,
    metadata: hashes.metadata === DISABLED_FACET ? previous.hashes.metadata : hashes.metadata,
  };
}
