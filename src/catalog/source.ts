import type { Asset } from './asset.ts';
import type { Traffic } from './traffic.ts';

export interface AssetFailure {
  assetId: string;
  error: string;
}

export interface AssetWarning {
  assetId: string;
  message: string;
}

/** One asset as the source delivered it in this run. */
export type ExtractedItem =
  | {
      state: 'extracted';
      asset: Asset;
      /** A change validator the source can send back next time (ETag, metadata ETag). */
      validator?: string;
      /** Which definition format the asset was built from, e.g. `csn` or `edmx`. */
      definitionFormat?: string;
      /**
       * Bytes of the definition as delivered. Recorded with the checkpoint entry, so that a later run in which the
       * source answers "not modified" can still say what a full run would have downloaded.
       */
      bytes?: number;
    }
  | {
      /** The source proved the asset unchanged (e.g. HTTP 304) without downloading its definition. */
      state: 'not-modified';
      assetId: string;
      validator?: string;
    };

export interface SpaceExtract {
  space: string;
  /**
   * The space's label as the source shows it (Datasphere's catalog `label`, e.g. "Sales & Distribution"): what the
   * target says of the space's database where people read it. Absent where the source has none or could not read
   * it — then the target leaves the Description of an existing database as it is.
   */
  label?: string;
  /**
   * True only when the listing of the space completed without error. Absence from an incomplete
   * listing never means deletion.
   */
  complete: boolean;
  incompleteReason?: string;
  items: ExtractedItem[];
  /** Assets that were listed but could not be read; they are neither synced nor deleted. */
  failures: AssetFailure[];
  warnings: AssetWarning[];
}

export interface KnownAsset {
  validator?: string;
}

export interface ExtractOptions {
  /** What the checkpoint knows of each asset id, so a source can ask "changed since?" cheaply. */
  known: ReadonlyMap<string, KnownAsset>;
  /** Compare content, not change signals (`sync --checksum`): read every definition even where a validator says unchanged. */
  checksum?: boolean;
  signal?: AbortSignal;
  /** Called as assets (or export files) of the space are read: `done` of `total`, for a progress display. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * What a run tells listSpaces(): the same as each extractSpace() gets, for a source that must read its definitions
 * to know its spaces (export files name their space inside) and reads them once, there.
 */
export type ListOptions = Partial<ExtractOptions>;

export interface Source {
  /** Config type, e.g. `csn-files`, `datasphere`. */
  readonly type: string;
  /** Source system name; names the checkpoint file (`<system>_checkpoints.json`). */
  readonly system: string;
  listSpaces(options?: ListOptions): Promise<string[]>;
  extractSpace(space: string, options: ExtractOptions): Promise<SpaceExtract>;
  traffic(): Traffic;
}
