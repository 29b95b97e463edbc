import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import { messageOf } from '../catalog/message-of.ts';
import type { KnownAsset, ListOptions, Source, SpaceExtract } from '../catalog/source.ts';
import { NoAssetsError, UnknownSpaceError } from '../catalog/source-errors.ts';
import type { IncompleteSpace } from '../change/change-set.ts';
import type { EngineLogger } from './engine-logger.ts';

export interface Extracted {
  /** The spaces in scope: the ones asked for, or every space the source lists. */
  spaces: string[];
  /** What each space held — empty when the extracts were handed to `onExtract` instead of kept. */
  extracts: SpaceExtract[];
  /** Spaces whose listing threw: none of their assets is synced or deleted. */
  failedSpaces: IncompleteSpace[];
  /** Whether any space returned anything at all (an asset, a failure, an incomplete listing). */
  foundAnything: boolean;
}

export interface ExtractRequest {
  source: Source;
  /** `--space`; empty = every space the source lists. */
  requested: readonly string[];
  /** A full run rewrites everything, so it offers the source no validators to answer "not modified" to. */
  full: boolean;
  /** `sync --checksum`: the source compares content, reading every definition whatever its validator says. */
  checksum?: boolean;
  entries: readonly CheckpointEntry[];
  /** Looks an entry up by asset id (the checkpoint store's own index), so the validators need no copy of their own. */
  entry?: (assetId: string) => CheckpointEntry | undefined;
  logger: EngineLogger;
  signal?: AbortSignal;
  /** Per space, as the source reports reading it. */
  onProgress?: (done: number, total: number, space: string) => void;
  /**
   * Each space's extract as soon as it is read. Given, the extracts are not kept: a run over a large catalog hashes
   * a space and lets go of its definitions before it reads the next one.
   */
  onExtract?: (extract: SpaceExtract) => void;
}

/** Step 1 of a run: which spaces, and what the source holds in each. */
export async function extractSpaces(request: ExtractRequest): Promise<Extracted> {
  const { source, logger } = request;
  const known: ReadonlyMap<string, KnownAsset> = request.full ? new Map<string, KnownAsset>() : knownAssets(request.entries, request.entry);
  const checksum = request.checksum === true ? { checksum: true } : {};
  // A source that must read its definitions to know its spaces (export files) reads them here, once.
  const onListProgress = request.onProgress;
  const spaces = await spacesInScope(source, request.requested, {
    known,
    ...checksum,
    ...(request.signal ? { signal: request.signal } : {}),
    ...(onListProgress ? { onProgress: (done: number, total: number) => onListProgress(done, total, '') } : {}),
  });
  const extracts: SpaceExtract[] = [];
  const failedSpaces: IncompleteSpace[] = [];
  let foundAnything = false;
  for (const space of spaces) {
    try {
      const onProgress = request.onProgress;
      const extract = await source.extractSpace(space, {
        known,
        ...checksum,
        ...(request.signal ? { signal: request.signal } : {}),
        ...(onProgress ? { onProgress: (done: number, total: number) => onProgress(done, total, space) } : {}),
      });
      foundAnything ||= extract.items.length > 0 || extract.failures.length > 0 || !extract.complete;
      if (request.onExtract) request.onExtract(extract);
      else extracts.push(extract);
    } catch (error) {
      // A cancel is not a failed listing: it ends the run, which the caller reports as stopped.
      if (request.signal?.aborted) throw error;
      failedSpaces.push({ space, reason: messageOf(error) });
      logger.error({ space, err: messageOf(error) }, 'space listing failed; its assets are neither synced nor deleted');
    }
  }
  return { spaces, extracts, failedSpaces, foundAnything };
}

/**
 * What the checkpoint knows of each asset, as the sources ask for it: a read-only view over the entries, not a copy
 * (a million entries would otherwise be copied into a second map for every run).
 */
function knownAssets(entries: readonly CheckpointEntry[], entry?: (assetId: string) => CheckpointEntry | undefined): ReadonlyMap<string, KnownAsset> {
  let index: Map<string, CheckpointEntry> | undefined;
  const find = entry ?? ((assetId: string) => (index ??= new Map(entries.map((e) => [e.assetId, e]))).get(assetId));
  const known = (e: CheckpointEntry): KnownAsset => (e.validator === undefined ? {} : { validator: e.validator });
  // Iterated lazily, an entry at a time (a source that reads files looks at every validator once).
  function* pairs(): Generator<[string, KnownAsset], undefined> {
    for (const e of entries) yield [e.assetId, known(e)];
    return undefined;
  }
  const iterate = <T>(map: (pair: [string, KnownAsset]) => T) =>
    (function* () {
      for (const pair of pairs()) yield map(pair);
      return undefined;
    })() as unknown as MapIterator<T>;
  const view: ReadonlyMap<string, KnownAsset> = {
    get size() {
      return entries.length;
    },
    get: (assetId) => {
      const e = find(assetId);
      return e === undefined ? undefined : known(e);
    },
    has: (assetId) => find(assetId) !== undefined,
    entries: () => iterate((pair) => pair),
    keys: () => iterate(([key]) => key),
    values: () => iterate(([, value]) => value),
    forEach: (callback, thisArg) => {
      for (const [key, value] of pairs()) callback.call(thisArg, value, key, view);
    },
    [Symbol.iterator]: () => iterate((pair) => pair),
  };
  return view;
}

async function spacesInScope(source: Source, requested: readonly string[], options: ListOptions): Promise<string[]> {
  const available = await source.listSpaces(options);
  if (requested.length === 0) return available;
  const unknown = requested.filter((space) => !available.includes(space));
  if (unknown.length > 0) throw new UnknownSpaceError(unknown, available);
  return [...new Set(requested)];
}

/**
 * A first run that finds nothing at all is an error, not a green run: a mistyped path, space or filter would
 * otherwise look like success (and a later, correct run like a mass creation).
 */
export function assertFoundSomething(extracted: Extracted, entriesInScope: number): void {
  if (entriesInScope > 0 || extracted.failedSpaces.length > 0) return;
  if (!extracted.foundAnything) throw new NoAssetsError(extracted.spaces);
}
