import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Asset } from '../../catalog/asset.ts';
import { boundText } from '../../catalog/bounded-text.ts';
import type { AssetFailure, AssetWarning, ExtractOptions, ExtractedItem, Source, SpaceExtract } from '../../catalog/source.ts';
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

interface Scan {
  assets: Asset[];
  failures: AssetFailure[];
  warnings: AssetWarning[];
  /** Files (or folders) that could not be read or are not CSN: the listing is incomplete. */
  unreadable: Array<{ file: string; reason: string }>;
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  result: ParseCsnResult;
}

/**
 * Datasphere CSN export files as a source. Each export holds its main object (named like the file) and
 * copies of its dependencies, so one definition often appears in several files; the copy in the file whose
 * main object it is wins. A file that cannot be read or parsed makes every space incomplete: its assets are
 * unknown, and unknown must never turn into deletions.
 *
 * Parsed files are kept per path with their mtime and size, so a run that lists spaces and then extracts
 * each one reads every file once, and a file is read again only when it changed.
 */
export class CsnFilesSource implements Source {
  readonly type = 'csn-files';
  readonly system = 'datasphere';
  private readonly counters: Traffic = emptyTraffic();
  private readonly cache = new Map<string, CachedFile>();

  constructor(private readonly options: CsnFilesSourceOptions) {}

  async listSpaces(): Promise<string[]> {
    await this.assertFolderExists();
    const scan = await this.scan(undefined);
    const spaces = new Set<string>([this.options.space]);
    for (const asset of scan.assets) spaces.add(asset.space);
    for (const failure of scan.failures) spaces.add(spaceOf(failure.assetId));
    return [...spaces].sort(compareText);
  }

  async extractSpace(space: string, options: ExtractOptions): Promise<SpaceExtract> {
    const scan = await this.scan(options.signal, options.onProgress);
    const inSpace = (id: string): boolean => spaceOf(id) === space;
    const items: ExtractedItem[] = scan.assets
      .filter((asset) => asset.space === space)
      .map((asset) => ({ state: 'extracted', asset, definitionFormat: 'csn' }));
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

  private async scan(signal: AbortSignal | undefined, onProgress?: (done: number, total: number) => void): Promise<Scan> {
    const unreadable: Scan['unreadable'] = [];
    const files = await listJsonFiles(this.options.path, unreadable);
    const copies = new Map<string, Copy[]>();
    const warnings: AssetWarning[] = [];
    const failures: AssetFailure[] = [];
    const seen = new Set<string>();

    for (const [index, file] of files.entries()) {
      signal?.throwIfAborted();
      onProgress?.(index, files.length);
      const mainName = path.basename(file).replace(/\.json$/i, '');
      const fileId = `${this.options.space}/${mainName}`;
      seen.add(file);
      const loaded = await this.load(file, mainName);
      if ('reason' in loaded) {
        unreadable.push({ file, reason: loaded.reason });
        // Counts as a failed main copy, so a stale copy of the same object in another export cannot stand in.
        pushCopy(copies, fileId, { file, isMain: true, error: loaded.reason });
        continue;
      }
      const { result } = loaded;
      for (const asset of result.assets) {
        pushCopy(copies, asset.id, { file, isMain: asset.id === result.mainAssetId, asset });
      }
      for (const failure of result.failures) {
        pushCopy(copies, failure.assetId, { file, isMain: failure.assetId === result.mainAssetId, error: failure.error });
      }
      for (const warning of result.warnings) warnings.push({ assetId: warning.assetId, message: `${warning.message} (in ${file})` });
    }
    onProgress?.(files.length, files.length);
    for (const cached of this.cache.keys()) if (!seen.has(cached)) this.cache.delete(cached);

    const assets: Asset[] = [];
    for (const [id, list] of [...copies].sort(([a], [b]) => compareText(a, b))) {
      const chosen = chooseCopy(id, list);
      warnings.push(...chosen.warnings);
      if (chosen.copy.asset) assets.push(chosen.copy.asset);
      else failures.push({ assetId: id, error: `${chosen.copy.error ?? 'unknown error'} (in ${chosen.copy.file})` });
    }
    failures.sort((a, b) => compareText(a.assetId, b.assetId));
    // Messages quote names and ids, which may be of any size: bounded once they are final.
    return {
      assets,
      failures: failures.map((f) => ({ assetId: f.assetId, error: boundText(f.error) })),
      warnings: dedupeWarnings(warnings).map((w) => ({ assetId: w.assetId, message: boundText(w.message) })),
      unreadable,
    };
  }

  /** Reads and parses one file, or reuses the last parse when the file is unchanged. */
  private async load(file: string, mainName: string): Promise<{ result: ParseCsnResult } | { reason: string }> {
    const absolute = path.join(this.options.path, file);
    try {
      const info = await stat(absolute);
      const cached = this.cache.get(file);
      if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return { result: cached.result };
      const bytes = await readFile(absolute);
      recordCall(this.counters, 'readFile', 0, bytes.byteLength, false);
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
      this.cache.set(file, { mtimeMs: info.mtimeMs, size: info.size, result });
      return { result };
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

/** Relative paths (with `/`) of every *.json below `root`, in code-unit order so every machine agrees. */
async function listJsonFiles(root: string, unreadable: Scan['unreadable'], relative = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(root, relative), { withFileTypes: true });
  } catch (error) {
    unreadable.push({ file: relative === '' ? root : relative, reason: `folder could not be listed: ${messageOf(error)}` });
    return [];
  }
  const files: string[] = [];
  for (const entry of [...entries].sort((a, b) => compareText(a.name, b.name))) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listJsonFiles(root, unreadable, child)));
    else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.toLowerCase().endsWith('.json')) files.push(child);
  }
  return files;
}

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
