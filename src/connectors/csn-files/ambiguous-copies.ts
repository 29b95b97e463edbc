import type { AssetFailure, KnownAsset } from '../../catalog/source.ts';
import { claimsFrom, isMainFileOf } from './quick-check.ts';

/**
 * A file or folder of the export that could not be read, with its place in path order: its definitions are unknown,
 * and so is whether one of them would have won over the copy read elsewhere.
 */
export interface BlindSpot {
  file: string;
  reason: string;
  /** Index in path order (a folder: just before the first file that sorts after it). */
  at: number;
  /** A folder that could not be listed may hold any file, named anything. */
  folder: boolean;
}

/** The copy a definition was taken from: its file, and whether that file is the definition's own export. */
export interface ChosenCopy {
  file: string;
  isMain: boolean;
}

export function blindSpots(
  unreadable: ReadonlyArray<{ file: string; reason: string; folder?: boolean }>,
  order: ReadonlyMap<string, number>,
  folderAt: ReadonlyMap<string, number>,
): BlindSpot[] {
  return unreadable.map(({ file, reason, folder }) => ({
    file,
    reason,
    // A file that cannot even be listed in its folder is covered by the folder; one read and refused has its index.
    at: folder ? (folderAt.get(file) ?? 0) - 0.5 : (order.get(file) ?? 0),
    folder: folder === true,
  }));
}

/**
 * Why the copy chosen for `id` cannot be trusted while part of the export is unreadable, or undefined when it can.
 * The main-object-wins rule decides between copies: the definition's own export wins, otherwise the first file in
 * path order. An unreadable file could be the definition's own export (named like it — or anything, inside an
 * unreadable folder), or hold a copy earlier in path order; then the copy read elsewhere may not be the one that
 * wins, and writing it would rewrite the table from another file's copy, to be rewritten back once the file is
 * readable again. Such an asset is left as it is (a failure: neither written nor deleted) and named with the reason.
 */
export function ambiguityOf(id: string, chosen: ChosenCopy, blind: readonly BlindSpot[], order: ReadonlyMap<string, number>): string | undefined {
  if (blind.length === 0) return undefined;
  const chosenAt = order.get(chosen.file) ?? 0;
  for (const spot of blind) {
    if (spot.file === chosen.file) continue;
    const couldBeOwnExport = spot.folder || isMainFileOf(spot.file, id);
    const earlier = spot.at < chosenAt;
    // The definition's own export wins over anything but another own export earlier in path order.
    const couldWin = chosen.isMain ? couldBeOwnExport && earlier : couldBeOwnExport || earlier;
    if (!couldWin) continue;
    const what = spot.folder ? `folder ${spot.file} could not be listed` : `${spot.file} could not be read`;
    return (
      `left as it is: ${what} (${spot.reason}), and it may hold the copy of ${id} that wins over the one in ${chosen.file}; ` +
      'the definition is used again once every file can be read'
    );
  }
  return undefined;
}

/**
 * Assets the checkpoint took from a file that is unreadable now and that no file read in this run holds: they are
 * unknown, not removed (an incomplete listing never deletes). Reported as failures so the run names them.
 */
export function lostWithUnreadable(
  known: ReadonlyMap<string, KnownAsset> | undefined,
  unreadable: ReadonlyArray<{ file: string; reason: string; folder?: boolean }>,
  found: ReadonlyMap<string, unknown>,
  claimed: ReadonlySet<string>,
  /** The export folder as configured: how an unreadable export folder itself is named. */
  root: string,
): AssetFailure[] {
  const failures: AssetFailure[] = [];
  if (unreadable.length === 0) return failures;
  const files = new Map(unreadable.filter((u) => u.folder !== true).map((u) => [u.file, u.reason]));
  const folders = unreadable.filter((u) => u.folder === true);
  /** Why the file could not be read: itself, or a folder it is in. */
  const whyUnread = (file: string): string | undefined =>
    files.get(file) ?? folders.find((f) => f.file === root || file.startsWith(`${f.file}/`))?.reason;
  for (const [file, claim] of claimsFrom(known)) {
    const reason = whyUnread(file);
    if (reason === undefined) continue;
    for (const id of claim.ids) {
      if (found.has(id) || claimed.has(id)) continue;
      failures.push({ assetId: id, error: `left as it is: its definition came from ${file}, which could not be read (${reason})` });
    }
  }
  return failures;
}
