import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import { messageOf } from '../catalog/message-of.ts';
import type { KnownAsset, Source, SpaceExtract } from '../catalog/source.ts';
import { NoAssetsError, UnknownSpaceError } from '../catalog/source-errors.ts';
import type { IncompleteSpace } from '../change/change-set.ts';
import type { EngineLogger } from './engine-logger.ts';

export interface Extracted {
  /** The spaces in scope: the ones asked for, or every space the source lists. */
  spaces: string[];
  extracts: SpaceExtract[];
  /** Spaces whose listing threw: none of their assets is synced or deleted. */
  failedSpaces: IncompleteSpace[];
}

export interface ExtractRequest {
  source: Source;
  /** `--space`; empty = every space the source lists. */
  requested: readonly string[];
  /** A full run rewrites everything, so it offers the source no validators to answer "not modified" to. */
  full: boolean;
  entries: readonly CheckpointEntry[];
  logger: EngineLogger;
  signal?: AbortSignal;
  /** Per space, as the source reports reading it. */
  onProgress?: (done: number, total: number, space: string) => void;
}

/** Step 1 of a run: which spaces, and what the source holds in each. */
export async function extractSpaces(request: ExtractRequest): Promise<Extracted> {
  const { source, logger } = request;
  const spaces = await spacesInScope(source, request.requested);
  const known = request.full
    ? new Map<string, KnownAsset>()
    : new Map<string, KnownAsset>(request.entries.map((e) => [e.assetId, e.validator === undefined ? {} : { validator: e.validator }]));
  const extracts: SpaceExtract[] = [];
  const failedSpaces: IncompleteSpace[] = [];
  for (const space of spaces) {
    try {
      const onProgress = request.onProgress;
      extracts.push(
        await source.extractSpace(space, {
          known,
          ...(request.signal ? { signal: request.signal } : {}),
          ...(onProgress ? { onProgress: (done: number, total: number) => onProgress(done, total, space) } : {}),
        }),
      );
    } catch (error) {
      // A cancel is not a failed listing: it ends the run, which the caller reports as stopped.
      if (request.signal?.aborted) throw error;
      failedSpaces.push({ space, reason: messageOf(error) });
      logger.error({ space, err: messageOf(error) }, 'space listing failed; its assets are neither synced nor deleted');
    }
  }
  return { spaces, extracts, failedSpaces };
}

async function spacesInScope(source: Source, requested: readonly string[]): Promise<string[]> {
  const available = await source.listSpaces();
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
  const found = extracted.extracts.some((e) => e.items.length > 0 || e.failures.length > 0 || !e.complete);
  if (!found) throw new NoAssetsError(extracted.spaces);
}
