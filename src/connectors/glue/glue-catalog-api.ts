import {
  BatchDeleteTableCommand,
  BatchDeleteTableVersionCommand,
  CreateDatabaseCommand,
  CreateTableCommand,
  GetDatabaseCommand,
  GetTableCommand,
  GetTableVersionCommand,
  GetTablesCommand,
  UpdateDatabaseCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { Database, DatabaseInput, GlueClient, Table, TableError } from '@aws-sdk/client-glue';
import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import type { TableRef } from '../../catalog/target.ts';
import type { GlueDatabaseInput, GlueTable, GlueTableInput } from '../../mapping/glue-table.ts';
import { awsAttempts, awsErrorCode, GlueCallError } from './glue-target-errors.ts';
import { refKey } from '../../catalog/ref-key.ts';

/** Glue's ceiling for GetTables pages, and for the names one BatchDeleteTable takes. */
export const GLUE_PAGE_SIZE = 100;
export const GLUE_BATCH_DELETE_SIZE = 100;

/** Error codes that are answers, not failures, for the calls that pass them through. */
const NOT_FOUND = ['EntityNotFoundException'] as const;
const EXISTS = ['AlreadyExistsException'] as const;

export type CreateOutcome = 'created' | 'exists';
export type UpdateOutcome = 'updated' | 'conflict' | 'missing';

/** One table's error from a BatchDeleteTable response (reported in the body, not thrown). */
export interface BatchDeleteError {
  table: string;
  code: string;
  message: string;
}

/** A Glue `Table` as the mapping layer's narrow shape; read-only extras ride along and are dropped on write. */
function toGlueTable(table: Table, database: string): GlueTable {
  return { ...(table as unknown as GlueTable), DatabaseName: table.DatabaseName ?? database };
}

/**
 * The Glue calls the target makes, and nothing else: each bounded by one concurrency limit shared by the whole
 * target, each with the catalog id, and each failure either turned into an outcome the caller decides on
 * (not found, already exists, concurrent modification) or into a GlueCallError that says what failed.
 */
export class GlueCatalogApi {
  readonly #client: GlueClient;
  readonly #catalog: { CatalogId?: string };
  readonly #limit: LimitFunction;

  constructor(client: GlueClient, options: { catalogId?: string; maxConcurrency: number }) {
    this.#client = client;
    this.#catalog = options.catalogId === undefined ? {} : { CatalogId: options.catalogId };
    this.#limit = pLimit(options.maxConcurrency);
  }

  /** Every table of a database, page by page; undefined when the database does not exist. */
  async getTables(database: string): Promise<GlueTable[] | undefined> {
    const tables: GlueTable[] = [];
    let token: string | undefined;
    do {
      const request = { ...this.#catalog, DatabaseName: database, MaxResults: GLUE_PAGE_SIZE, ...(token ? { NextToken: token } : {}) };
      let page;
      try {
        const pass = tables.length === 0 ? NOT_FOUND : [];
        page = await this.#send('GetTables', database, () => this.#client.send(new GetTablesCommand(request)), pass);
      } catch (error) {
        if (isCode(error, 'EntityNotFoundException')) return undefined;
        throw error;
      }
      for (const table of page.TableList ?? []) tables.push(toGlueTable(table, database));
      // A server that hands back the token it was given would page forever.
      if (page.NextToken !== undefined && page.NextToken === token) {
        throw new Error(`GetTables ${database}: the same NextToken came back twice; stopping`);
      }
      token = page.NextToken || undefined;
    } while (token);
    return tables;
  }

  /** The table, or undefined when it (or its database) does not exist. */
  async getTable(ref: TableRef): Promise<GlueTable | undefined> {
    try {
      const out = await this.#send('GetTable', refKey(ref), () =>
        this.#client.send(new GetTableCommand({ ...this.#catalog, DatabaseName: ref.database, Name: ref.table })),
        NOT_FOUND,
      );
      return out.Table ? toGlueTable(out.Table, ref.database) : undefined;
    } catch (error) {
      if (isCode(error, 'EntityNotFoundException')) return undefined;
      throw error;
    }
  }

  async databaseExists(database: string): Promise<boolean> {
    try {
      await this.#send('GetDatabase', database, () =>
        this.#client.send(new GetDatabaseCommand({ ...this.#catalog, Name: database })),
        NOT_FOUND,
      );
      return true;
    } catch (error) {
      if (isCode(error, 'EntityNotFoundException')) return false;
      throw error;
    }
  }

  /** The database as Glue holds it; undefined when there is none. */
  async getDatabase(database: string): Promise<Database | undefined> {
    try {
      const out = await this.#send('GetDatabase', database, () =>
        this.#client.send(new GetDatabaseCommand({ ...this.#catalog, Name: database })),
        NOT_FOUND,
      );
      return out.Database;
    } catch (error) {
      if (isCode(error, 'EntityNotFoundException')) return undefined;
      throw error;
    }
  }

  /** UpdateDatabase replaces the whole definition: `input` must carry everything the database is to keep. */
  async updateDatabase(database: string, input: DatabaseInput): Promise<void> {
    await this.#send('UpdateDatabase', database, () =>
      this.#client.send(new UpdateDatabaseCommand({ ...this.#catalog, Name: database, DatabaseInput: input })),
    );
  }

  async createDatabase(input: GlueDatabaseInput): Promise<CreateOutcome> {
    try {
      await this.#send('CreateDatabase', input.Name, () =>
        this.#client.send(new CreateDatabaseCommand({ ...this.#catalog, DatabaseInput: input })),
        EXISTS,
      );
      return 'created';
    } catch (error) {
      if (isCode(error, 'AlreadyExistsException')) return 'exists';
      throw error;
    }
  }

  async createTable(ref: TableRef, input: GlueTableInput): Promise<CreateOutcome> {
    try {
      await this.#send('CreateTable', refKey(ref), () =>
        this.#client.send(new CreateTableCommand({ ...this.#catalog, DatabaseName: ref.database, TableInput: input })),
        EXISTS,
      );
      return 'created';
    } catch (error) {
      if (isCode(error, 'AlreadyExistsException')) return 'exists';
      throw error;
    }
  }

  /** UpdateTable at `versionId`: Glue refuses it (ConcurrentModificationException) when the table moved on. */
  async updateTable(
    ref: TableRef,
    input: GlueTableInput,
    versionId: string | undefined,
    skipArchive: boolean,
  ): Promise<UpdateOutcome> {
    const request = {
      ...this.#catalog,
      DatabaseName: ref.database,
      TableInput: input,
      SkipArchive: skipArchive,
      ...(versionId !== undefined ? { VersionId: versionId } : {}),
    };
    try {
      await this.#send('UpdateTable', refKey(ref), () => this.#client.send(new UpdateTableCommand(request)), [
        'ConcurrentModificationException',
        'EntityNotFoundException',
      ]);
      return 'updated';
    } catch (error) {
      if (isCode(error, 'ConcurrentModificationException')) return 'conflict';
      if (isCode(error, 'EntityNotFoundException')) return 'missing';
      throw error;
    }
  }

  /** Deletes up to 100 tables of one database; per-table errors come back in the response, not as a throw. */
  async batchDeleteTable(database: string, tables: readonly string[]): Promise<BatchDeleteError[]> {
    if (tables.length > GLUE_BATCH_DELETE_SIZE) {
      throw new RangeError(`BatchDeleteTable takes at most ${GLUE_BATCH_DELETE_SIZE} names, got ${tables.length}`);
    }
    const out = await this.#send('BatchDeleteTable', `${database} (${tables.length} tables)`, () =>
      this.#client.send(new BatchDeleteTableCommand({ ...this.#catalog, DatabaseName: database, TablesToDelete: [...tables] })),
    );
    return (out.Errors ?? []).map((e: TableError) => ({
      table: e.TableName ?? '',
      code: e.ErrorDetail?.ErrorCode ?? 'UnknownError',
      message: e.ErrorDetail?.ErrorMessage ?? '',
    }));
  }

  /** One archived version of a table; undefined when Glue keeps no such version (or no such table). */
  async getTableVersion(ref: TableRef, versionId: string): Promise<GlueTable | undefined> {
    try {
      const out = await this.#send('GetTableVersion', `${refKey(ref)} version ${versionId}`, () =>
        this.#client.send(new GetTableVersionCommand({ ...this.#catalog, DatabaseName: ref.database, TableName: ref.table, VersionId: versionId })),
        NOT_FOUND,
      );
      const table = out.TableVersion?.Table;
      return table ? { ...toGlueTable(table, ref.database), VersionId: out.TableVersion?.VersionId ?? versionId } : undefined;
    } catch (error) {
      if (isCode(error, 'EntityNotFoundException')) return undefined;
      throw error;
    }
  }

  /** Deletes up to 100 versions of one table; per-version errors come back in the response, not as a throw. */
  async batchDeleteTableVersion(ref: TableRef, versionIds: readonly string[]): Promise<BatchDeleteError[]> {
    if (versionIds.length > GLUE_BATCH_DELETE_SIZE) {
      throw new RangeError(`BatchDeleteTableVersion takes at most ${GLUE_BATCH_DELETE_SIZE} versions, got ${versionIds.length}`);
    }
    const out = await this.#send('BatchDeleteTableVersion', `${refKey(ref)} (${versionIds.length} versions)`, () =>
      this.#client.send(
        new BatchDeleteTableVersionCommand({ ...this.#catalog, DatabaseName: ref.database, TableName: ref.table, VersionIds: [...versionIds] }),
      ),
    );
    return (out.Errors ?? []).map((e) => ({
      table: e.VersionId ?? '',
      code: e.ErrorDetail?.ErrorCode ?? 'UnknownError',
      message: e.ErrorDetail?.ErrorMessage ?? '',
    }));
  }

  destroy(): void {
    this.#client.destroy();
  }

  /**
   * Runs one call under the concurrency limit. Error codes in `passThrough` are outcomes the caller decides on;
   * every other failure becomes a GlueCallError naming the operation, the table and the attempts made.
   */
  async #send<T>(operation: string, what: string, call: () => Promise<T>, passThrough: readonly string[] = []): Promise<T> {
    try {
      return await this.#limit(call);
    } catch (error) {
      if (passThrough.includes(awsErrorCode(error) ?? '')) throw error;
      throw new GlueCallError(operation, what, awsErrorCode(error) ?? 'Error', awsAttempts(error), error);
    }
  }
}

function isCode(error: unknown, code: string): boolean {
  return awsErrorCode(error) === code;
}
