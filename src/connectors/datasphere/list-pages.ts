import { bodyExcerpt, DatasphereHttpError, isAbortError, jsonErrorOf } from './datasphere-errors.ts';
import { messageOf } from '../../catalog/message-of.ts';
import { decodeUtf8 } from '../../formats/text/decode-utf8.ts';
import type { DatasphereHttp } from './datasphere-http.ts';
import { pathOf, withQuery } from './tenant-urls.ts';
import type { TenantUrls } from './tenant-urls.ts';
import { isRecord } from '../../catalog/is-record.ts';

export interface ListPagesOptions {
  url: string;
  operation: string;
  pageSize: number;
  /** Extra query options sent with every offset page, e.g. `$select`. */
  query?: Record<string, string>;
  /**
   * Ask for `$count=true` (OData; the consumption catalog supports it) and hold the listing to the total the
   * server reports. Endpoints that are not OData services confirm their end with an empty page instead.
   */
  count?: boolean;
  signal?: AbortSignal;
}

/**
 * What a listing returned. `complete` is true only when the last page was reached without error and the end
 * was confirmed; an incomplete listing keeps what it read (those items are real) and says why it stopped,
 * and must never be read as "everything else is gone".
 */
export interface PagedListing {
  items: unknown[];
  complete: boolean;
  reason?: string;
  /** HTTP status of the page that stopped the listing, when a status stopped it. */
  status?: number;
  /** Page size the server actually served, when it capped below the `$top` we sent. */
  servedPageSize?: number;
}

/** A listing longer than this many pages is assumed to be looping. */
const MAX_PAGES = 10_000;

/**
 * Reads a Datasphere list endpoint page by page, in both styles the tenants use:
 *   - server-driven: follow `@odata.nextLink` until a page comes without one;
 *   - client-driven: `$top`/`$skip`. OData's end signal is a page shorter than `$top`, but SAP documents that
 *     the catalog silently caps `$top` (at 500), and a server that caps below what we ask for answers a short
 *     page long before the end. So a short page ends nothing by itself: the end is confirmed by `$count`
 *     (the total listed must equal the server's count) or, where there is no count, by one more page that
 *     must come back empty. A page that turns out to be capped sets the page size for the rest of the
 *     listing to what the server actually served.
 * A body may be `{ "value": [...] }` or a bare array (some tenants answer `spaces` that way). A page that
 * returns more than asked for means the server ignores `$top`, and that page is the whole list. A link
 * that was already followed, or an offset page that repeats earlier items, stops the listing as
 * incomplete rather than risk an endless loop or a list that silently skips items.
 */
export async function listPages(http: DatasphereHttp, urls: TenantUrls, options: ListPagesOptions): Promise<PagedListing> {
  const items: unknown[] = [];
  const seenLinks = new Set<string>();
  const seenItems = new Set<string>();
  let top = options.pageSize;
  let skip = 0;
  let withCount = options.count === true;
  let count: number | undefined;
  let capped = false;
  /** Size of the short page whose end the current request is to confirm. */
  let confirming: number | undefined;
  let url = offsetUrl(options, top, skip, withCount);
  const stop = (page: number, reason: string, status?: number): PagedListing => ({
    items,
    complete: false,
    // Excerpts of response bodies end up here; the redactor makes sure no credential does.
    reason: http.redactor.redact(`page ${page} of ${pathOf(options.url)}: ${reason}`),
    ...(status !== undefined ? { status } : {}),
    ...(capped ? { servedPageSize: top } : {}),
  });
  const done = (page: number): PagedListing => {
    if (count !== undefined && count !== items.length) {
      return stop(page, `the server counts ${count} item(s) ($count) but the listing returned ${items.length}; the listing is not complete`);
    }
    return { items, complete: true, ...(capped ? { servedPageSize: top } : {}) };
  };

  for (let page = 1; page <= MAX_PAGES; page += 1) {
    let response;
    try {
      response = await http.request({ method: 'GET', url, operation: options.operation, bearer: true, headers: { Accept: 'application/json' }, ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      if (isAbortError(error, options.signal)) throw error;
      return stop(page, messageOf(error), error instanceof DatasphereHttpError ? error.status : undefined);
    }
    if (response.status === 400 && page === 1 && withCount) {
      // A service that does not know `$count` after all: list without it; empty pages confirm the end instead.
      withCount = false;
      url = offsetUrl(options, top, skip, withCount);
      page -= 1;
      continue;
    }
    if (response.status !== 200) {
      return stop(page, `HTTP ${response.status} (${bodyExcerpt(response.body, response.headers['content-type'], http.redactor)})`, response.status);
    }
    // Strict: invalid bytes would otherwise reach us as U+FFFD inside names.
    const decoded = decodeUtf8(response.body);
    if (!decoded.ok) return stop(page, decoded.reason);
    let body: unknown;
    try {
      body = JSON.parse(decoded.text);
    } catch (error) {
      return stop(page, `not JSON: ${response.headers['content-type']?.includes('html') ? 'an HTML page (a login page?)' : jsonErrorOf(error)}`);
    }
    const pageItems = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body['value']) ? (body['value'] as unknown[]) : undefined;
    if (!pageItems) return stop(page, 'the body is neither a JSON array nor an object with a "value" array');
    const pageCount = isRecord(body) ? countOf(body['@odata.count']) : undefined;
    if (pageCount !== undefined) count = pageCount;

    const nextLink = isRecord(body) && typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
    if (nextLink === undefined && page > 1 && pageItems.length > 0 && pageItems.every((item) => seenItems.has(JSON.stringify(item)))) {
      // A server that ignores $skip (and $top) answers every page with its whole list: when the only page so
      // far was short and comes back unchanged, that page was the whole list.
      if (page === 2 && confirming !== undefined && sameItems(pageItems, items)) return done(page);
      return stop(page, 'the page repeats earlier items: the server does not honour $skip');
    }
    for (const item of pageItems) {
      items.push(item);
      seenItems.add(JSON.stringify(item));
    }

    if (nextLink !== undefined) {
      const next = urls.follow(nextLink, url);
      if (seenLinks.has(next)) return stop(page, `@odata.nextLink ${pathOf(next)} was already followed`);
      seenLinks.add(next);
      url = next;
      continue;
    }
    // Server-driven paging ends where the server stops handing out links; our $top played no part in it.
    if (seenLinks.size > 0 || pageItems.length === 0) return done(page);
    if (confirming !== undefined) {
      // The short page was not the end: the server caps $top. Page on at the size it actually served.
      if (!capped) {
        capped = true;
        top = confirming;
      }
      confirming = undefined;
    }
    if (pageItems.length > top) {
      // The server ignores $top and sent everything at once; only on the first page is that the whole list.
      if (page === 1) return done(page);
      return stop(page, `the server answered ${pageItems.length} items to $top=${top}`);
    }
    skip += pageItems.length;
    // Everything the server counts is here: no need to ask for an empty page.
    if (count !== undefined && items.length >= count) return done(page);
    // Short: the end, or a server capping $top below what we asked. The next page must come back empty.
    if (pageItems.length < top) confirming = pageItems.length;
    url = offsetUrl(options, top, skip, withCount);
  }
  return stop(MAX_PAGES, `more than ${MAX_PAGES} pages; assumed to be looping`);
}

function offsetUrl(options: ListPagesOptions, top: number, skip: number, withCount: boolean): string {
  return withQuery(options.url, { ...(options.query ?? {}), $top: top, $skip: skip, ...(withCount ? { $count: 'true' } : {}) });
}

/** `@odata.count`: a number, or a numeric string (IEEE754Compatible responses). */
function countOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, i) => JSON.stringify(item) === JSON.stringify(b[i]));
}

