import { GetDatabasesCommand, GetTablesCommand } from '@aws-sdk/client-glue';
import type { GlueClient } from '@aws-sdk/client-glue';
import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import { collectPages } from './collect-pages.ts';
import { awsAttempts, awsErrorCode, GlueCallError } from './glue-target-errors.ts';

/** Glue's ceiling for the pages of GetDatabases and GetTables. */
export const GLUE_LISTING_PAGE_SIZE = 100;

/** A database that disappeared between the listing of databases and the listing of its tables. */
export class GlueDatabaseGoneError extends Error {
  readonly code = 'GLUE_DATABASE_GONE';
  override readonly name = 'GlueDatabaseGoneError';
  constructor(readonly database: string) {
    super(`database ${database} no longer exists in the source catalog`);
  }
}

/**
 * The reads a Glue source makes of databases and tables: paged to the end or failed, under one concurrency limit,
 * each failure a GlueCallError naming the operation and what it was about. Results are the SDK's objects,
 * validated by the caller (glue-table-to-asset.ts): what a server answers is input, not a promise.
 */
export class GlueSourceApi {
  readonly #client: GlueClient;
  readonly #catalog: { CatalogId?: string };
  readonly #limit: LimitFunction;

  constructor(client: GlueClient, options: { catalogId?: string; maxConcurrency: number }) {
    this.#client = client;
    this.#catalog = options.catalogId === undefined ? {} : { CatalogId: options.catalogId };
    this.#limit = pLimit(options.maxConcurrency);
  }

  /** The names of every database of the catalog. */
  async databaseNames(signal?: AbortSignal): Promise<string[]> {
    const databases = await collectPages('GetDatabases', async (token) => {
      const page = await this.#send('GetDatabases', 'the catalog', () =>
        this.#client.send(
          new GetDatabasesCommand({ ...this.#catalog, MaxResults: GLUE_LISTING_PAGE_SIZE, ...(token ? { NextToken: token } : {}) }),
          signal ? { abortSignal: signal } : {},
        ),
      );
      return { items: page.DatabaseList ?? [], nextToken: page.NextToken };
    });
    return databases.map((d) => d.Name ?? '');
  }

  /** Every table of a database, as the SDK returns it; GlueDatabaseGoneError when the database does not exist. */
  async tables(database: string, signal?: AbortSignal): Promise<unknown[]> {
    try {
      return await collectPages(`GetTables ${database}`, async (token) => {
        const page = await this.#send(
          'GetTables',
          database,
          () =>
            this.#client.send(
              new GetTablesCommand({ ...this.#catalog, DatabaseName: database, MaxResults: GLUE_LISTING_PAGE_SIZE, ...(token ? { NextToken: token } : {}) }),
              signal ? { abortSignal: signal } : {},
            ),
          ['EntityNotFoundException'],
        );
        return { items: page.TableList ?? [], nextToken: page.NextToken };
      });
    } catch (error) {
      if (awsErrorCode(error) === 'EntityNotFoundException') throw new GlueDatabaseGoneError(database);
      throw error;
    }
  }

  destroy(): void {
    this.#client.destroy();
  }

  async #send<T>(operation: string, what: string, call: () => Promise<T>, passThrough: readonly string[] = []): Promise<T> {
    try {
      return await this.#limit(call);
    } catch (error) {
      if (passThrough.includes(awsErrorCode(error) ?? '') || awsErrorCode(error) === 'AbortError') throw error;
      throw new GlueCallError(operation, what, awsErrorCode(error) ?? 'Error', awsAttempts(error), error);
    }
  }
}
