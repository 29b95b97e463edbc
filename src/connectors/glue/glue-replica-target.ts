import type { Asset } from '../../catalog/asset.ts';
import type { Partition, PartitionChanges, PartitionedTarget, PartitionWriteResult, TargetPartitions } from '../../catalog/partitions.ts';
import type { TableRef, TargetIdentity } from '../../catalog/target.ts';
import { emptyTraffic } from '../../catalog/traffic.ts';
import type { Traffic } from '../../catalog/traffic.ts';
import { renameDatabase } from '../../mapping/database-rename.ts';
import type { JsonValue } from '../../catalog/native-glue-table.ts';
import { rewriteStorageLocations } from '../../mapping/location-rewrites.ts';
import type { LocationRewrite } from '../../mapping/location-rewrites.ts';
import { OWNER_KEY } from '../../mapping/table-parameters.ts';
import { stableJson } from '../../mapping/stable-json.ts';
import { glueName } from '../../mapping/table-naming.ts';
import { createGlueClient } from './create-glue-client.ts';
import { GluePartitionApi } from './glue-partition-api.ts';
import { GlueTarget } from './glue-target.ts';
import type { GlueTargetOptions } from './glue-target.ts';
import { NotOwnedError, TableNotFoundError } from './glue-target-errors.ts';

export interface GlueReplicaTargetOptions extends GlueTargetOptions {
  /** `target.databaseRename`: source database → replica database; the others get `databasePrefix`. */
  databaseRename: Record<string, string>;
}

/** Adds `b` into `a` (both Traffic records), operation by operation. */
function addTraffic(a: Traffic, b: Traffic): Traffic {
  const out = structuredClone(a);
  out.requests += b.requests;
  out.writes += b.writes;
  out.bytesSent += b.bytesSent;
  out.bytesReceived += b.bytesReceived;
  for (const [operation, figures] of Object.entries(b.byOperation)) {
    const into = (out.byOperation[operation] ??= { requests: 0, bytesSent: 0, bytesReceived: 0 });
    into.requests += figures.requests;
    into.bytesSent += figures.bytesSent;
    into.bytesReceived += figures.bytesReceived;
  }
  return out;
}

/**
 * The Glue target of a Glue-to-Glue replication: the Glue target, with the two things a replica needs beyond it.
 * Databases are named by `target.databaseRename` (else `<databasePrefix><source database>`), and partitions are
 * written through `partitions` (batched, on tables this job owns only). Tables themselves are written exactly as
 * the Glue target writes any asset: mapping/ builds a replica's TableInput from the asset's native Glue part and
 * merges it onto the replica (build-native-table-input.ts, merge-replica-input.ts), with the locations rewritten
 * by `mapping.locationRewrites`. Partition calls go through a client of their own, counted into the same traffic.
 */
export class GlueReplicaTarget extends GlueTarget implements PartitionedTarget {
  declare readonly identity: TargetIdentity;
  readonly partitions: TargetPartitions;
  readonly #rename: { rename: Record<string, string>; prefix: string };
  readonly #partitionTraffic: Traffic = emptyTraffic();
  readonly #partitionApi: GluePartitionApi;

  constructor(options: GlueReplicaTargetOptions) {
    super(options);
    this.#rename = { rename: options.databaseRename, prefix: options.databasePrefix };
    // The rename map decides where every table lands: another map is another replica, like another prefix.
    if (Object.keys(options.databaseRename).length > 0) {
      this.identity = { ...this.identity, databaseRename: stableJson(options.databaseRename) };
    }
    this.#partitionApi = new GluePartitionApi(createGlueClient(options, this.#partitionTraffic), {
      maxConcurrency: options.maxConcurrency,
      ...(options.catalogId !== undefined ? { catalogId: options.catalogId } : {}),
    });
    this.partitions = new GlueReplicaPartitions(this.#partitionApi, options.job, options.mapping.locationRewrites ?? []);
  }

  override resolve(asset: Asset): TableRef {
    return { database: this.databaseFor(asset.space), table: glueName(asset.technicalName) };
  }

  override databaseFor(space: string): string {
    return renameDatabase(space, this.#rename);
  }

  override traffic(): Traffic {
    return addTraffic(super.traffic(), this.#partitionTraffic);
  }

  override async close(): Promise<void> {
    this.#partitionApi.destroy();
    await super.close();
  }
}

/**
 * Partitions of replica tables. `map` rewrites a source partition's locations the way the table's were; `write`
 * first checks that the table carries this job's marker (one GetTable: a table another tool owns is never
 * touched, whatever the checkpoint says), then sends the changes in Glue's batch sizes.
 */
export class GlueReplicaPartitions implements TargetPartitions {
  constructor(
    private readonly api: GluePartitionApi,
    private readonly job: string,
    private readonly rules: readonly LocationRewrite[],
  ) {}

  map(partition: Partition): Partition {
    const storage = partition.definition['StorageDescriptor'];
    if (this.rules.length === 0 || typeof storage !== 'object' || storage === null || Array.isArray(storage)) return partition;
    return {
      values: partition.values,
      definition: { ...partition.definition, StorageDescriptor: rewriteStorageLocations(storage as { [key: string]: JsonValue }, this.rules) },
    };
  }

  read(ref: TableRef, signal?: AbortSignal): Promise<Partition[]> {
    return this.api.partitions(ref, signal);
  }

  async write(ref: TableRef, changes: PartitionChanges): Promise<PartitionWriteResult> {
    const parameters = await this.api.tableParameters(ref);
    if (parameters === undefined) throw new TableNotFoundError(ref);
    const owner = parameters[OWNER_KEY];
    if (owner !== this.job) throw new NotOwnedError(ref, 'update', owner, this.job);
    // Deletions first: a partition the source re-created under the same values after removing it is an update.
    const deleted = await this.api.delete(ref, changes.delete);
    const [created, updated] = await Promise.all([this.api.create(ref, changes.create), this.api.update(ref, changes.update)]);
    const failures = [...deleted, ...created, ...updated];
    const failedOf = (action: string) => failures.filter((f) => f.action === action).length;
    return {
      created: changes.create.length - failedOf('create'),
      updated: changes.update.length - failedOf('update'),
      deleted: changes.delete.length - failedOf('delete'),
      failures,
    };
  }
}
