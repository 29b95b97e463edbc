import { readFileSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
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
import { emptyTraffic, recordCall } from '../../catalog/traffic.ts';
import type { Traffic } from '../../catalog/traffic.ts';
import { buildTableInput, createTableRequestBytes } from '../../mapping/build-table-input.ts';
import type { BuildContext, BuiltTableInput } from '../../mapping/build-table-input.ts';
import { diffTableInput } from '../../mapping/diff-table-input.ts';
import { deprecateTableInput } from '../../mapping/deprecate-table-input.ts';
import type { GlueDatabaseInput, GlueTable, GlueTableInput } from '../../mapping/glue-table.ts';
import type { Mapping } from '../../mapping/load-mapping.ts';
import { mergeTableInput } from '../../mapping/merge-table-input.ts';
import { isOwnedBy, readTargetTable, tableOwner } from '../../mapping/read-target-table.ts';
import { OWNER_KEY } from '../../mapping/table-parameters.ts';
import { databaseName, resolveTableRef } from '../../mapping/table-naming.ts';
import { toTableInput } from '../../mapping/to-table-input.ts';
import { atomicWriteFile } from './atomic-write-file.ts';
import { jsonBytes, jsonBytesSpread, jsonBytesWithMember } from './json-bytes.ts';
import { keepVersion, pruneKeptVersions, readKeptVersion } from './table-version-files.ts';
import { removeStaleTempFiles } from './stale-temp-files.ts';
import type { CleanupLogger } from './stale-temp-files.ts';
import {
  ConcurrentModificationError,
  CorruptTableFileError,
  NotOwnedError,
  TableNotFoundError,
} from './file-target-errors.ts';
import { refKey } from '../../catalog/ref-key.ts';
import { messageOf } from '../../catalog/message-of.ts';
import { byDatabase } from '../../catalog/space-labels.ts';
import type { SpaceLabelling, SpaceLabelOptions, SpaceLabelOutcome } from '../../catalog/space-labels.ts';
import { databaseDescription, descriptionChange, labelledDatabases } from '../../mapping/database-description.ts';
import { databaseFilePath, readDatabaseFile } from './database-file.ts';
import {
  assertStorableDatabase,
  assertStorableRef,
  DATABASE_FILE,
  isTableFile,
  parseTableFile,
  readTableFile,
  tableFileName,
  tablePath,
} from './table-files.ts';

export interface FileTargetOptions {
  /** Root folder: `<path>/<database>/<table>.json` and `<path>/<database>/_database.json`. */
  path: string;
  databasePrefix: string;
  /** Job name: the ownership marker written into, and required on, every table we change. */
  job: string;
  mapping: Mapping;
  now?: () => Date;
  /** Where the removal of temp files left by an interrupted earlier run is reported. */
  logger?: CleanupLogger;
  /** Versions of each table kept, the current one included (as Glue keeps table versions); default 10. */
  keepVersions?: number;
  /** The databases' Description template, as the Glue target's (mapping/database-description.ts): "" for none. */
  databaseDescription?: string;
}

/** Glue answers GetTables in pages of at most 100 tables; the traffic figures follow suit. */
const PAGE_SIZE = 100;

/**
 * A Glue catalog on disk: each table file holds exactly the table Glue would hold after the same requests
 * (TableInput fields plus DatabaseName, VersionId "1", "2", … and times). Traffic is counted in Glue request
 * terms (operation names, pages of 100, compact JSON bodies) so the figures compare with the Glue target's.
 */
export class FileTarget implements Target, TableVersions, SpaceLabelling {
  readonly type = 'file';
  readonly versioned = true;
  readonly identity: TargetIdentity;
  readonly #options: FileTargetOptions;
  readonly #now: () => Date;
  /**
   * The version of each table as last read or written, per database read by readState: all a write needs to
   * notice a concurrent change (it re-reads the file itself). Only versions, so 100k tables cost little memory.
   */
  readonly #versions = new Map<string, Map<string, string | undefined>>();
  /** The same for single tables read by readTables (databases not listed): the version, or null when missing. */
  readonly #read = new Map<string, string | undefined | null>();
  readonly #databases = new Map<string, Promise<void>>();
  /** Space → label, as the source gave them in this run (labelSpaces): a database created later says them. */
  readonly #labels = new Map<string, string>();
  readonly #traffic: Traffic = emptyTraffic();
  #removedTempFiles = 0;
  /** Database folders this instance has looked at for stale temp files. */
  readonly #swept = new Set<string>();

  constructor(options: FileTargetOptions) {
    this.#options = options;
    // The absolute path: the same folder reached through two relative paths is one catalog.
    this.identity = { type: 'file', path: resolvePath(options.path), databasePrefix: options.databasePrefix };
    this.#now = options.now ?? (() => new Date());
  }

  resolve(asset: Asset): TableRef {
    return resolveTableRef(asset, { databasePrefix: this.#options.databasePrefix });
  }

  databaseFor(space: string): string {
    return databaseName(space, this.#options.databasePrefix);
  }

  /**
   * SpaceLabelling, as the Glue target does it: databases created from now on say their space's label, and the
   * `_database.json` of an existing database this job created gets the Description they make where it says another
   * (counted as GetDatabase, and UpdateDatabase where it changes). Someone else's database is left as it is.
   */
  async labelSpaces(labels: ReadonlyMap<string, string>, options: SpaceLabelOptions = {}): Promise<SpaceLabelOutcome> {
    const outcome: SpaceLabelOutcome = { changes: [], warnings: [] };
    if (!options.preview) for (const [space, label] of labels) this.#labels.set(space, label);
    for (const { database, space, label } of labelledDatabases(labels, (space) => this.databaseFor(space))) {
      try {
        assertStorableDatabase(database);
        const found = await readDatabaseFile(this.#options.path, database);
        recordCall(this.#traffic, 'GetDatabase', jsonBytes({ Name: database }), found?.bytes ?? 0, false);
        if (!found) continue;
        if (!options.preview) this.#databases.set(database, Promise.resolve());
        const change = descriptionChange(found.database, databaseDescription(this.#options.databaseDescription, space, label).value, this.#options.job, database, space);
        if (change === undefined) continue;
        if (options.preview) {
          outcome.changes.push(change);
          continue;
        }
        const stored = { ...found.database, Description: change.to };
        await atomicWriteFile(databaseFilePath(this.#options.path, database), `${JSON.stringify(stored, null, 2)}\n`);
        const input = { Name: found.database.Name ?? database, Description: change.to, ...(found.database.Parameters ? { Parameters: found.database.Parameters } : {}) };
        recordCall(this.#traffic, 'UpdateDatabase', jsonBytes({ Name: database, DatabaseInput: input }), 0, true);
        outcome.changes.push(change);
      } catch (error) {
        outcome.warnings.push(`database ${database}: could not bring its Description in step with the label of space ${space}: ${messageOf(error)}`);
      }
    }
    byDatabase(outcome.changes);
    return outcome;
  }

  async readState(databases: string[]): Promise<TargetTable[]> {
    const out: TargetTable[] = [];
    for (const database of [...new Set(databases)].sort()) {
      assertStorableDatabase(database);
      const versions = new Map<string, string | undefined>();
      this.#versions.set(database, versions);
      const tables = await this.#readDatabase(database);
      for (let page = 0; page < Math.max(1, Math.ceil(tables.length / PAGE_SIZE)); page += 1) {
        const list = tables.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
        const sent = jsonBytes({ DatabaseName: database });
        recordCall(this.#traffic, 'GetTables', sent, jsonBytes({ TableList: list }), false);
      }
      for (const table of tables) {
        versions.set(table.Name, table.VersionId);
        out.push({ ...readTargetTable(table), bytes: jsonBytes(table) });
      }
      for (const key of [...this.#read.keys()]) if (key.startsWith(`${database}/`)) this.#read.delete(key);
    }
    return out;
  }

  /**
   * One file read per table (counted as a GetTable: a local read costs no request overhead, so single reads are
   * always the cheapest here); missing ones are left out. The versions read are remembered: a write to one of these
   * tables in this run checks that the file is still at that version, as Glue's VersionId would.
   */
  async readTables(refs: TableRef[], _hints?: ReadonlyMap<string, DatabaseHint>): Promise<TargetTable[]> {
    const out: TargetTable[] = [];
    // A run killed mid-write left its temp file where the write it now redoes reads: sweep each folder once.
    for (const database of new Set(refs.map((ref) => ref.database))) await this.#sweep(database);
    for (const ref of refs) {
      assertStorableRef(ref);
      const table = (await readTableFile(this.#options.path, ref))?.table;
      this.#countGetTable(ref, table);
      this.#remember(ref, table);
      if (table) out.push({ ...readTargetTable(table), bytes: jsonBytes(table) });
    }
    return out;
  }

  async write(request: WriteRequest): Promise<WriteResult> {
    const { ref } = request;
    assertStorableRef(ref);
    const current = await this.#current(ref);
    const warnings: string[] = [];
    if (current && !isOwnedBy(current, this.#options.job)) {
      throw new NotOwnedError(ref, 'update', tableOwner(current), this.#options.job);
    }
    if (current && request.create) warnings.push(`${refKey(ref)} already existed with our marker; updated it`);
    if (!current && !request.create) warnings.push(`${refKey(ref)} was missing; created it`);
    const { built, input } = this.#writeInput(request, current);
    warnings.push(...built.warnings);
    const { version, storedBytes, requestBytes } = await this.#store(ref, input, current, request.asset.space);
    // A create sent the full write itself (the input is the built one, copied): its size is already known.
    const fullWriteBytes = current === undefined ? requestBytes : createTableRequestBytes(ref, built.input);
    return { ref, version, storedBytes, fullWriteBytes, warnings };
  }

  /** What write(request) would change in the table on disk now; reads as write does, writes nothing. */
  async previewWrite(request: WriteRequest): Promise<FieldChange[]> {
    const { ref } = request;
    assertStorableRef(ref);
    const current = (await readTableFile(this.#options.path, ref))?.table;
    // A table this run read already needs no further read in Glue terms (the Glue target previews from what it read).
    if (!this.#knows(ref)) this.#countGetTable(ref, current);
    if (current && !isOwnedBy(current, this.#options.job)) {
      throw new NotOwnedError(ref, 'update', tableOwner(current), this.#options.job);
    }
    return diffTableInput(current ? toTableInput(current) : undefined, this.#writeInput(request, current).input);
  }

  /** The table a write stores: ours built from the asset, merged onto the current table by the request's strategy. */
  #writeInput(request: WriteRequest, current: GlueTable | undefined): { built: BuiltTableInput; input: GlueTableInput } {
    const built = buildTableInput(request.asset, this.#buildContext(request.hashes, request.ref));
    const input = mergeTableInput(current, built.input, request.strategy, request.facets, {
      parameterPrefix: this.#options.mapping.options.parameterPrefix,
    });
    return { built, input };
  }

  async deprecate(ref: TableRef, at: string): Promise<WriteResult> {
    assertStorableRef(ref);
    const current = await this.#current(ref);
    if (!current) throw new TableNotFoundError(ref);
    if (!isOwnedBy(current, this.#options.job)) {
      throw new NotOwnedError(ref, 'deprecate', tableOwner(current), this.#options.job);
    }
    const { version, storedBytes } = await this.#store(ref, deprecateTableInput(current, at), current);
    return { ref, version, storedBytes, warnings: [] };
  }

  async delete(refs: TableRef[]): Promise<DeleteOutcome[]> {
    const outcomes: DeleteOutcome[] = [];
    for (const ref of refs) {
      try {
        assertStorableRef(ref);
        const found = await readTableFile(this.#options.path, ref);
        if (!this.#knows(ref)) this.#countGetTable(ref, found?.table);
        if (!found) {
          outcomes.push({ ref, ok: true, alreadyGone: true });
          continue;
        }
        if (!isOwnedBy(found.table, this.#options.job)) {
          const error = new NotOwnedError(ref, 'delete', tableOwner(found.table), this.#options.job);
          outcomes.push({ ref, ok: false, error: error.message });
          continue;
        }
        // The last version stays among the kept ones: rollback recreates the table from it.
        await keepVersion(this.#options.path, ref, found.table);
        const gone = await rm(tablePath(this.#options.path, ref)).then(
          () => false,
          (error: NodeJS.ErrnoException) => {
            if (error.code === 'ENOENT') return true;
            throw error;
          },
        );
        this.#remember(ref, undefined);
        recordCall(this.#traffic, 'DeleteTable', jsonBytes({ DatabaseName: ref.database, Name: ref.table }), 0, true);
        outcomes.push(gone ? { ref, ok: true, alreadyGone: true } : { ref, ok: true });
      } catch (error) {
        outcomes.push({ ref, ok: false, error: (error as Error).message });
      }
    }
    return outcomes;
  }

  /** TableVersions (rollback): the table at `version`, current or kept (a deleted table's last version is kept too). */
  async readVersion(ref: TableRef, version: string): Promise<TableDefinition | undefined> {
    assertStorableRef(ref);
    const current = (await readTableFile(this.#options.path, ref))?.table;
    const table = current?.VersionId === version ? current : await readKeptVersion(this.#options.path, ref, version);
    return table as TableDefinition | undefined;
  }

  /** TableVersions (rollback): `definition` becomes the table's next version (or the table again, if gone). */
  async restoreVersion(ref: TableRef, definition: TableDefinition): Promise<{ version?: string }> {
    assertStorableRef(ref);
    const { job } = this.#options;
    const wanted = { ...toTableInput(definition as unknown as GlueTable), Name: ref.table };
    if (!isOwnedBy(wanted, job)) throw new NotOwnedError(ref, 'update', tableOwner(wanted), job);
    const current = (await readTableFile(this.#options.path, ref))?.table;
    this.#countGetTable(ref, current);
    if (current && !isOwnedBy(current, job)) throw new NotOwnedError(ref, 'update', tableOwner(current), job);
    const { version } = await this.#store(ref, wanted, current);
    return { version };
  }

  fullWriteBytes(asset: Asset, ref: TableRef, hashes: AssetHashes): number {
    return createTableRequestBytes(ref, buildTableInput(asset, this.#buildContext(hashes, ref)).input);
  }

  traffic(): Traffic {
    return structuredClone(this.#traffic);
  }

  /** Traffic is counted in Glue terms but as bodies only: a local file read carries no request headers. */
  trafficModel(): TrafficModel {
    return { requestOverheadBytes: 0, pageSize: PAGE_SIZE };
  }

  /** Stale temp files (left by a killed run) this target removed from the database folders it read. */
  removedTempFiles(): number {
    return this.#removedTempFiles;
  }

  #buildContext(hashes: AssetHashes, ref: TableRef): BuildContext {
    const { job, databasePrefix, mapping } = this.#options;
    return { job, hashes, databasePrefix, mapping, ref };
  }

  /** Removes stale temp files from a database folder, once per instance (`names`: its listing, when at hand). */
  async #sweep(database: string, names?: string[]): Promise<void> {
    if (this.#swept.has(database)) return;
    this.#swept.add(database);
    const folder = join(this.#options.path, database);
    let listing = names;
    if (!listing) {
      try {
        listing = await readdir(folder);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
    }
    const removed = await removeStaleTempFiles(folder, listing, { now: this.#now, ...(this.#options.logger ? { logger: this.#options.logger } : {}) });
    this.#removedTempFiles += removed.length;
  }

  async #readDatabase(database: string): Promise<GlueTable[]> {
    const folder = join(this.#options.path, database);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    await this.#sweep(database, names);
    if (names.includes(DATABASE_FILE)) this.#databases.set(database, Promise.resolve());
    const files = names.filter(isTableFile).sort();
    const tables: GlueTable[] = [];
    // Read synchronously, as every table file is (table-files.ts): small local files cost less read in place than
    // sent through the thread pool.
    for (const name of files) {
      const file = join(folder, name);
      const table = parseTableFile(readFileSync(file, 'utf8'), file, database);
      if (tableFileName(table.Name) !== name) {
        throw new CorruptTableFileError(file, `holds table ${table.Name}, whose file is ${tableFileName(table.Name)}`);
      }
      tables.push(table);
    }
    return tables;
  }

  /**
   * The table a write merges onto. For a table this run read (readState, readTables) or wrote, that is the table
   * read then, and the file on disk must still be that version: the check Glue makes with UpdateTable's VersionId.
   * Otherwise the table is fetched, as the Glue target would with GetTable.
   */
  async #current(ref: TableRef): Promise<GlueTable | undefined> {
    const onDisk = (await readTableFile(this.#options.path, ref))?.table;
    const known = this.#known(ref);
    if (!known) {
      this.#countGetTable(ref, onDisk);
      this.#remember(ref, onDisk);
      return onDisk;
    }
    if (known.exists !== (onDisk !== undefined) || known.version !== onDisk?.VersionId) {
      throw new ConcurrentModificationError(ref, known.version, onDisk?.VersionId);
    }
    return onDisk;
  }

  /** What this run knows of a table's version: from a listing of its database or a single read; undefined if nothing. */
  #known(ref: TableRef): { exists: boolean; version?: string } | undefined {
    const listed = this.#versions.get(ref.database);
    if (listed) {
      if (!listed.has(ref.table)) return { exists: false };
      const version = listed.get(ref.table);
      return version === undefined ? { exists: true } : { exists: true, version };
    }
    const key = refKey(ref);
    if (!this.#read.has(key)) return undefined;
    const version = this.#read.get(key);
    if (version === null) return { exists: false };
    return version === undefined ? { exists: true } : { exists: true, version };
  }

  #knows(ref: TableRef): boolean {
    return this.#known(ref) !== undefined;
  }

  /** Records a table's version as read or written now (undefined table: it does not exist). */
  #remember(ref: TableRef, table: GlueTable | undefined): void {
    const listed = this.#versions.get(ref.database);
    if (listed) {
      if (table) listed.set(ref.table, table.VersionId);
      else listed.delete(ref.table);
    } else {
      this.#read.set(refKey(ref), table ? table.VersionId : null);
    }
  }

  #countGetTable(ref: TableRef, table: GlueTable | undefined): void {
    const received = table ? jsonBytes({ Table: table }) : 0;
    recordCall(this.#traffic, 'GetTable', jsonBytes({ DatabaseName: ref.database, Name: ref.table }), received, false);
  }

  async #store(
    ref: TableRef,
    input: GlueTableInput,
    current: GlueTable | undefined,
    space?: string,
  ): Promise<{ version: string; storedBytes: number; requestBytes: number }> {
    await this.#ensureDatabase(ref.database, space ?? ref.database);
    const now = this.#now().toISOString();
    const version = current ? String((Number.parseInt(current.VersionId ?? '0', 10) || 0) + 1) : '1';
    const table: GlueTable = {
      DatabaseName: ref.database,
      ...input,
      VersionId: version,
      CreateTime: current?.CreateTime ?? now,
      UpdateTime: now,
    };
    if (current) await keepVersion(this.#options.path, ref, current);
    await atomicWriteFile(tablePath(this.#options.path, ref), `${JSON.stringify(table, null, 2)}\n`);
    // keepVersions counts the current version, like Glue's GetTableVersions.
    if (current) await pruneKeptVersions(this.#options.path, ref, (this.#options.keepVersions ?? 10) - 1);
    // The request body and the stored table are the input plus a few members: the input is serialised once, for both.
    const inputBytes = jsonBytes(input);
    const requestBytes = jsonBytesWithMember(
      current ? { DatabaseName: ref.database, VersionId: current.VersionId } : { DatabaseName: ref.database },
      'TableInput',
      inputBytes,
    );
    recordCall(this.#traffic, current ? 'UpdateTable' : 'CreateTable', requestBytes, 0, true);
    this.#remember(ref, table);
    const { DatabaseName, VersionId, CreateTime, UpdateTime } = table;
    const added = { DatabaseName, VersionId, CreateTime, UpdateTime };
    const storedBytes = Object.keys(added).some((key) => Object.hasOwn(input, key)) ? jsonBytes(table) : jsonBytesSpread(inputBytes, added);
    return { version, storedBytes, requestBytes };
  }

  /** CreateDatabase before the first table goes in; concurrent writers share one attempt. */
  #ensureDatabase(database: string, space: string): Promise<void> {
    let ready = this.#databases.get(database);
    if (!ready) {
      ready = this.#createDatabase(database, space);
      ready.catch(() => this.#databases.delete(database));
      this.#databases.set(database, ready);
    }
    return ready;
  }

  async #createDatabase(database: string, space: string): Promise<void> {
    const folder = join(this.#options.path, database);
    await mkdir(folder, { recursive: true });
    const file = join(folder, DATABASE_FILE);
    if (await stat(file).then(() => true, () => false)) return;
    // The Description the Glue target gives the same database (mapping/database-description.ts).
    const description = databaseDescription(this.#options.databaseDescription, space, this.#labels.get(space)).value;
    const input: GlueDatabaseInput = { Name: database, ...(description !== undefined ? { Description: description } : {}), Parameters: { [OWNER_KEY]: this.#options.job } };
    await atomicWriteFile(file, `${JSON.stringify({ ...input, CreateTime: this.#now().toISOString() }, null, 2)}\n`);
    recordCall(this.#traffic, 'CreateDatabase', jsonBytes({ DatabaseInput: input }), 0, true);
  }
}
