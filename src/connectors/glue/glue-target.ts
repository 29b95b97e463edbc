import type { Asset } from '../../catalog/asset.ts';
import type { AssetHashes } from '../../catalog/hashes.ts';
import type {
  DatabaseHint,
  DeleteOutcome,
  FieldChange,
  TableRef,
  Target,
  TargetIdentity,
  TargetTable,
  TrafficModel,
  WriteRequest,
  WriteResult,
} from '../../catalog/target.ts';
import type { TableDefinition, TableVersions } from '../../catalog/table-versions.ts';
import { sameHashes } from '../../catalog/hashes.ts';
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
import { shortHash } from '../../mapping/glue-limits.ts';
import { databaseName, resolveTableRef } from '../../mapping/table-naming.ts';
import { toTableInput } from '../../mapping/to-table-input.ts';
import { chooseTableReads } from './choose-table-reads.ts';
import { createGlueClient } from './create-glue-client.ts';
import type { GlueClientOptions } from './create-glue-client.ts';
import { deleteOwnedTables } from './delete-owned-tables.ts';
import { enforceTableLimits, assertGlueName, assertGlueRef } from './enforce-glue-limits.ts';
import { GLUE_PAGE_SIZE, GlueCatalogApi } from './glue-catalog-api.ts';
import { TableCache } from './table-cache.ts';
import { GlueDatabases } from './glue-databases.ts';
import { GlueConflictError, NotOwnedError, TableNotFoundError } from './glue-target-errors.ts';
import type { WireOverhead } from './glue-traffic-middleware.ts';
import { nextVersionId } from './next-version-id.ts';
import { tableContent } from './table-content.ts';
import { GlueTableVersions } from './glue-table-versions.ts';
import { refKey } from '../../catalog/ref-key.ts';
import type { TargetTagging } from '../../catalog/resource-tags.ts';
import type { SpaceLabelling, SpaceLabelOptions, SpaceLabelOutcome } from '../../catalog/space-labels.ts';
import { buildGlueColumns } from '../../mapping/build-glue-columns.ts';
import { sortedRecord } from '../../mapping/stable-json.ts';
import { LfTagging } from './lf-tagging.ts';
import { LF_TAGS_PARAMETER } from './lf-tags-record.ts';

export interface GlueTargetOptions extends GlueClientOptions {
  /** The Data Catalog to write to (an AWS account id); the caller's account when not set. */
  catalogId?: string;
  databasePrefix: string;
  /**
   * Description of each database we create, and of those we created when their space's label changes: `{space}` is
   * replaced by the space name, `{label}` by its label; "" for none; not set, `SAP Datasphere space <label> (<SPACE>)`.
   */
  databaseDescription?: string;
  /** Parameters of each database we create, besides the ownership marker and the space. */
  databaseParameters?: Record<string, string>;
  /** LocationUri of each database we create (`storage.databaseLocation`); `{space}` is replaced by the space name. */
  databaseLocationUri?: string;
  /** UpdateTable without archiving the previous version (Glue keeps at most 100,000 versions per table). */
  skipArchive: boolean;
  /**
   * Update a table our last write left holding only our own build without reading it first, conditional on the
   * VersionId that write produced (WriteRequest.selfContained). Default true. False for a Glue-compatible server
   * that ignores VersionId (moto does): there an unread write would not be refused after another writer's change.
   */
  writeUnread?: boolean;
  /** Versions of each of our tables kept after a write; older ones are deleted (BatchDeleteTableVersion). */
  keepVersions?: number;
  /** Where the definitions of the tables this job deletes are kept, for rollback (see GlueTableVersions). */
  deletedArchiveDir?: string;
  /** Glue requests in flight at once, across everything this target does. */
  maxConcurrency: number;
  /** Job name: the ownership marker written into, and required on, every table we change. */
  job: string;
  mapping: Mapping;
  /**
   * Lake Formation LF-Tags (`governance.lfTags`): present when enabled. The tags wanted come with each asset
   * (`businessContext.lfTags`); this says where they are defined. Absent, the target makes no Lake Formation call.
   */
  lfTags?: { catalogId?: string };
}

/**
 * Per-request overhead (request line and SigV4 headers sent, status line and headers received) assumed until this
 * run has measured its own: about 870 + 300 bytes on moto with SDK 3.11xx. Real Glue sends other response headers,
 * and temporary credentials add a session token to every request, so the measured figure replaces it at once.
 */
const NOMINAL_REQUEST_OVERHEAD_BYTES = 1_150;
/** One table as Glue serves it, when the caller knows no better (our tables take 2–6 KB; the bench's 3.8 KB). */
const DEFAULT_TABLE_BYTES = 4_000;

function withBytes(table: TargetTable, bytes: number | undefined): TargetTable {
  return bytes === undefined ? table : { ...table, bytes };
}

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
 * by mapping/), and differs only where Glue does. An incremental run reads just the tables its plan writes or
 * deletes (readTables: GetTable each, or one paged GetTables where that moves fewer bytes); the whole-catalog
 * refresh lists each database (readState). Writes are CreateTable, or UpdateTable at the VersionId read
 * (optimistic concurrency: on ConcurrentModificationException the table is read again and the input rebuilt on
 * it, so the other writer's parameters and storage survive); deletions go out as BatchDeleteTable. Every request
 * is counted by SDK middleware, retries included, both directions, headers included.
 *
 * Versions: an UpdateTable made conditional on VersionId v produced v + 1 (see #versionAfterUpdate), so an update
 * needs no read-back to be recorded. A CreateTable's first VersionId is not documented (Glue starts at 0, moto
 * at 1), so a create reports none and the engine's verification reads it back.
 */
export class GlueTarget implements Target, TableVersions, SpaceLabelling {
  readonly type = 'glue';
  readonly versioned = true;
  readonly identity: TargetIdentity;
  readonly #options: GlueTargetOptions;
  readonly #api: GlueCatalogApi;
  readonly #databases: GlueDatabases;
  readonly #traffic: Traffic = emptyTraffic();
  readonly #overhead: WireOverhead = { bytes: 0, requests: 0 };
  /** Tables this run listed (whole databases) or read one by one, and what it wrote. */
  readonly #tables = new TableCache();
  /** Whether an UpdateTable moves VersionId on by one under SkipArchive; settled by the run's first update. */
  #increments: Promise<boolean> | undefined;
  /** Whole-database listings made, the tables they held, and the pages Glue serves them in. */
  readonly #listings = { listings: 0, tables: 0, pages: 0 };
  /**
   * The build rules this target writes with — job, mapping table and options — as a token: a table our write left
   * holding nothing but our own build is "self-contained" under these rules (WriteResult.selfContained). Rules
   * that changed since (another mapping version, other options) make the token differ, and the table is read.
   */
  readonly #buildToken: string;
  /** Content (tableContent) of the self-contained tables this run created, by `database/table`: see readTables. */
  readonly #created = new Map<string, string>();
  /** Version pruning, the archive of deleted tables and reading versions back (rollback). */
  readonly #versions: GlueTableVersions;
  /** LF-Tags on the tables, columns and databases we write, when `lfTags` is set. */
  readonly #tagging: LfTagging | undefined;

  constructor(options: GlueTargetOptions) {
    this.#options = options;
    this.#buildToken = `glue-build-${shortHash(JSON.stringify({ job: options.job, mapping: options.mapping }))}`;
    this.identity = {
      type: 'glue',
      region: options.region,
      ...(options.endpoint !== undefined ? { endpoint: endpointIdentity(options.endpoint) } : {}),
      ...(options.catalogId !== undefined ? { catalogId: options.catalogId } : {}),
      databasePrefix: options.databasePrefix,
    };
    this.#api = new GlueCatalogApi(createGlueClient(options, this.#traffic, this.#overhead), {
      maxConcurrency: options.maxConcurrency,
      ...(options.catalogId !== undefined ? { catalogId: options.catalogId } : {}),
    });
    this.#versions = new GlueTableVersions(this.#api, {
      job: options.job,
      keepVersions: options.keepVersions ?? 10,
      ...(options.deletedArchiveDir !== undefined ? { deletedArchiveDir: options.deletedArchiveDir } : {}),
    });
    this.#databases = new GlueDatabases(this.#api, {
      job: options.job,
      parameterPrefix: options.mapping.options.parameterPrefix,
      ...(options.databaseDescription !== undefined ? { description: options.databaseDescription } : {}),
      ...(options.databaseLocationUri !== undefined ? { locationUri: options.databaseLocationUri } : {}),
      parameters: options.databaseParameters ?? {},
    });
    const lfCatalogId = options.lfTags?.catalogId ?? options.catalogId;
    this.#tagging =
      options.lfTags === undefined
        ? undefined
        : new LfTagging({
            client: options,
            traffic: this.#traffic,
            overhead: this.#overhead,
            ...(lfCatalogId !== undefined ? { catalogId: lfCatalogId } : {}),
            ...(options.catalogId !== undefined ? { resourceCatalogId: options.catalogId } : {}),
            maxConcurrency: options.maxConcurrency,
            currentTable: (ref) => this.#current(ref),
            columnNames: (asset) => this.#columnNames(asset),
          });
  }

  /** LF-Tags (TargetTagging) when `governance.lfTags` is enabled; undefined otherwise, and the engine makes no tag call. */
  get tagging(): TargetTagging | undefined {
    return this.#tagging;
  }

  resolve(asset: Asset): TableRef {
    return resolveTableRef(asset, { databasePrefix: this.#options.databasePrefix });
  }

  /** SpaceLabelling: the databases of labelled spaces say their labels (glue-databases.ts: relabel). */
  async labelSpaces(labels: ReadonlyMap<string, string>, options?: SpaceLabelOptions): Promise<SpaceLabelOutcome> {
    return this.#databases.relabel(labels, (space) => this.databaseFor(space), options);
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
        const sizes = this.#remember(name, tables);
        return (tables ?? [])
          .map((table) => withBytes(readTargetTable(table), sizes.get(table.Name)))
          .sort((a, b) => (a.ref.table < b.ref.table ? -1 : a.ref.table > b.ref.table ? 1 : 0));
      }),
    );
    return read.flat();
  }

  /**
   * Per database, GetTable for each wanted table or one paged GetTables, whichever moves fewer bytes for the count
   * involved (choose-table-reads.ts says how that is estimated and why bytes decide). Reading the few tables a run
   * changes must not cost a whole database's worth of bytes, and reading most of a database must not cost a
   * request each.
   */
  async readTables(refs: TableRef[], hints?: ReadonlyMap<string, DatabaseHint>): Promise<TargetTable[]> {
    const byDatabase = new Map<string, Map<string, TableRef>>();
    for (const ref of refs) {
      assertGlueRef(ref);
      const list = byDatabase.get(ref.database) ?? new Map<string, TableRef>();
      list.set(ref.table, ref);
      byDatabase.set(ref.database, list);
    }
    const out: TargetTable[] = [];
    await Promise.all(
      [...byDatabase].map(async ([database, wanted]) => {
        const hint = hints?.get(database);
        const known = hint?.bytes !== undefined && hint.tables > 0 ? hint.bytes / hint.tables : undefined;
        const choice = chooseTableReads({
          wanted: wanted.size,
          tables: Math.max(hint?.tables ?? 0, this.#tables.count(database)),
          averageTableBytes: known ?? DEFAULT_TABLE_BYTES,
          requestOverheadBytes: this.#requestOverhead(),
          pageSize: GLUE_PAGE_SIZE,
        });
        if (choice.how === 'single') {
          const tables = await Promise.all(
            [...wanted.values()].map(async (ref) => {
              const table = await this.#api.getTable(ref);
              const bytes = this.#tables.remember(ref, table);
              return table ? this.#recognise(withBytes(readTargetTable(table), bytes), table) : undefined;
            }),
          );
          for (const table of tables) if (table) out.push(table);
          // A table found there proves the database exists: a create into it needs no GetDatabase first.
          if (tables.some((table) => table !== undefined)) this.#databases.known(database, true);
          return;
        }
        const tables = await this.#api.getTables(database);
        const sizes = this.#remember(database, tables);
        for (const table of tables ?? []) {
          if (wanted.has(table.Name)) out.push(this.#recognise(withBytes(readTargetTable(table), sizes.get(table.Name)), table));
        }
      }),
    );
    return out;
  }

  async write(request: WriteRequest): Promise<WriteResult> {
    const { ref, asset } = request;
    assertGlueRef(ref);
    const built = buildTableInput(asset, this.#buildContext(request.hashes, ref));
    await this.#recordTags(built.input, asset, ref);
    const warnings = [...built.warnings];
    const fullWriteBytes = createTableRequestBytes(ref, built.input);
    // Our own build of the table, as it goes out onto nothing: what a self-contained table holds.
    const own = enforceTableLimits(ref, toTableInput(built.input));
    // A replica of a Glue table merges by other rules (merge-replica-input.ts): always read first.
    const selfContained = asset.glue === undefined && this.#options.writeUnread !== false ? this.#buildToken : undefined;
    let drift: WriteResult['drift'];
    if (selfContained !== undefined && request.selfContained === selfContained && request.expectedVersion !== undefined && !request.create && !this.#tables.knows(ref)) {
      const unread = await this.#writeUnread(ref, own, request.expectedVersion, warnings);
      if (unread) {
        warnings.push(...own.warnings);
        return { ref, ...unread, selfContained, fullWriteBytes, warnings };
      }
      // Refused: someone wrote (or removed) the table since our last write. Read it, and merge onto it as always.
      const moved = await this.#api.getTable(ref);
      this.#tables.remember(ref, moved);
      drift = { expectedVersion: request.expectedVersion, actualVersion: moved?.VersionId ?? 'missing' };
      const found = moved && readTargetTable(moved);
      if (moved && found?.owner === this.#options.job && found.assetId === asset.id && sameHashes(found.hashes, request.hashes)) {
        // It already holds this very write: ours, from a run that ended before its checkpoint entry was saved.
        const storedBytes = this.#tables.remember(ref, moved);
        return { ref, ...(moved.VersionId !== undefined ? { version: moved.VersionId } : {}), storedBytes, fullWriteBytes, warnings };
      }
    }
    const current = await this.#current(ref);
    if (current && request.create) warnings.push(`${refKey(ref)} already existed with our marker; updated it`);
    if (!current && !request.create) warnings.push(`${refKey(ref)} was missing; created it`);
    const parameterPrefix = this.#options.mapping.options.parameterPrefix;
    const written = await this.#put(ref, current, 'update', warnings, asset.space, (table) =>
      mergeTableInput(table, built.input, request.strategy, request.facets, { parameterPrefix }),
    );
    if (current && !this.#options.skipArchive) warnings.push(...(await this.#versions.prune(ref, request.expectedVersion, written.version)));
    const { sent, ...result } = written;
    const pure = selfContained !== undefined && tableContent(sent) === tableContent(own.input);
    // A create's version is learnt by reading it back: that read recognises the table as ours (readTables).
    if (pure && result.version === undefined) this.#created.set(refKey(ref), tableContent(sent));
    return { ref, ...result, ...(pure ? { selfContained } : {}), ...(drift ? { drift } : {}), fullWriteBytes, warnings };
  }

  /**
   * Sends our own build of a table without reading it first, conditional on the version our last write of it
   * produced. That is as safe as reading first: the write succeeds only while the table is exactly as our last
   * write left it (VersionId unchanged: nobody has written it since, so it still carries our marker), and the
   * checkpoint says that write left nothing there but our own build of the asset (WriteResult.selfContained,
   * under the same build rules) — so merging onto the table, had we read it, would have given this same input:
   * the facets that did not change are built the same, and there is nobody else's part to keep. Undefined when
   * Glue refuses (ConcurrentModificationException, or the table is gone): the caller reads the table and merges.
   * One request per changed table instead of two: the cost of an incremental run halves.
   */
  async #writeUnread(
    ref: TableRef,
    own: { input: GlueTableInput },
    expected: string,
    warnings: string[],
  ): Promise<{ version?: string; storedBytes: number } | undefined> {
    const outcome = await this.#api.updateTable(ref, own.input, expected, this.#options.skipArchive);
    if (outcome !== 'updated') return undefined;
    const version = await this.#versionAfterUpdate(ref, expected);
    const stored: GlueTable = { ...own.input, DatabaseName: ref.database, ...(version !== undefined ? { VersionId: version } : {}) };
    const storedBytes = this.#tables.remember(ref, stored);
    if (!this.#options.skipArchive) warnings.push(...(await this.#versions.prune(ref, expected, version)));
    return { ...(version !== undefined ? { version } : {}), storedBytes };
  }

  /** What write(request) would send, diffed against the table as this run read it; sends nothing. */
  async previewWrite(request: WriteRequest): Promise<FieldChange[]> {
    const { ref } = request;
    assertGlueRef(ref);
    const current = await this.#current(ref);
    const { job, mapping } = this.#options;
    if (current && !isOwnedBy(current, job)) throw new NotOwnedError(ref, 'update', tableOwner(current), job);
    const built = buildTableInput(request.asset, this.#buildContext(request.hashes, ref));
    await this.#recordTags(built.input, request.asset, ref);
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
    const written = await this.#put(ref, current, 'deprecate', warnings, undefined, (table) => {
      if (!table) throw new TableNotFoundError(ref);
      return deprecateTableInput(table, at);
    });
    if (!this.#options.skipArchive) warnings.push(...(await this.#versions.prune(ref, undefined, written.version)));
    const { sent: _sent, ...result } = written;
    return { ref, ...result, warnings };
  }

  async delete(refs: TableRef[]): Promise<DeleteOutcome[]> {
    // Ownership is judged on what this run read (the plan reads every table it deletes). A table it has not read,
    // or read as missing (it may have been created since), is read now, one GetTable each: without the caller's
    // word on the database's size, a listing could cost far more than the few tables a deletion names.
    const unseen = refs.filter((ref) => {
      try {
        assertGlueRef(ref);
      } catch {
        return false; // refused by deleteOwnedTables with the reason
      }
      return !this.#tables.has(ref);
    });
    await Promise.all(unseen.map(async (ref) => this.#tables.remember(ref, await this.#api.getTable(ref))));
    return deleteOwnedTables(this.#api, refs, {
      job: this.#options.job,
      // BatchDeleteTable has no condition to close the window between this check and the deletion anyway.
      // The owned ones are archived first: their versions go with them, and rollback recreates them from there.
      readTables: async (database, names) => {
        const tables = this.#tables.pick(database, names);
        await this.#versions.archiveDeleted(tables);
        return tables;
      },
      onDeleted: (ref) => this.#tables.delete(ref),
    });
  }

  /** TableVersions (rollback): the table at `version`, from Glue's versions or the archive of deleted tables. */
  async readVersion(ref: TableRef, version: string): Promise<TableDefinition | undefined> {
    assertGlueRef(ref);
    return (await this.#versions.read(ref, version)) as TableDefinition | undefined;
  }

  /** TableVersions (rollback): `definition` becomes the table's current version (UpdateTable, or CreateTable). */
  async restoreVersion(ref: TableRef, definition: TableDefinition): Promise<{ version?: string }> {
    assertGlueRef(ref);
    const wanted = toTableInput(definition as unknown as GlueTable);
    if (!isOwnedBy(wanted, this.#options.job)) throw new NotOwnedError(ref, 'update', tableOwner(wanted), this.#options.job);
    const current = await this.#api.getTable(ref);
    this.#tables.remember(ref, current);
    const warnings: string[] = [];
    const written = await this.#put(ref, current, 'update', warnings, undefined, () => ({ ...wanted, Name: ref.table }));
    if (written.version !== undefined) return { version: written.version };
    const table = await this.#api.getTable(ref);
    return table?.VersionId !== undefined ? { version: table.VersionId } : {};
  }

  fullWriteBytes(asset: Asset, ref: TableRef, hashes: AssetHashes): number {
    return createTableRequestBytes(ref, buildTableInput(asset, this.#buildContext(hashes, ref)).input);
  }

  traffic(): Traffic {
    return structuredClone(this.#traffic);
  }

  trafficModel(): TrafficModel {
    return { requestOverheadBytes: this.#requestOverhead(), pageSize: GLUE_PAGE_SIZE };
  }

  async close(): Promise<void> {
    this.#api.destroy();
    this.#tagging?.close();
  }

  /**
   * With LF-Tags on, the table records the tag keys this job manages on it (lf-tags-record.ts) — a control key,
   * written with the table, so it is replaced by every write and dropped by the first write with LF-Tags off.
   */
  async #recordTags(input: GlueTableInput, asset: Asset, ref: TableRef): Promise<void> {
    const value = await this.#tagging?.parameter(asset, ref);
    if (value !== undefined) input.Parameters = sortedRecord({ ...input.Parameters, [LF_TAGS_PARAMETER]: value });
  }

  /** Source column name → Glue column name as the build names them; a Glue source's columns keep their names. */
  #columnNames(asset: Asset): ReadonlyMap<string, string> {
    if (asset.glue !== undefined) return new Map(asset.columns.map((c) => [c.name, c.name]));
    return buildGlueColumns(asset.columns, this.#options.mapping).names;
  }

  #buildContext(hashes: AssetHashes, ref: TableRef): BuildContext {
    const { job, databasePrefix, mapping } = this.#options;
    return { job, hashes, databasePrefix, mapping, ref };
  }

  /**
   * Marks a table read back as self-contained when it holds exactly what our create in this run sent, our own build
   * and nothing else: whatever its version now, that is the content the next write may go out onto unread.
   */
  #recognise(found: TargetTable, table: GlueTable): TargetTable {
    const created = this.#created.get(refKey(found.ref));
    return created !== undefined && created === tableContent(table) ? { ...found, selfContained: this.#buildToken } : found;
  }

  /** This run's measured header bytes per request, once it has made one. */
  #requestOverhead(): number {
    const { bytes, requests } = this.#overhead;
    return requests > 0 ? Math.round(bytes / requests) : NOMINAL_REQUEST_OVERHEAD_BYTES;
  }

  /**
   * Listings this target made, with the pages Glue serves them in (at most 100 tables a page, one page for an
   * empty database). A server that does not page (moto answers a listing in one response) makes fewer requests
   * than Glue would; this says how many Glue would have taken.
   */
  listings(): { listings: number; tables: number; gluePages: number } {
    const { listings, tables, pages } = this.#listings;
    return { listings, tables, gluePages: pages };
  }

  #remember(database: string, tables: GlueTable[] | undefined): Map<string, number> {
    const count = tables?.length ?? 0;
    this.#listings.listings += 1;
    this.#listings.tables += count;
    this.#listings.pages += Math.max(1, Math.ceil(count / GLUE_PAGE_SIZE));
    this.#databases.known(database, tables !== undefined);
    return this.#tables.load(database, tables);
  }

  /** The table a write merges onto: the one this run read (or wrote), or a GetTable now. */
  async #current(ref: TableRef): Promise<GlueTable | undefined> {
    if (this.#tables.knows(ref)) return this.#tables.get(ref);
    const table = await this.#api.getTable(ref);
    this.#tables.remember(ref, table);
    return table;
  }

  /**
   * Writes `makeInput(current)`: CreateTable when there is no table, otherwise UpdateTable at the version read.
   * If Glue says the table moved on (ConcurrentModificationException, or it appeared or vanished meanwhile), the
   * table is read once more and the input rebuilt on it — the other writer's parameters and storage survive — and
   * written again; a second refusal is a GlueConflictError. Returns the VersionId the write produced where it is
   * known for certain, and the size of the table as Glue now holds it (estimated from what was sent).
   */
  async #put(
    ref: TableRef,
    initial: GlueTable | undefined,
    action: 'update' | 'deprecate',
    warnings: string[],
    space: string | undefined,
    makeInput: (current: GlueTable | undefined) => GlueTableInput,
  ): Promise<{ version?: string; storedBytes: number; sent: GlueTableInput }> {
    const { job, skipArchive } = this.#options;
    let current = initial;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (attempt > 0) {
        current = await this.#api.getTable(ref);
        this.#tables.remember(ref, current);
      }
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
        const version = current ? await this.#versionAfterUpdate(ref, current.VersionId) : undefined;
        // Kept as Glue now holds it (read-only fields as they were, VersionId where known): a second write to this
        // table in the same run merges onto it, and goes out conditional where the version is known.
        const { VersionId: _replaced, UpdateTime: _updated, ...extras } = current ?? ({} as Partial<GlueTable>);
        const stored: GlueTable = { ...extras, ...fitted.input, DatabaseName: ref.database, ...(version !== undefined ? { VersionId: version } : {}) };
        const storedBytes = this.#tables.remember(ref, stored);
        return { ...(version !== undefined ? { version } : {}), storedBytes, sent: fitted.input };
      }
    }
    throw new GlueConflictError(ref);
  }

  /**
   * The VersionId our UpdateTable produced, without reading the table back. Glue documents VersionId as "a string
   * representation of an integer; each version is incremented by 1" (API_TableVersion), and an UpdateTable sent
   * with VersionId v succeeds only while the table is still at v (ConcurrentModificationException otherwise): no
   * other write can have come between the version we read and ours, so ours is v + 1. That is sound where the
   * update archives the version it replaces (SkipArchive false: the documented case). With SkipArchive, no
   * version is archived and the documentation does not say the live VersionId still moves on (engines that lock
   * optimistically on VersionId while skipping the archive, Iceberg and Trino among them, rely on it): so the
   * run's first update is read back once, and that answer holds for the run — confirmed, every update is v + 1;
   * refuted (or unreadable), no version is claimed and verification reads each updated table back instead.
   */
  async #versionAfterUpdate(ref: TableRef, replaced: string | undefined): Promise<string | undefined> {
    const next = nextVersionId(replaced);
    if (next === undefined || !this.#options.skipArchive) return next;
    this.#increments ??= this.#api.getTable(ref).then(
      (table) => table?.VersionId === next,
      () => false,
    );
    return (await this.#increments) ? next : undefined;
  }
}
