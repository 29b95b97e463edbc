/**
 * How to read k tables of one Glue database: k GetTable calls, or one paged GetTables over the whole database. The
 * choice is made by the bytes each would move, both directions, because that is what a run is charged with and
 * what grows with the catalog (requests matter too, and each carries its own overhead, which is counted in):
 *
 *   k single reads ≈ k × (table + request overhead + GetTable request body)
 *   a listing      ≈ N × table + pages × (request overhead + GetTables request body),  pages = ⌈N / 100⌉ (at least 1)
 *
 * where N is the number of tables in the database. A request's overhead (SigV4 request headers, response headers:
 * about 1.1 KB) is as large as a small table, so for a handful of tables single reads win by far, while reading
 * most of a database is cheaper as a listing, whose overhead is paid once per 100 tables. The break-even sits at
 * about k ≈ N × table / (table + overhead), some three quarters of the database for our tables.
 *
 * N comes from the caller's hint (the tables our checkpoint knows there); tables of other tools in the same
 * database are unknown to it and make a listing dearer than estimated — a bias towards listing only near the
 * break-even, where either choice costs about the same. A database known to be empty or new (N = 0) is listed:
 * one request answers for every table asked about.
 */

/** Body of a GetTable request for a typical name (`{"DatabaseName":"…","Name":"…"}`). */
const GET_TABLE_REQUEST_BYTES = 60;
/** Body of a GetTables request (`{"DatabaseName":"…","MaxResults":100,"NextToken":"…"}`). */
const GET_TABLES_REQUEST_BYTES = 120;

export interface ReadCostInput {
  /** Tables wanted from this database. */
  wanted: number;
  /** Tables the database holds, as far as the caller knows. */
  tables: number;
  /** Average bytes of one table as Glue serves it. */
  averageTableBytes: number;
  /** Request line and headers both ways, per request. */
  requestOverheadBytes: number;
  /** Tables per GetTables page. */
  pageSize: number;
}

export interface ReadChoice {
  how: 'single' | 'list';
  /** Estimated bytes of each way, for the debug log and the tests. */
  singleBytes: number;
  listBytes: number;
}

export function chooseTableReads(input: ReadCostInput): ReadChoice {
  const { wanted, tables, averageTableBytes, requestOverheadBytes, pageSize } = input;
  const singleBytes = wanted * (averageTableBytes + requestOverheadBytes + GET_TABLE_REQUEST_BYTES);
  const pages = Math.max(1, Math.ceil(tables / pageSize));
  const listBytes = tables * averageTableBytes + pages * (requestOverheadBytes + GET_TABLES_REQUEST_BYTES);
  return { how: singleBytes < listBytes ? 'single' : 'list', singleBytes, listBytes };
}
