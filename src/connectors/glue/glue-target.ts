import type { Asset } from '../../catalog/asset.ts';
import type { AssetHashes } from '../../catalog/hashes.ts';
import type { DeleteOutcome, FieldChange, TableRef, Target, TargetIdentity, TargetTable, WriteRequest, WriteResult } from '../../catalog/target.ts';
import { emptyTraffic } from '../../catalog/traffic.ts';
import type { Traffic } from '../../catalog/traffic.ts';
import { buildTableInput, createTableRequestBytes } from '../../mapping/build-table-input.ts';
import type { BuildContext } from '../../mapping/build-table-input.ts';
import { deprecateTableInput } from '../../mapping/deprecate-table-input.ts';
import { diffTableInput } from '../../mapping/diff-table-input.ts';
import type { GlueTable, GlueTableInput } from '../../mapping/glue-table.ts';
import type { Mapping } from '../../mapping/load-mapping.ts';
import { mergeTableInput } from '../../mapping/merge-table-input.ts';
import { isOwnedBy, readTargetTable, tableOwner } from '../../mapping/read-target-table.ts';
import { databaseName, resolveTableRef } from '../../mapping/table-naming.ts';
import { toTableInput } from '../../mapping/to-table-input.ts';
import { createGlueClient } from './create-glue-client.ts';
import type { GlueClientOptions } from './create-glue-client.ts';
import { deleteOwnedTables } from './delete-owned-tables.ts';
import { enforceTableLimits, assertGlueName, assertGlueRef } from './enforce-glue-limits.ts';
import { GLUE_PAGE_SIZE, GlueCatalogApi } from './glue-catalog-api.ts';
import { TableCache } from './table-cache.ts';
import { GlueDatabases } from './glue-databases.ts';
import { GlueConflictError, NotOwnedError, TableNotFoundError } from './glue-target-errors.ts';

export interface GlueTargetOptions extends GlueClientOptions {
  /** The Data Catalog to write to (an AWS account id); the caller's account when not set. */
  catalogId?: string;
  databasePrefix: string;
  /** Description of each database we create; `{space}` is replaced by the space name. */
  databaseDescription?: string;
  /** Parameters of each database we create, besides the ownership marker and the space. */
  databaseParameters?: Record<string, string>;
  /** UpdateTable without archiving the previous version (Glue keeps at most 100,000 versions per table). */
  skipArchive: boolean;
  /** Glue requests in flight at once, across everything this target does. */
  maxConcurrency: number;
  /** Job name: the ownership marker written into, and required on, every table we change. */
  job: string;
  mapping: Mapping;
}

const keyOf = (ref: TableRef): string => `${ref.database}/${ref.table}`;

/**
 * The endpoint as the checkpoint records it: scheme, host, port and path only. User info or a query string could
 * carry a secret, and neither tells two catalogs apart.
 */
function endpointIdentity(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return url.pathname === '/' ? url.origin : `${url.origin}${url.pathname}`;
  } catch {
    return endpoint.replace(/^.*@/, '').replace(/[?#].*$/, '');
  }
}

/**
 * The AWS Glue Data Catalog as a target. It sends exactly the TableInput the file target stores (built and merged
 * by mapping/), and differs only where Glue does: state comes from paged GetTables, once per database per
 * readState; writes are CreateTable or UpdateTable at the VersionId we read (optimistic concurrency, one re-read
 * and re-apply on ConcurrentModificationException); deletions go out as BatchDeleteTable. Every request is
 * counted by SDK middleware, retries included.
 *
 * Glue's CreateTable and UpdateTable answer without the new VersionId, so each successful write is followed by a
 * GetTable: the checkpoint must hold the version our write produced, or the next run could not tell our change
 * from someone else's (drift).
 */
export class GlueTarget implements Target {
  readonly type = 'glue';
  readonly identity: TargetIdentity;
  readonly #options: GlueTargetOptions;
  readonly #api: GlueCatalogApi;
  readonly #databases: GlueDatabases;
  readonly #traffic: Traffic = emptyTraffic();
  /** Tables as last read or written, for databases read by readState. */
  readonly #tables = new TableCache();

  constructor(options: GlueTargetOptions) {
    this.#options = options;
    this.identity = {
      type: 'glue',
      region: options.region,
      ...(options.endpoint !== undefined ? { endpoint: endpointIdentity(options.endpoint) } : {}),
      ...(options.catalogId !== undefined ? { catalogId: options.catalogId } : {}),
      databasePrefix: options.databasePrefix,
    };
    this.#api = new GlueCatalogApi(createGlueClient(options, this.#traffic), {
      maxConcurrency: options.maxConcurrency,
      ...(options.catalogId !== undefined ? { catalogId: options.catalogId } : {}),
    });
    this.#databases = new GlueDatabases(this.#api, {
      job: options.job,
      parameterPrefix: options.mapping.options.parameterPrefix,
      ...(options.databaseDescription !== undefined ? { description: options.databaseDescription } : {}),
      parameters: options.databaseParameters ?? {},
    });
  }

  resolve(asset: Asset): TableRef {
    return resolveTableRef(asset, { databasePrefix: this.#options.databasePrefix });
  }

  databaseFor(space: string): string {
    return databaseName(space, this.#options.databasePrefix);
  }

  async readState(databases: string[]): Promise<TargetTable[]> {
    const names = [...new Set(databases)].sort();
    for (const name of names) assertGlueName(name, 'database name');
    // Each database is reduced to its TargetTables as soon as it is read, so the parsed listings of a large
    // catalog are not all alive at once.
    const read = await Promise.all(
      names.map(async (name) => {
        const tables = await this.#api.getTables(name);
        this.#remember(name, tables);
        return (tables ?? []).map(readTargetTable).sort((a, b) => (a.ref.table < b.ref.table ? -1 : a.ref.table > b.ref.table ? 1 : 0));
      }),
    );
    return read.flat();
  }

  /**
   * Per database, GetTable for each table when that takes no more requests than listing the database would
   * (one page per 100 tables); otherwise one paged GetTables. Checking one written table must not cost a
   * whole database's worth of bytes.
   */
  async readTables(refs: TableRef[]): Promise<TargetTable[]> {
    const byDatabase = new Map<string, TableRef[]>();
    for (const ref of refs) {
      assertGlueRef(ref);
      const list = byDatabase.get(ref.database);
      if (list) list.push(ref);
      else byDatabase.set(ref.database, [ref]);
    }
    const out: TargetTable[] = [];
    await Promise.all(
      [...byDatabase].map(async ([database, wanted]) => {
        const pages = Math.max(1, Math.ceil(this.#tables.count(database) / GLUE_PAGE_SIZE));
        if (wanted.length <= pages) {
          const tables = await Promise.all(wanted.map((ref) => this.#api.getTable(ref)));
          for (const table of tables) if (table) out.push(readTargetTable(table));
          return;
        }
        const keys = new Set(wanted.map(keyOf));
        const tables = await this.#api.getTables(database);
        this.#remember(database, tables);
        for (const table of tables ?? []) if (keys.has(keyOf({ database, table: table.Name }))) out.push(readTargetTable(table));
      }),
    );
    return out;
  }

  async write(request: WriteRequest): Promise<WriteResult> {
    const { ref, asset } = request;
    assertGlueRef(ref);
    const built = buildTableInput(asset, this.#buildContext(request.hashes, ref));
    const warnings = [...built.warnings];
    const current = await this.#current(ref);
    if (current && request.create) warnings.push(`${keyOf(ref)} already existed with our marker; updated it`);
    if (!current && !request.create) warnings.push(`${keyOf(ref)} was missing; created it`);
    const parameterPrefix = this.#options.mapping.options.parameterPrefix;
    const version = await this.#put(ref, current, 'update', warnings, asset.space, (table) =>
      mergeTableInput(table, built.input, request.strategy, request.facets, { parameterPrefix }),
    );
    return { ref, ...(version !== undefined ? { version } : {}), fullWriteBytes: createTableRequestBytes(ref, built.input), warnings };
  }

  /** What write(request) would send, diffed against the table as this run read it; sends nothing. */
  async previewWrite(request: WriteRequest): Promise<FieldChange[]> {
    const { ref } = request;
    assertGlueRef(ref);
    const current = await this.#current(ref);
    const { job, mapping } = this.#options;
    if (current && !isOwnedBy(current, job)) throw new NotOwnedError(ref, 'update', tableOwner(current), job);
    const built = buildTableInput(request.asset, this.#buildContext(request.hashes, ref));
    const merged = mergeTableInput(current, built.input, request.strategy, request.facets, {
      parameterPrefix: mapping.options.parameterPrefix,
    });
    return diffTableInput(current ? toTableInput(current) : undefined, enforceTableLimits(ref, merged).input);
  }

  async deprecate(ref: TableRef, at: string): Promise<WriteResult> {
    assertGlueRef(ref);
    const current = await this.#current(ref);
    if (!current) throw new TableNotFoundError(ref);
    const warnings: string[] = [];
    const version = await this.#put(ref, current, 'deprecate', warnings, undefined, (table) => {
      if (!table) throw new TableNotFoundError(ref);
      return deprecateTableInput(table, at);
    });
    return { ref, ...(version !== undefined ? { version } : {}), warnings };
  }

  async delete(refs: TableRef[]): Promise<DeleteOutcome[]> {
    // A table this run's listing did not see may have been created since: look at it rather than call it gone.
    const unseen = refs.filter((ref) => this.#tables.loaded(ref.database) && !this.#tables.has(ref));
    await Promise.all(
      unseen.map(async (ref) => {
        const table = await this.#api.getTable(ref);
        if (table) this.#tables.set(ref, table);
      }),
    );
    return deleteOwnedTables(this.#api, refs, {
      job: this.#options.job,
      // The ownership check uses this run's bulk read where there is one (the planner decided on it too):
      // listing a large database again would cost more than every deletion together, and BatchDeleteTable has
      // no condition to close the window anyway. A database not read yet is listed now.
      readTables: async (database, names) => {
        if (!this.#tables.loaded(database)) this.#remember(database, await this.#api.getTables(database));
        return this.#tables.pick(database, names);
      },
      onDeleted: (ref) => this.#tables.delete(ref),
    });
  }

  fullWriteBytes(asset: Asset, ref: TableRef, hashes: AssetHashes): number {
    return createTableRequestBytes(ref, buildTableInput(asset, this.#buildContext(hashes, ref)).input);
  }

  traffic(): Traffic {
    return structuredClone(this.#traffic);
  }

  async close(): Promise<void> {
    this.#api.destroy();
  }

  #buildContext(hashes: AssetHashes, ref: TableRef): BuildContext {
    const { job, databasePrefix, mapping } = this.#options;
    return { job, hashes, databasePrefix, mapping, ref };
  }

  #remember(database: string, tables: GlueTable[] | undefined): void {
    this.#databases.known(database, tables !== undefined);
    this.#tables.load(database, tables);
  }

  /** The table a write merges onto: the one readState saw, or (database not read) a GetTable now. */
  async #current(ref: TableRef): Promise<GlueTable | undefined> {
    if (this.#tables.loaded(ref.database)) return this.#tables.get(ref);
    return this.#api.getTable(ref);
  }

  /**
   * Writes `makeInput(current)`: CreateTable when there is no table, otherwise UpdateTable at the version read.
   * If Glue says the table moved on (ConcurrentModificationException, or it appeared or vanished meanwhile), the
   * table is read once more and the input rebuilt on it — the other writer's parameters and storage survive — and
   * written again; a second refusal is a GlueConflictError. Returns the VersionId the write produced.
   */
  async #put(
    ref: TableRef,
    initial: GlueTable | undefined,
    action: 'update' | 'deprecate',
    warnings: string[],
    space: string | undefined,
    makeInput: (current: GlueTable | undefined) => GlueTableInput,
  ): Promise<string | undefined> {
    const { job, skipArchive } = this.#options;
    let current = initial;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (attempt > 0) current = await this.#api.getTable(ref);
      if (current && !isOwnedBy(current, job)) throw new NotOwnedError(ref, action, tableOwner(current), job);
      const fitted = enforceTableLimits(ref, makeInput(current));
      let done: boolean;
      if (current) {
        done = (await this.#api.updateTable(ref, fitted.input, current.VersionId, skipArchive)) === 'updated';
      } else {
        warnings.push(...(await this.#databases.ensure(ref.database, space ?? ref.database)));
        done = (await this.#api.createTable(ref, fitted.input)) === 'created';
      }
      if (done) {
        warnings.push(...fitted.warnings);
        // Glue answers without the new VersionId. Rather than a GetTable after every write, the engine's bulk
        // verification read learns it; until then our cached copy carries none, so a second write to this table
        // in the same run goes without the optimistic check.
        this.#tables.set(ref, { ...fitted.input, DatabaseName: ref.database });
        return undefined;
      }
    }
    throw new GlueConflictError(ref);
  }
}
