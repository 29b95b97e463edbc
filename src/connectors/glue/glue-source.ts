import { spaceOf } from '../../catalog/asset-id.ts';
import { boundText } from '../../catalog/bounded-text.ts';
import { NamePatterns } from '../../catalog/name-patterns.ts';
import type { Partition, PartitionedSource, SourcePartitions } from '../../catalog/partitions.ts';
import type { AssetFailure, AssetWarning, ExtractOptions, ExtractedItem, SpaceExtract } from '../../catalog/source.ts';
import { emptyTraffic } from '../../catalog/traffic.ts';
import type { Traffic } from '../../catalog/traffic.ts';
import { spaceNameProblem } from '../../formats/text/name-problem.ts';
import type { GlueClientOptions } from './create-glue-client.ts';
import type { GluePartitionApi } from './glue-partition-api.ts';
import type { GlueSourceApi } from './glue-source-api.ts';
import { glueTableToAsset } from './glue-table-to-asset.ts';
import { compareText } from '../../catalog/compare-text.ts';

export interface GlueSourceOptions extends GlueClientOptions {
  /** The Data Catalog to read (an AWS account id); the caller's account when not set. */
  catalogId?: string;
  /** Database globs to replicate; empty = every database of the catalog. */
  databases: string[];
  excludeDatabases: string[];
  /** Table globs; empty = every table. A table left out is absent from the source, so its replica is deleted. */
  tables: string[];
  excludeTables: string[];
  /** Replicate partitions as well (`source.partitions`). */
  partitions: boolean;
  /** Glue requests in flight at once. */
  maxConcurrency: number;
  logger?: { warn(obj: object, msg: string): void };
}

interface Apis {
  tables: GlueSourceApi;
  partitions: GluePartitionApi;
  destroy(): void;
}

/** Glue stores names lowercase, so a pattern is matched in lowercase too: `Sales_*` selects `sales_eu`. */
function lowercase(patterns: readonly string[]): string[] {
  return patterns.map((p) => p.toLowerCase());
}

/**
 * Another AWS Glue Data Catalog as a source: a disaster-recovery copy in a second region, or a producer account's
 * catalog replicated to consumer accounts. Each database is a space, each table an asset carrying its native
 * Glue definition (glue-table-to-asset.ts), so the replica is the same table with the same types.
 *
 * A database is listed with one paged GetTables: the definitions come with the listing, so there is nothing more
 * to fetch per table and nothing a validator could save. A listing either completes or throws — a failed page
 * fails the space, and the engine then deletes nothing in it; a table that cannot be read is a failure of that
 * table only. Partitions (when switched on) are listed per table by the engine, through `partitions`.
 *
 * The AWS SDK is loaded on first use, not with this module: the CLI builds its source for any command, and a
 * command that never reads the source (a checkpoint listing) must not pay for loading the SDK.
 */
export class GlueSource implements PartitionedSource {
  readonly type = 'glue';
  /** Names the checkpoint file: `<job>@glue_checkpoints.json`. */
  readonly system = 'glue';
  readonly partitions: SourcePartitions | undefined;
  readonly #options: GlueSourceOptions;
  readonly #databases: NamePatterns;
  readonly #tables: NamePatterns;
  readonly #traffic: Traffic = emptyTraffic();
  #apis: Promise<Apis> | undefined;

  constructor(options: GlueSourceOptions) {
    this.#options = options;
    this.#databases = new NamePatterns(lowercase(options.databases), lowercase(options.excludeDatabases));
    this.#tables = new NamePatterns(lowercase(options.tables), lowercase(options.excludeTables));
    this.partitions = options.partitions ? { list: (assetId, signal) => this.#listPartitions(assetId, signal) } : undefined;
  }

  /**
   * The databases in scope, sorted. A failed listing throws: the run then stops before it reads or deletes
   * anything. A database whose name cannot be a space (it holds `/` or a control character) is left out, said so.
   */
  async listSpaces(): Promise<string[]> {
    const { tables: api } = await this.#api();
    const names = await api.databaseNames();
    const spaces: string[] = [];
    for (const name of names) {
      if (!this.#databases.matches(name)) continue;
      const problem = spaceNameProblem(name, 'database name');
      if (problem !== undefined) {
        this.#options.logger?.warn({ database: boundText(name, 80) }, `${problem}; not replicated`);
        continue;
      }
      spaces.push(name);
    }
    return spaces.sort(compareText);
  }

  async extractSpace(space: string, options: ExtractOptions): Promise<SpaceExtract> {
    const { tables: api } = await this.#api();
    const raw = await api.tables(space, options.signal);
    const items: ExtractedItem[] = [];
    const failures: AssetFailure[] = [];
    const warnings: AssetWarning[] = [];
    options.onProgress?.(0, raw.length);
    let done = 0;
    for (const table of raw) {
      const converted = glueTableToAsset(space, table);
      if (converted.ok) {
        if (this.#tables.matches(converted.asset.technicalName)) {
          items.push({ state: 'extracted', asset: converted.asset, ...(converted.validator !== undefined ? { validator: converted.validator } : {}) });
        }
      } else if (this.#tables.matches(converted.name)) {
        failures.push({ assetId: `${space}/${converted.name}`, error: boundText(converted.error) });
      }
      options.onProgress?.(++done, raw.length);
    }
    options.signal?.throwIfAborted();
    items.sort((a, b) => compareText(itemId(a), itemId(b)));
    failures.sort((a, b) => compareText(a.assetId, b.assetId));
    return { space, complete: true, items, failures, warnings };
  }

  traffic(): Traffic {
    return structuredClone(this.#traffic);
  }

  async close(): Promise<void> {
    if (!this.#apis) return;
    const apis = await this.#apis.catch(() => undefined);
    apis?.destroy();
  }

  async #listPartitions(assetId: string, signal: AbortSignal | undefined): Promise<Partition[]> {
    const { partitions } = await this.#api();
    const database = spaceOf(assetId);
    const table = assetId.slice(database.length + 1);
    return partitions.partitions({ database, table }, signal);
  }

  /** The SDK and the API classes, loaded on first use (see the class comment); one client serves both. */
  #api(): Promise<Apis> {
    this.#apis ??= (async () => {
      const [{ createGlueClient }, { GlueSourceApi }, { GluePartitionApi }] = await Promise.all([
        import('./create-glue-client.ts'),
        import('./glue-source-api.ts'),
        import('./glue-partition-api.ts'),
      ]);
      const client = createGlueClient(this.#options, this.#traffic);
      const options = {
        maxConcurrency: this.#options.maxConcurrency,
        ...(this.#options.catalogId !== undefined ? { catalogId: this.#options.catalogId } : {}),
      };
      return {
        tables: new GlueSourceApi(client, options),
        partitions: new GluePartitionApi(client, options),
        destroy: () => client.destroy(),
      };
    })();
    this.#apis.catch(() => {
      this.#apis = undefined;
    });
    return this.#apis;
  }
}

function itemId(item: ExtractedItem): string {
  return item.state === 'extracted' ? item.asset.id : item.assetId;
}
