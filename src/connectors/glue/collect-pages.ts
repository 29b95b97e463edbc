/** One page of a Glue listing: its items and the token of the next page, if any. */
export interface GluePage<T> {
  items: T[];
  nextToken?: string | undefined;
}

/**
 * Every item of a paged Glue listing (GetDatabases, GetTables, GetPartitions), page by page with NextToken. A
 * listing either completes or throws: a page that fails fails the whole listing, so a caller can never mistake
 * the pages it got for all there are (an incomplete listing must delete nothing). A server that hands back the
 * token it was given would page forever; that is an error too.
 */
export async function collectPages<T>(what: string, fetchPage: (token: string | undefined) => Promise<GluePage<T>>): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    items.push(...page.items);
    if (page.nextToken !== undefined && page.nextToken !== '' && page.nextToken === token) {
      throw new Error(`${what}: the same NextToken came back twice; the listing cannot be completed`);
    }
    token = page.nextToken || undefined;
  } while (token);
  return items;
}
