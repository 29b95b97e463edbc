import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  BatchUpdatePartitionCommand,
  GetPartitionsCommand,
  GetTableCommand,
} from '@aws-sdk/client-glue';
import type { GlueClient, PartitionInput } from '@aws-sdk/client-glue';
import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import type { Partition, PartitionFailure } from '../../catalog/partitions.ts';
import type { TableRef } from '../../catalog/target.ts';
import { collectPages } from './collect-pages.ts';
import { toPartition } from './glue-partition.ts';
import { awsAttempts, awsErrorCode, GlueCallError } from './glue-target-errors.ts';
import { refKey } from '../../catalog/ref-key.ts';

/**
 * Glue's limits for partitions (API reference): GetPartitions serves at most 1,000 per page; BatchCreatePartition
 * and BatchUpdatePartition take at most 100 partitions, BatchDeletePartition at most 25.
 */
export const GLUE_PARTITION_LIMITS = { pageSize: 1000, batchCreate: 100, batchUpdate: 100, batchDelete: 25 } as const;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function input(partition: Partition): PartitionInput {
  return { ...(partition.definition as PartitionInput), Values: partition.values };
}

/**
 * The partition calls, on either side of a replication: GetPartitions paged to the end (or failed), and the three
 * batch writes, each split into Glue's batch sizes. Glue reports a batch's refusals per partition in the
 * response, not as an exception: they come back as PartitionFailures; a call that fails as a whole fails every
 * partition it carried.
 */
export class GluePartitionApi {
  readonly #client: GlueClient;
  readonly #catalog: { CatalogId?: string };
  readonly #limit: LimitFunction;

  constructor(client: GlueClient, options: { catalogId?: string; maxConcurrency: number }) {
    this.#client = client;
    this.#catalog = options.catalogId === undefined ? {} : { CatalogId: options.catalogId };
    this.#limit = pLimit(options.maxConcurrency);
  }

  /** Every partition of the table; none when the table (or its database) does not exist. */
  async partitions(ref: TableRef, signal?: AbortSignal): Promise<Partition[]> {
    try {
      const raw = await collectPages(`GetPartitions ${refKey(ref)}`, async (token) => {
        const request = {
          ...this.#catalog,
          DatabaseName: ref.database,
          TableName: ref.table,
          MaxResults: GLUE_PARTITION_LIMITS.pageSize,
          ...(token ? { NextToken: token } : {}),
        };
        const page = await this.#send('GetPartitions', refKey(ref), () => this.#client.send(new GetPartitionsCommand(request), signal ? { abortSignal: signal } : {}), [
          'EntityNotFoundException',
        ]);
        return { items: page.Partitions ?? [], nextToken: page.NextToken };
      });
      return raw.map((p) => toPartition(p, `GetPartitions ${refKey(ref)}`));
    } catch (error) {
      if (awsErrorCode(error) === 'EntityNotFoundException') return [];
      throw error;
    }
  }

  /** The table's Parameters, or undefined when it does not exist. */
  async tableParameters(ref: TableRef): Promise<Record<string, string> | undefined> {
    try {
      const out = await this.#send('GetTable', refKey(ref), () =>
        this.#client.send(new GetTableCommand({ ...this.#catalog, DatabaseName: ref.database, Name: ref.table })),
        ['EntityNotFoundException'],
      );
      return out.Table ? (out.Table.Parameters ?? {}) : undefined;
    } catch (error) {
      if (awsErrorCode(error) === 'EntityNotFoundException') return undefined;
      throw error;
    }
  }

  async create(ref: TableRef, partitions: readonly Partition[]): Promise<PartitionFailure[]> {
    return this.#batches('create', partitions, GLUE_PARTITION_LIMITS.batchCreate, async (batch) => {
      const out = await this.#send('BatchCreatePartition', `${refKey(ref)} (${batch.length} partitions)`, () =>
        this.#client.send(
          new BatchCreatePartitionCommand({ ...this.#catalog, DatabaseName: ref.database, TableName: ref.table, PartitionInputList: batch.map(input) }),
        ),
      );
      return (out.Errors ?? []).map((e) => ({ values: e.PartitionValues ?? [], code: e.ErrorDetail?.ErrorCode, message: e.ErrorDetail?.ErrorMessage }));
    });
  }

  async update(ref: TableRef, partitions: readonly Partition[]): Promise<PartitionFailure[]> {
    return this.#batches('update', partitions, GLUE_PARTITION_LIMITS.batchUpdate, async (batch) => {
      const entries = batch.map((p) => ({ PartitionValueList: p.values, PartitionInput: input(p) }));
      const out = await this.#send('BatchUpdatePartition', `${refKey(ref)} (${batch.length} partitions)`, () =>
        this.#client.send(new BatchUpdatePartitionCommand({ ...this.#catalog, DatabaseName: ref.database, TableName: ref.table, Entries: entries })),
      );
      return (out.Errors ?? []).map((e) => ({ values: e.PartitionValueList ?? [], code: e.ErrorDetail?.ErrorCode, message: e.ErrorDetail?.ErrorMessage }));
    });
  }

  async delete(ref: TableRef, values: readonly string[][]): Promise<PartitionFailure[]> {
    const partitions = values.map((v): Partition => ({ values: v, definition: {} }));
    return this.#batches('delete', partitions, GLUE_PARTITION_LIMITS.batchDelete, async (batch) => {
      const out = await this.#send('BatchDeletePartition', `${refKey(ref)} (${batch.length} partitions)`, () =>
        this.#client.send(
          new BatchDeletePartitionCommand({
            ...this.#catalog,
            DatabaseName: ref.database,
            TableName: ref.table,
            PartitionsToDelete: batch.map((p) => ({ Values: p.values })),
          }),
        ),
      );
      return (out.Errors ?? []).map((e) => ({ values: e.PartitionValues ?? [], code: e.ErrorDetail?.ErrorCode, message: e.ErrorDetail?.ErrorMessage }));
    });
  }

  destroy(): void {
    this.#client.destroy();
  }

  /** Sends the partitions in batches of `size`, at most the API's concurrency at once, collecting the refusals. */
  async #batches(
    action: PartitionFailure['action'],
    partitions: readonly Partition[],
    size: number,
    send: (batch: Partition[]) => Promise<Array<{ values: string[]; code: string | undefined; message: string | undefined }>>,
  ): Promise<PartitionFailure[]> {
    const failures: PartitionFailure[] = [];
    await Promise.all(
      chunks(partitions, size).map(async (batch) => {
        try {
          for (const e of await send(batch)) {
            failures.push({ values: e.values, action, error: `${e.code ?? 'UnknownError'}: ${e.message ?? ''}`.trim() });
          }
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          for (const p of batch) failures.push({ values: p.values, action, error: why });
        }
      }),
    );
    return failures;
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
