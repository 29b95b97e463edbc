import { bodyExcerpt, DatasphereHttpError, isAbortError, messageOf } from './datasphere-errors.ts';
import type { DatasphereHttp } from './datasphere-http.ts';
import { pathOf, withQuery } from './tenant-urls.ts';
import type { TenantUrls } from './tenant-urls.ts';

export interface ListPagesOptions {
  url: string;
  operation: string;
  pageSize: number;
  /** Extra query options sent with every offset page, e.g. `$select`. */
  query?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * What a listing returned. `complete` is true only when the last page was reached without error; an
 * incomplete listing keeps what it read (those items are real) and says why it stopped, and must never be
 * read as "everything else is gone".
 */
export interface PagedListing {
  items: unknown[];
  complete: boolean;
  reason?: string;
  /** HTTP status of the page that stopped the listing, when a status stopped it. */
  status?: number;
}

/** A listing longer than this many pages is assumed to be looping. */
const MAX_PAGES = 10_000;

/**
 * Reads a Datasphere list endpoint page by page, in both styles the tenants use:
 *   - server-driven: follow `@odata.nextLink` until a page comes without one;
 *   - client-driven: `$top`/`$skip`, until a page holds fewer items than asked for (OData's end signal).
 * A body may be `{ "value": [...] }` or a bare array (some tenants answer `spaces` that way). A page that
 * returns more than asked for means the server ignores `$top`, and that page is the whole list. A link
 * that was already followed, or an offset page that repeats earlier items, stops the listing as
 * incomplete rather than risk an endless loop or a list that silently skips items.
 */
export async function listPages(http: DatasphereHttp, urls: TenantUrls, options: ListPagesOptions): Promise<PagedListing> {
  const items: unknown[] = [];
  const seenLinks = new Set<string>();
  const seenItems = new Set<string>();
  let skip = 0;
  let url = offsetUrl(options, skip);
  const stop = (page: number, reason: string, status?: number): PagedListing => ({
    items,
    complete: false,
    // Excerpts of response bodies end up here; the redactor makes sure no credential does.
    reason: http.redactor.redact(`page ${page} of ${pathOf(options.url)}: ${reason}`),
    ...(status !== undefined ? { status } : {}),
  });

  for (let page = 1; page <= MAX_PAGES; page += 1) {
    let response;
    try {
      response = await http.request({ method: 'GET', url, operation: options.operation, bearer: true, headers: { Accept: 'application/json' }, ...(options.signal ? { signal: options.signal } : {}) });
    } catch (error) {
      if (isAbortError(error, options.signal)) throw error;
      return stop(page, messageOf(error), error instanceof DatasphereHttpError ? error.status : undefined);
    }
    if (response.status !== 200) {
      return stop(page, `HTTP ${response.status} (${bodyExcerpt(response.body, response.headers['content-type'])})`, response.status);
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch (error) {
      return stop(page, `not JSON: ${response.headers['content-type']?.includes('html') ? 'an HTML page (a login page?)' : messageOf(error)}`);
    }
    const pageItems = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body['value']) ? (body['value'] as unknown[]) : undefined;
    if (!pageItems) return stop(page, 'the body is neither a JSON array nor an object with a "value" array');

    const nextLink = isRecord(body) && typeof body['@odata.nextLink'] === 'string' ? body['@odata.nextLink'] : undefined;
    if (nextLink === undefined && page > 1 && pageItems.length > 0 && pageItems.every((item) => seenItems.has(JSON.stringify(item)))) {
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
    if (pageItems.length < options.pageSize || pageItems.length > options.pageSize) return { items, complete: true };
    skip += pageItems.length;
    url = offsetUrl(options, skip);
  }
  return stop(MAX_PAGES, `more than ${MAX_PAGES} pages; assumed to be looping`);
}

function offsetUrl(options: ListPagesOptions, skip: number): string {
  return withQuery(options.url, { ...(options.query ?? {}), $top: options.pageSize, $skip: skip });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
