import { readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Asset } from '../../catalog/asset.ts';
import { boundText } from '../../catalog/bounded-text.ts';
import type { AssetFailure, AssetWarning, ExtractOptions, ExtractedItem, ListOptions, Source, SpaceExtract } from '../../catalog/source.ts';
import { SourceNotFoundError } from '../../catalog/source-errors.ts';
import { emptyTraffic, recordCall } from '../../catalog/traffic.ts';
import type { Traffic } from '../../catalog/traffic.ts';
import { parseCsn } from '../../formats/csn/parse-csn.ts';
import { decodeUtf8 } from '../../formats/text/decode-utf8.ts';
import type { ParseCsnResult } from '../../formats/csn/parse-csn.ts';
import { compareText } from '../../catalog/compare-text.ts';
import { messageOf } from '../../catalog/message-of.ts';
import { spaceOf } from '../../catalog/asset-id.ts';
// Two copies of a definition compare by content, not by the order their keys were written.
import { stableJson } from '../../mapping/stable-json.ts';
import { contentDigest, encodeFileValidator, signatureOf } from './file-validator.ts';
import type { FileSignature } from './file-validator.ts';
import { ambiguityOf, blindSpots, lostWithUnreadable } from './ambiguous-copies.ts';
import { claimsFrom, isMainFileOf, sameContent, unchanged } from './quick-check.ts';
import type { FileClaim } from './quick-check.ts';

export interface CsnFilesSourceOptions {
  /** Folder of Datasphere CSN exports (*.json), read recursively. */
  path: string;
  /** Space of every definition that does not name its own (`@DataWarehouse.space.name`). */
  space: string;
}

/** One definition as one file holds it. */
interface Copy {
  file: string;
  isMain: boolean;
  asset?: Asset;
  error?: string;
}

/** A file or folder of the export that could not be read: what it holds is unknown. */
interface Unreadable {
  file: string;
  reason: string;
  /** A folder that could not be listed: it may hold any file, named anything. */
  folder?: boolean;
}

interface Scan {
  assets: Asset[];
  /** The file each asset's definition was taken from, by asset id (for its validator). */
  fileOf: Map<string, string>;
  /** Definitions (assets and failures) taken from each file read. */
  definitions: Map<string, number>;
  /**
   * Assets of files that did not change since the last run (size, time, identity: not read; or the same bytes: not
   * parsed), reported not modified.
   */
  unchanged: { assetId: string; validator: string }[];
  failures: AssetFailure[];
  warnings: AssetWarning[];
  /** Files (or folders) that could not be read or are not CSN: the listing is incomplete. */
  unreadable: Unreadable[];
  signatures: Map<string, FileSignature>;
  /** The content digest of each file read. */
  digests: Map<string, string>;
  /** Whether this scan compared content (`--checksum`): every file read. */
  checksum: boolean;
}

/**
 * Datasphere CSN export files as a source. Each export holds its main object (named like the file) and
 * copies of its dependencies, so one definition often appears in several files; the copy in the file whose
 * main object it is wins. A file that cannot be read or parsed makes every space incomplete: its assets are
 * unknown, and unknown must never turn into deletions.
 *
 * A run reads the export once, in listSpaces() (the files name their spaces inside), and extractSpace() serves
 * each space from that scan. Files are checked the way rsync's quick check does (file-validator.ts): a file whose
 * size, modification time and identity are what the checkpoint recorded for the assets taken from it is not read
 * again — its assets are reported not modified, so an unchanged rerun stats the files and reads none. A changed or
 * new file is read (only it), and so is an unchanged one whose assets a read file also defines, unless the
 * unchanged file is their own export (whose copy wins anyway). When an asset's file is gone, or no longer holds it,
 * another export may hold the copy that wins now: then every file is read. A file whose signature moved but whose
 * bytes are the ones its claim was made from (an export written again, a fresh checkout) is read and hashed but not
 * parsed: its assets are reported not modified, with validators of the new signature. `--checksum` reads every file,
 * and parses those whose bytes changed.
 */
export class CsnFilesSource implements Source {
  readonly type = 'csn-files';
  readonly system = 'datasphere';
  private readonly counters: Traffic = emptyTraffic();
  /** The scan of the current run, made by listSpaces() and served to each extractSpace(). */
  private listed: Scan | undefined;
  /** Spaces listed and not extracted yet: once all have been, the scan is let go (it holds every file's state). */
  private unserved = new Set<string>();

  constructor(private readonly options: CsnFilesSourceOptions) {}

  async listSpaces(options: ListOptions = {}): Promise<string[]> {
    await this.assertFolderExists();
    const scan = await this.scan(options);
    this.listed = scan;
    const spaces = new Set<string>([this.options.space]);
    for (const asset of scan.assets) spaces.add(asset.space);
    for (const { assetId } of scan.unchanged) spaces.add(spaceOf(assetId));
    for (const failure of scan.failures) spaces.add(spaceOf(failure.assetId));
    this.unserved = new Set(spaces);
    return [...spaces].sort(compareText);
  }

  async extractSpace(space: string, options: ExtractOptions): Promise<SpaceExtract> {
    // The scan listSpaces() made for this run; a caller that did not list first (or asks for --checksum after a
    // scan that did not compare content) gets a scan of its own.
    const listed = this.listed;
    const scan = listed && (listed.checksum || options.checksum !== true) ? listed : await this.scan(options);
    if (scan === listed) {
      this.unserved.delete(space);
      if (this.unserved.size === 0) this.listed = undefined;
    }
    const inSpace = (id: string): boolean => spaceOf(id) === space;
    const items: ExtractedItem[] = [];
    const here = bySpace(scan).get(space) ?? { assets: [], unchanged: [] };
    for (const asset of here.assets) {
      const file = scan.fileOf.get(asset.id);
      const signature = file === undefined ? undefined : scan.signatures.get(file);
      const digest = file === undefined ? undefined : scan.digests.get(file);
      items.push({
        state: 'extracted',
        asset,
        definitionFormat: 'csn',
        ...(file !== undefined && signature !== undefined && digest !== undefined ? { validator: encodeFileValidator(file, signature, scan.definitions.get(file) ?? 0, digest) } : {}),
      });
    }
    for (const { assetId, validator } of here.unchanged) items.push({ state: 'not-modified', assetId, validator });
    const extract: SpaceExtract = {
      space,
      complete: scan.unreadable.length === 0,
      items,
      failures: scan.failures.filter((failure) => inSpace(failure.assetId)),
      warnings: scan.warnings.filter((warning) => inSpace(warning.assetId)),
    };
    if (scan.unreadable.length > 0) {
      const list = scan.unreadable.map(({ file, reason }) => `${file} (${reason})`).join('; ');
      extract.incompleteReason = boundText(`could not read ${scan.unreadable.length} file(s) under ${this.options.path}: ${list}`);
    }
    return extract;
  }

  /**
   * A missing export folder is a configuration error, not an empty catalog: a mistyped path must never look like
   * a source whose assets were all removed. (A folder that exists but cannot be read still only makes the listing
   * incomplete.)
   */
  private async assertFolderExists(): Promise<void> {
    try {
      await stat(this.options.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new SourceNotFoundError(this.options.path);
    }
  }

  traffic(): Traffic {
    return structuredClone(this.counters);
  }

  private async scan(options: ListOptions): Promise<Scan> {
    const { signal, onProgress } = options;
    const checksum = options.checksum === true;
    const unreadable: Scan['unreadable'] = [];
    /** Where each unreadable folder sits in path order: its files would come right before the file at this index. */
    const folderAt = new Map<string, number>();
    const files: string[] = [];
    await listJsonFiles(this.options.path, { files, unreadable, folderAt });
    const root = path.resolve(this.options.path);
    const claims = claimsFrom(options.known);
    const copies = new Map<string, Copy[]>();
    const warnings: AssetWarning[] = [];
    const failures: AssetFailure[] = [];
    const signatures = new Map<string, FileSignature>();
    const digests = new Map<string, string>();
    /** Files not parsed because nothing changed (not read, or read and the same bytes): their claims stand. */
    const skipped = new Map<string, FileClaim>();
    /** Each file's place in path order. */
    const order = new Map(files.map((file, index) => [file, index]));

    let done = 0;
    const total = files.length;
    /** The file's definitions as copies (and its warnings), or the file as unreadable. */
    const record = (file: string, loaded: Awaited<ReturnType<CsnFilesSource['load']>>): void => {
      const mainName = path.basename(file).replace(/\.json$/i, '');
      if ('reason' in loaded) {
        unreadable.push({ file, reason: loaded.reason });
        // Counts as a failed main copy, so a stale copy of the same object in another export cannot stand in.
        pushCopy(copies, `${this.options.space}/${mainName}`, { file, isMain: true, error: loaded.reason });
        return;
      }
      if ('same' in loaded) {
        // The bytes its claim was made from, under a new signature: the claim stands, its validators say the new one.
        const signature = signatures.get(file)!;
        const claim = claims.get(file)!;
        skipped.set(file, { ...claim, signature, validator: encodeFileValidator(file, signature, claim.definitions, loaded.same) });
        return;
      }
      const { result } = loaded;
      digests.set(file, loaded.digest);
      for (const asset of result.assets) {
        pushCopy(copies, asset.id, { file, isMain: asset.id === result.mainAssetId, asset });
      }
      for (const failure of result.failures) {
        pushCopy(copies, failure.assetId, { file, isMain: failure.assetId === result.mainAssetId, error: failure.error });
      }
      for (const warning of result.warnings) warnings.push({ assetId: warning.assetId, message: `${warning.message} (in ${file})` });
    };
    /**
     * Reads files (several at once), recording them in the order given. `byContent`: a file holding the bytes its
     * claim was made from is not parsed (pass 1); a file read again because another copy may win is (pass 2).
     */
    const read = async (list: readonly string[], byContent: boolean): Promise<void> => {
      for (let start = 0; start < list.length; start += READ_BATCH) {
        signal?.throwIfAborted();
        const batch = list.slice(start, start + READ_BATCH);
        const loaded = await Promise.all(
          batch.map((file) => this.load(file, path.basename(file).replace(/\.json$/i, ''), byContent && signatures.has(file) ? claims.get(file) : undefined)),
        );
        for (const [i, file] of batch.entries()) record(file, loaded[i]!);
      }
    };
    const readOne = (file: string): Promise<void> => read([file], false);

    // Pass 1: every file stat-ed (a batch at a time, so the file system works on many at once); those whose claim
    // still holds are skipped, the rest read.
    for (let start = 0; start < files.length; start += STAT_BATCH) {
      signal?.throwIfAborted();
      const batch = files.slice(start, start + STAT_BATCH);
      // Synchronous: a stat answered from the inode cache takes microseconds, a promise round trip several times that.
      const stats = batch.map((file) => statQuietly(`${root}/${file}`));
      const toRead: string[] = [];
      for (const [i, file] of batch.entries()) {
        onProgress?.(done++, total);
        const signature = stats[i];
        const claim = claims.get(file);
        // Skipped: its signature is its claim's (unchanged), recorded only if the file is read after all (unskip).
        // `--checksum` reads it anyway, and compares its bytes.
        if (!checksum && signature !== undefined && unchanged(claim, signature)) skipped.set(file, claim);
        else {
          // A file that cannot be stat-ed is read, which reports it unreadable with the reason.
          if (signature !== undefined) signatures.set(file, signature);
          toRead.push(file);
        }
      }
      await read(toRead, true);
    }

    // Pass 2: an unchanged file whose assets a read file also defines is read too, when that copy could win now:
    // it is the asset's own export, or it comes first in path order. The unchanged file's copy still wins when the
    // file is the asset's own export, or when every other copy is a dependency's copy in a later file.
    const mightWin = (id: string, file: string): boolean => {
      const others = copies.get(id);
      if (others === undefined) return false;
      return !isMainFileOf(file, id) && others.some((copy) => copy.isMain || (order.get(copy.file) ?? 0) < (order.get(file) ?? 0));
    };
    /** A skipped file read after all: its validators are made from its signature, which is its claim's. */
    const unskip = (file: string, claim: FileClaim): void => {
      skipped.delete(file);
      signatures.set(file, claim.signature);
    };
    for (let again = true; again; ) {
      again = false;
      for (const [file, claim] of skipped) {
        if (!claim.ids.some((id) => mightWin(id, file))) continue;
        unskip(file, claim);
        await readOne(file);
        again = true;
      }
    }

    // An asset whose file is gone, or no longer holds it, may now come from a copy in a file not read: read them all.
    const unreadableFiles = new Set(unreadable.map((u) => u.file));
    let orphaned = false;
    for (const [file, claim] of claims) {
      if (skipped.has(file) || unreadableFiles.has(file)) continue;
      if (claim.ids.some((id) => !copies.has(id))) {
        orphaned = true;
        break;
      }
    }
    if (orphaned) {
      for (const [file, claim] of [...skipped]) {
        unskip(file, claim);
        await readOne(file);
      }
    }
    onProgress?.(total, total);

    // An asset an unchanged (unread) file still claims comes from there: pass 2 read every file whose claim another
    // copy could beat, so the copies read elsewhere are dependency copies that lose to it.
    const unchangedAssets: Scan['unchanged'] = [];
    const claimed = new Set<string>();
    for (const [file, claim] of skipped) {
      // Unchanged, so its validator is the one the checkpoint holds (the same text, and the same string).
      const validator = claim.validator;
      for (const assetId of claim.ids) {
        claimed.add(assetId);
        unchangedAssets.push({ assetId, validator });
      }
    }
    const assets: Asset[] = [];
    const fileOf = new Map<string, string>();
    /** Definitions taken from each file read (assets and failures): part of its validators. */
    const definitions = new Map<string, number>();
    const blind = blindSpots(unreadable, order, folderAt);
    for (const [id, list] of [...copies].sort(([a], [b]) => compareText(a, b))) {
      if (claimed.has(id)) continue;
      // In path order, whatever order the files were read in: "first in path order" decides between dependency copies.
      if (list.length > 1) list.sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0));
      const chosen = chooseCopy(id, list);
      warnings.push(...chosen.warnings);
      definitions.set(chosen.copy.file, (definitions.get(chosen.copy.file) ?? 0) + 1);
      const ambiguous = chosen.copy.asset ? ambiguityOf(id, chosen.copy, blind, order) : undefined;
      if (chosen.copy.asset && ambiguous === undefined) {
        assets.push(chosen.copy.asset);
        fileOf.set(id, chosen.copy.file);
      } else {
        failures.push({ assetId: id, error: ambiguous ?? `${chosen.copy.error ?? 'unknown error'} (in ${chosen.copy.file})` });
      }
    }
    // Assets the checkpoint took from a file that could not be read now, and that no other file holds: unknown, not
    // gone. Named, so the run says which tables it left as they are.
    if (unreadable.length > 0) failures.push(...lostWithUnreadable(options.known, unreadable, copies, claimed, this.options.path));
    failures.sort((a, b) => compareText(a.assetId, b.assetId));
    // Messages quote names and ids, which may be of any size: bounded once they are final.
    return {
      assets,
      fileOf,
      definitions,
      unchanged: unchangedAssets,
      failures: failures.map((f) => ({ assetId: f.assetId, error: boundText(f.error) })),
      warnings: dedupeWarnings(warnings).map((w) => ({ assetId: w.assetId, message: boundText(w.message) })),
      unreadable,
      signatures,
      digests,
      checksum,
    };
  }

  /**
   * Reads one file and parses it, unless it holds the bytes `claim` was made from: then `same` is their digest, and
   * the definitions the checkpoint holds for it stand.
   */
  private async load(file: string, mainName: string, claim?: FileClaim): Promise<{ result: ParseCsnResult; digest: string } | { same: string } | { reason: string }> {
    const absolute = path.join(this.options.path, file);
    try {
      // Synchronous, like the stats: an export file is small and local, and a promise read is four round trips
      // through the thread pool (open, stat, read, close), which cost more than the read itself.
      const bytes = readFileSync(absolute);
      recordCall(this.counters, 'readFile', 0, bytes.byteLength, false);
      const digest = contentDigest(bytes);
      if (sameContent(claim, digest)) return { same: digest };
      // Strict: Buffer.toString would turn damaged bytes into U+FFFD, and a damaged name into another name.
      const decoded = decodeUtf8(bytes);
      if (!decoded.ok) return { reason: decoded.reason };
      let json: unknown;
      try {
        json = JSON.parse(decoded.text);
      } catch (error) {
        return { reason: `not valid JSON: ${messageOf(error)}` };
      }
      const result = parseCsn(json, { space: this.options.space, mainName });
      if (result.documentError !== undefined) return { reason: result.documentError };
      return { result, digest };
    } catch (error) {
      return { reason: `could not be read: ${messageOf(error)}` };
    }
  }
}

/**
 * The main-object-wins rule. The copy from the file named after the definition wins; without one, the
 * first file in path order. Copies that differ from the winner are warnings naming both files; identical
 * copies (the usual case: a dependency exported along with several objects) are silent.
 */
function chooseCopy(id: string, copies: readonly Copy[]): { copy: Copy; warnings: AssetWarning[] } {
  const main = copies.find((copy) => copy.isMain);
  const winner = main ?? copies.find((copy) => copy.asset) ?? (copies[0] as Copy);
  // The usual case, one copy: nothing to compare (serialising every asset to compare it with nothing is costly).
  if (copies.length === 1) return { copy: winner, warnings: [] };
  const why = main ? 'the file whose main object it is' : 'no file has it as its main object; first file in path order';
  const winnerText = winner.asset ? stableJson(winner.asset) : undefined;
  const warnings: AssetWarning[] = [];
  const reported = new Set<string>();
  for (const copy of copies) {
    if (copy === winner || reported.has(copy.file)) continue;
    const differs = copy.asset ? stableJson(copy.asset) !== winnerText : winner.asset !== undefined;
    if (!differs) continue;
    reported.add(copy.file);
    const detail = copy.error !== undefined ? ` (that copy failed: ${copy.error})` : winner.error !== undefined ? ` (the winning copy failed: ${winner.error})` : '';
    warnings.push({
      assetId: id,
      message: `${id} is defined differently in ${winner.file} and ${copy.file}; using ${winner.file} (${why})${detail}`,
    });
  }
  return { copy: winner, warnings };
}

interface Listing {
  files: string[];
  unreadable: Scan['unreadable'];
  folderAt: Map<string, number>;
}

/**
 * Relative paths (with `/`) of every *.json below `root`, in code-unit order so every machine agrees, appended to
 * `out.files`. A folder that cannot be listed is unreadable, with its place in that order.
 */
async function listJsonFiles(root: string, out: Listing, relative = ''): Promise<void> {
  let entries;
  try {
    entries = await readdir(path.join(root, relative), { withFileTypes: true });
  } catch (error) {
    const file = relative === '' ? root : relative;
    out.unreadable.push({ file, reason: `folder could not be listed: ${messageOf(error)}`, folder: true });
    out.folderAt.set(file, out.files.length);
    return;
  }
  for (const entry of [...entries].sort((a, b) => compareText(a.name, b.name))) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) await listJsonFiles(root, out, child);
    else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.toLowerCase().endsWith('.json')) out.files.push(child);
  }
}

/** A scan's assets and unchanged assets by space, worked out once per scan (a run asks for every space in turn). */
const spaces = new WeakMap<Scan, Map<string, { assets: Asset[]; unchanged: Scan['unchanged'] }>>();

function bySpace(scan: Scan): Map<string, { assets: Asset[]; unchanged: Scan['unchanged'] }> {
  let grouped = spaces.get(scan);
  if (grouped) return grouped;
  grouped = new Map();
  const group = (space: string) => {
    let g = grouped!.get(space);
    if (!g) grouped!.set(space, (g = { assets: [], unchanged: [] }));
    return g;
  };
  for (const asset of scan.assets) group(asset.space).assets.push(asset);
  for (const item of scan.unchanged) group(spaceOf(item.assetId)).unchanged.push(item);
  spaces.set(scan, grouped);
  return grouped;
}

/** Files stat-ed between two looks at the abort signal and the progress. */
const STAT_BATCH = 256;

/** The file's signature, or undefined when it cannot be stat-ed (it is then read, which reports why). */
function statQuietly(file: string): FileSignature | undefined {
  try {
    return signatureOf(statSync(file));
  } catch {
    return undefined;
  }
}
/** Files read at once: the next ones are on their way while one is parsed. */
const READ_BATCH = 16;

function pushCopy(copies: Map<string, Copy[]>, id: string, copy: Copy): void {
  const list = copies.get(id);
  if (list) list.push(copy);
  else copies.set(id, [copy]);
}

/** A definition repeated in several files repeats its warnings; report each once. */
function dedupeWarnings(warnings: readonly AssetWarning[]): AssetWarning[] {
  const seen = new Set<string>();
  return warnings.filter((warning) => {
    const key = `${warning.assetId}\u0000${warning.message.replace(/ \(in [^)]*\)$/, '')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
