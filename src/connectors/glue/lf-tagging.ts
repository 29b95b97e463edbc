import { createHash } from 'node:crypto';
import type { Asset } from '../../catalog/asset.ts';
import { sameHashes } from '../../catalog/hashes.ts';
import { refKey } from '../../catalog/ref-key.ts';
import type { AssetTags, TagChange, TagDefinitionChange, TagRequest, TargetTagging } from '../../catalog/resource-tags.ts';
import type { TableRef } from '../../catalog/target.ts';
import type { Traffic } from '../../catalog/traffic.ts';
import type { GlueTable } from '../../mapping/glue-table.ts';
import { readTargetTable } from '../../mapping/read-target-table.ts';
import { stableJson } from '../../mapping/stable-json.ts';
import type { GlueClientOptions } from './create-glue-client.ts';
import type { WireOverhead } from './glue-traffic-middleware.ts';
import { LfTagDefinitions } from './lf-tag-definitions.ts';
import type { LakeFormationApi, TagValues } from './lf-tags-api.ts';
import type { CurrentTags, TagDiff, WantedTags } from './lf-tags-diff.ts';
import { diffTags } from './lf-tags-diff.ts';
import type { LfTagRecord } from './lf-tags-record.ts';
import { formatLfTagRecord, readLfTagRecord } from './lf-tags-record.ts';

export interface LfTaggingOptions {
  /** The Glue target's client options: the same region, endpoint, attempts and retry strategy. */
  client: GlueClientOptions;
  traffic: Traffic;
  overhead?: WireOverhead;
  /** Account whose LF-Tags are used (`governance.lfTags.catalogId`, else the target's catalogId). */
  catalogId?: string;
  /** The Data Catalog the databases and tables are in (`target.catalogId`). */
  resourceCatalogId?: string;
  maxConcurrency: number;
  /** The table as the target holds it now: what this run read of it, or a read now. */
  currentTable(ref: TableRef): Promise<GlueTable | undefined>;
  /** Source column name → Glue column name, as the target's build names the asset's columns. */
  columnNames(asset: Asset): ReadonlyMap<string, string>;
}

/** One table's tag work, planned before the guard and applied after the table's write. */
interface TablePlan {
  diff: TagDiff;
  /** What the table's LF_TAGS_PARAMETER says once this write is made. */
  record: LfTagRecord;
  /** Allowed values the additions need, by key. */
  values: Map<string, Set<string>>;
}

const NO_DIFF: TagDiff = { changes: [], removals: [], additions: [], removing: { database: [], table: [], column: [] } };

/**
 * The Glue target's LF-Tags (`governance.lfTags`): the TargetTagging capability the engine plans and applies tags
 * through. Per table it reads only what it must — nothing where the table's last confirmed write already applied the
 * same wanted tags (the digest in the table's record), and a level's tags only where this job set tags at that level
 * before — diffs the managed keys, and applies removals first, then additions, after the table's write. A database's
 * tags go with the first table of that database the run plans. The Lake Formation SDK is loaded on the first call.
 *
 * A tag change is, in call order: GetLFTag (once per key per run) → CreateLFTag or UpdateLFTag (only where a key or
 * value is missing) → RemoveLFTagsFromResource (per resource) → AddLFTagsToResource (per resource; columns needing
 * the same tags share one call). Reading first: GetResourceLFTags for the database, the table and its columns.
 */
export class LfTagging implements TargetTagging {
  readonly label = 'LF-Tags';
  readonly #options: LfTaggingOptions;
  #api: Promise<LakeFormationApi> | undefined;
  readonly #plans = new Map<string, TablePlan>();
  /** Each database's tags, read once per run (only once a table of it says this job tagged it). */
  readonly #databaseTags = new Map<string, Promise<TagValues>>();
  /** Per database, the keys whose change a table of this run has taken on: made once, with that table. */
  readonly #databaseClaims = new Map<string, Set<string>>();
  readonly #definitions: LfTagDefinitions;
  /** Every value the planned additions need, by key: defined together, before the first tag is assigned. */
  readonly #values = new Map<string, Set<string>>();

  constructor(options: LfTaggingOptions) {
    this.#options = options;
    this.#definitions = new LfTagDefinitions(() => this.#lf());
  }

  async plan(request: TagRequest): Promise<TagChange[]> {
    return this.#remember(refKey(request.ref), await this.#planTable(request)).diff.changes;
  }

  async definitions(changes: readonly TagChange[]): Promise<TagDefinitionChange[]> {
    const values = new Map<string, Set<string>>();
    for (const change of changes) if (change.after !== undefined) add(values, change.key, change.after);
    if (values.size === 0) return [];
    return this.#definitions.missing(values);
  }

  async apply(request: TagRequest): Promise<number> {
    const key = refKey(request.ref);
    const plan = this.#plans.get(key) ?? this.#remember(key, await this.#planTable(request));
    const { removals, additions, changes } = plan.diff;
    if (removals.length === 0 && additions.length === 0) {
      this.#plans.delete(key);
      return 0;
    }
    const api = await this.#lf();
    // The whole run's values at once: one CreateLFTag or UpdateLFTag per key, not one per table that needs a new one.
    await this.#definitions.ensure(this.#values);
    // Removals first: a resource holds at most 50 LF-Tags, and what goes is never needed by what comes.
    for (const removal of removals) await api.removeTags(removal.resource, removal.tags);
    for (const addition of additions) await api.addTags(addition.resource, addition.tags);
    this.#plans.delete(key);
    return changes.length;
  }

  /**
   * The value of the table's LF_TAGS_PARAMETER for a write of this asset: from its plan, or — for a write the engine
   * did not plan tags for — the keys wanted now together with those recorded before and no digest, so nothing this
   * job set is forgotten and the next write reads the tags again. Undefined where the asset has no wanted tags.
   */
  async parameter(asset: Asset, ref: TableRef): Promise<string | undefined> {
    const plan = this.#plans.get(refKey(ref));
    if (plan) return formatLfTagRecord(plan.record);
    const tags = asset.businessContext.lfTags;
    if (tags === undefined) return undefined;
    const current = await this.#options.currentTable(ref);
    const recorded = readLfTagRecord(current?.Parameters);
    const wanted = wantedTags(tags, recorded, this.#options.columnNames(asset));
    return formatLfTagRecord({ keys: union(setKeys(wanted), recorded?.keys), digest: '' });
  }

  close(): void {
    void this.#api?.then(
      (api) => api.destroy(),
      () => undefined,
    );
  }

  /** Keeps a table's plan for its apply, and the values its additions need for the run's definitions. */
  #remember(key: string, plan: TablePlan): TablePlan {
    this.#plans.set(key, plan);
    for (const [tag, values] of plan.values) for (const value of values) add(this.#values, tag, value);
    return plan;
  }

  async #planTable(request: TagRequest): Promise<TablePlan> {
    const { asset, ref } = request;
    const current = await this.#options.currentTable(ref);
    const recorded = readLfTagRecord(current?.Parameters);
    const tags = asset.businessContext.lfTags;
    if (tags === undefined) return { diff: NO_DIFF, record: recorded ?? emptyRecord(), values: new Map() };
    const wanted = wantedTags(tags, recorded, this.#options.columnNames(asset));
    const digest = digestOf(tags, wanted);
    // The table still holds our last confirmed write, which applied these very tags: nothing to read or change.
    if (!request.force && current && recorded?.digest === digest && sameHashes(readTargetTable(current).hashes, request.confirmed)) {
      return { diff: NO_DIFF, record: recorded, values: new Map() };
    }
    const found = await this.#read(ref, current, recorded, wanted);
    const diff = this.#claimDatabaseChanges(ref.database, diffTags(ref, wanted, found));
    const keys = setKeys(wanted);
    const record: LfTagRecord = {
      keys: {
        database: [...keys.database, ...diff.removing.database],
        table: [...keys.table, ...diff.removing.table],
        column: [...keys.column, ...diff.removing.column],
      },
      digest,
    };
    const values = new Map<string, Set<string>>();
    for (const addition of diff.additions) for (const [key, value] of Object.entries(addition.tags)) add(values, key, value);
    return { diff, record, values };
  }

  /**
   * The tags of the levels this job set tags at before (the table's record says which): a level it never tagged
   * is taken to carry none of its keys, and is not read — the wanted tags are simply assigned there, which also
   * replaces another value of a managed key. (A database another table of this run has read is known anyway.) The
   * columns read are those the table has now and keeps.
   */
  async #read(ref: TableRef, current: GlueTable | undefined, recorded: LfTagRecord | undefined, wanted: WantedTags): Promise<CurrentTags> {
    const keys = recorded?.keys ?? { database: [], table: [], column: [] };
    const existing = new Set([...(current?.StorageDescriptor?.Columns ?? []), ...(current?.PartitionKeys ?? [])].map((c) => c.Name));
    const columns = [...wanted.columns.keys()].filter((name) => existing.has(name));
    const none: TagValues = {};
    const readDatabase = keys.database.length > 0 || this.#databaseTags.has(ref.database);
    const [database, table, columnTags] = await Promise.all([
      readDatabase ? this.#readDatabase(ref.database) : none,
      current && keys.table.length > 0 ? this.#lf().then((api) => api.getResourceTags({ kind: 'table', ref })).then((r) => r.tags) : none,
      current && keys.column.length > 0 && columns.length > 0
        ? this.#lf().then((api) => api.getResourceTags({ kind: 'columns', ref, columns })).then((r) => r.columns)
        : new Map<string, TagValues>(),
    ]);
    return { database, table, columns: columnTags };
  }

  #readDatabase(database: string): Promise<TagValues> {
    let tags = this.#databaseTags.get(database);
    if (!tags) {
      tags = this.#lf().then((api) => api.getResourceTags({ kind: 'database', database })).then((r) => r.tags);
      tags.catch(() => this.#databaseTags.delete(database));
      this.#databaseTags.set(database, tags);
    }
    return tags;
  }

  /**
   * Every table of a database wants the same database tags: each database change goes with the first table of the
   * run that plans it, and is left out of the others' (a key still to come off stays in their records until a read
   * shows it gone).
   */
  #claimDatabaseChanges(database: string, diff: TagDiff): TagDiff {
    let claimed = this.#databaseClaims.get(database);
    if (!claimed) this.#databaseClaims.set(database, (claimed = new Set()));
    const mine = new Set<string>();
    for (const change of diff.changes) {
      if (change.resource !== 'database' || claimed.has(change.key)) continue;
      claimed.add(change.key);
      mine.add(change.key);
    }
    const isDatabase = (r: { resource: { kind: string } }) => r.resource.kind === 'database';
    const removals = diff.removals.flatMap((removal) => {
      if (!isDatabase(removal)) return [removal];
      const tags = Object.fromEntries(Object.entries(removal.tags).filter(([key]) => mine.has(key)));
      return Object.keys(tags).length > 0 ? [{ ...removal, tags }] : [];
    });
    const adds = diff.changes.some((c) => c.resource === 'database' && c.kind !== 'removed' && mine.has(c.key));
    return {
      ...diff,
      changes: diff.changes.filter((c) => c.resource !== 'database' || mine.has(c.key)),
      removals,
      additions: diff.additions.filter((addition) => !isDatabase(addition) || adds),
    };
  }

  #lf(): Promise<LakeFormationApi> {
    this.#api ??= (async () => {
      // Loaded here, on the first Lake Formation call, so a run with LF-Tags off never loads the SDK.
      const [{ LakeFormationApi }, { createLakeFormationClient }] = await Promise.all([
        import('./lf-tags-api.ts'),
        import('./create-lake-formation-client.ts'),
      ]);
      const { client, traffic, overhead, catalogId, resourceCatalogId, maxConcurrency } = this.#options;
      return new LakeFormationApi(createLakeFormationClient(client, traffic, overhead), {
        maxConcurrency,
        ...(catalogId !== undefined ? { catalogId } : {}),
        ...(resourceCatalogId !== undefined ? { resourceCatalogId } : {}),
      });
    })();
    this.#api.catch(() => (this.#api = undefined));
    return this.#api;
  }
}

/** The asset's wanted tags in Glue's names, managing the configured keys and those this job recorded setting before. */
function wantedTags(tags: AssetTags, recorded: LfTagRecord | undefined, names: ReadonlyMap<string, string>): WantedTags {
  const columns = new Map<string, Readonly<Record<string, string>>>();
  for (const [column, values] of Object.entries(tags.columns)) columns.set(names.get(column) ?? column.toLowerCase(), values);
  return {
    managed: union(tags.keys, recorded?.keys),
    database: tags.database,
    table: tags.table,
    columns,
  };
}

/** The keys given a value at each level. */
function setKeys(wanted: WantedTags): LfTagRecord['keys'] {
  const column = new Set<string>();
  for (const values of wanted.columns.values()) for (const key of Object.keys(values)) column.add(key);
  return { database: Object.keys(wanted.database), table: Object.keys(wanted.table), column: [...column] };
}

function union(a: LfTagRecord['keys'], b: LfTagRecord['keys'] | undefined): LfTagRecord['keys'] {
  const merge = (x: readonly string[], y: readonly string[] = []) => [...new Set([...x, ...y])].sort();
  return { database: merge(a.database, b?.database), table: merge(a.table, b?.table), column: merge(a.column, b?.column) };
}

/** Digest of the configured keys and the wanted tags in Glue's names: equal digests, equal tag work. */
function digestOf(tags: AssetTags, wanted: WantedTags): string {
  const columns = Object.fromEntries([...wanted.columns].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const text = stableJson({ keys: tags.keys, database: wanted.database, table: wanted.table, columns });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function emptyRecord(): LfTagRecord {
  return { keys: { database: [], table: [], column: [] }, digest: '' };
}

function add(values: Map<string, Set<string>>, key: string, value: string): void {
  const set = values.get(key);
  if (set) set.add(value);
  else values.set(key, new Set([value]));
}
