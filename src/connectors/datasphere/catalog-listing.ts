import { boundText } from '../../catalog/bounded-text.ts';
import { assetRecordOf, spaceLabelOf, spaceNameOf } from './catalog-records.ts';
import type { AssetRecord } from './catalog-records.ts';
import { DatasphereHttpError, excerpt } from './datasphere-errors.ts';
import type { DatasphereHttp } from './datasphere-http.ts';
import { listPages } from './list-pages.ts';
import type { TenantUrls } from './tenant-urls.ts';

export interface AssetListing {
  records: AssetRecord[];
  complete: boolean;
  reason?: string;
  warnings: Array<{ name: string; message: string }>;
  /** The page size the catalog actually served, when it capped below the configured `pageSize`. */
  servedPageSize?: number;
}

/** The catalog's spaces: their names, sorted, and the labels the entries give (name → label). */
export interface SpaceListing {
  names: string[];
  labels: Map<string, string>;
}

/**
 * Every space the technical user can see in the catalog, with its label. Throws when the list cannot be read
 * completely: a run that silently skipped the spaces it could not see would look like a successful one.
 */
export async function listSpaces(http: DatasphereHttp, urls: TenantUrls, pageSize: number): Promise<SpaceListing> {
  const listing = await listPages(http, urls, { url: urls.spaces(), operation: 'spaces', pageSize, count: true });
  if (!listing.complete) throw new DatasphereHttpError(boundText(`could not list the spaces: ${listing.reason ?? 'listing incomplete'}`), 'spaces', listing.status);
  const names = new Set<string>();
  const labels = new Map<string, string>();
  for (const item of listing.items) {
    const name = spaceNameOf(item);
    if (name === undefined) throw new DatasphereHttpError(`could not list the spaces: an entry names no space (${excerpt(JSON.stringify(item) ?? String(item), http.redactor, 100)})`, 'spaces');
    names.add(name);
    const label = spaceLabelOf(item);
    if (label !== undefined && !labels.has(name)) labels.set(name, label);
  }
  return { names: [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), labels };
}

/**
 * The catalog's assets of one space. A record that names no asset makes the listing incomplete: it might be
 * an asset we synced before, and an unreadable record must not become a deletion. Records that say they
 * belong to another space are left out with a warning; a name listed twice is kept once.
 */
export async function listAssetRecords(
  http: DatasphereHttp,
  urls: TenantUrls,
  space: string,
  pageSize: number,
  signal?: AbortSignal,
): Promise<AssetListing> {
  const listing = await listPages(http, urls, { url: urls.assets(space), operation: 'assets', pageSize, count: true, ...(signal ? { signal } : {}) });
  const records: AssetRecord[] = [];
  const warnings: AssetListing['warnings'] = [];
  const seen = new Set<string>();
  let unreadable = 0;
  for (const item of listing.items) {
    const record = assetRecordOf(item);
    if (!record) {
      unreadable += 1;
      continue;
    }
    if (record.spaceName !== undefined && record.spaceName !== space) {
      warnings.push({ name: record.name, message: `the catalog lists ${record.name} under ${space} but the record names space ${record.spaceName}; skipped` });
      continue;
    }
    if (seen.has(record.name)) {
      warnings.push({ name: record.name, message: `the catalog lists ${record.name} more than once; the first record was used` });
      continue;
    }
    seen.add(record.name);
    records.push(record);
  }
  const reasons: string[] = [];
  if (!listing.complete) reasons.push(listing.reason ?? 'listing incomplete');
  if (unreadable > 0) reasons.push(`${unreadable} catalog record(s) name no asset`);
  return {
    records,
    complete: reasons.length === 0,
    ...(reasons.length > 0 ? { reason: `asset listing of space ${space} incomplete: ${reasons.join('; ')}` } : {}),
    warnings,
    ...(listing.servedPageSize !== undefined ? { servedPageSize: listing.servedPageSize } : {}),
  };
}
