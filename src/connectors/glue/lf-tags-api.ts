import {
  AddLFTagsToResourceCommand,
  CreateLFTagCommand,
  GetLFTagCommand,
  GetResourceLFTagsCommand,
  RemoveLFTagsFromResourceCommand,
  UpdateLFTagCommand,
} from '@aws-sdk/client-lakeformation';
import type { LakeFormationClient, LFTagError, LFTagPair, Resource } from '@aws-sdk/client-lakeformation';
import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import { refKey } from '../../catalog/ref-key.ts';
import type { TableRef } from '../../catalog/target.ts';
import { LfTagsError } from './lf-tags-errors.ts';

/** What an LF-Tag call is about: a database, a table, or some columns of a table. */
export type LfResource =
  | { kind: 'database'; database: string }
  | { kind: 'table'; ref: TableRef }
  | { kind: 'columns'; ref: TableRef; columns: readonly string[] };

/** Tags on one resource as Lake Formation lists them: key → values (one value per key on a resource). */
export type TagValues = Record<string, string[]>;

/** The tags GetResourceLFTags lists for a resource; `columns` only for a columns resource. */
export interface ResourceTags {
  tags: TagValues;
  columns: Map<string, TagValues>;
}

/**
 * The Lake Formation calls the LF-Tag feature makes, and nothing else: bounded by one concurrency limit, each with
 * the catalog ids, each failure turned into an answer the caller decides on (no such tag, already exists, no such
 * resource) or into an LfTagsError naming the call and the resource.
 */
export class LakeFormationApi {
  readonly #client: LakeFormationClient;
  readonly #catalog: { CatalogId?: string };
  readonly #resourceCatalog: { CatalogId?: string };
  readonly #limit: LimitFunction;

  constructor(client: LakeFormationClient, options: { catalogId?: string; resourceCatalogId?: string; maxConcurrency: number }) {
    this.#client = client;
    this.#catalog = options.catalogId === undefined ? {} : { CatalogId: options.catalogId };
    this.#resourceCatalog = options.resourceCatalogId === undefined ? {} : { CatalogId: options.resourceCatalogId };
    this.#limit = pLimit(options.maxConcurrency);
  }

  /**
   * The tags assigned to the resource itself (ShowAssignedLFTags: a table's tags inherited from its database are
   * not its own). A resource Lake Formation does not know carries none.
   */
  async getResourceTags(resource: LfResource): Promise<ResourceTags> {
    let out;
    try {
      out = await this.#send('GetResourceLFTags', resource, () =>
        this.#client.send(new GetResourceLFTagsCommand({ ...this.#catalog, Resource: this.#resource(resource), ShowAssignedLFTags: true })),
      );
    } catch (error) {
      if (error instanceof LfTagsError && error.awsCode === 'EntityNotFoundException') return { tags: {}, columns: new Map() };
      throw error;
    }
    const columns = new Map<string, TagValues>();
    for (const column of out.LFTagsOnColumns ?? []) if (column.Name !== undefined) columns.set(column.Name, tagValues(column.LFTags));
    const tags = resource.kind === 'database' ? tagValues(out.LFTagOnDatabase) : resource.kind === 'table' ? tagValues(out.LFTagsOnTable) : {};
    return { tags, columns };
  }

  /** Assigns these values (one per key) to the resource; a key it already has takes the new value. */
  async addTags(resource: LfResource, tags: Record<string, string>): Promise<void> {
    const LFTags = Object.entries(tags).map(([TagKey, value]) => ({ TagKey, TagValues: [value] }));
    const out = await this.#send('AddLFTagsToResource', resource, () =>
      this.#client.send(new AddLFTagsToResourceCommand({ ...this.#catalog, Resource: this.#resource(resource), LFTags })),
    );
    failIfAny('AddLFTagsToResource', resource, out.Failures);
  }

  /** Takes these keys off the resource, with the values it was found carrying. */
  async removeTags(resource: LfResource, tags: TagValues): Promise<void> {
    const LFTags = Object.entries(tags).map(([TagKey, TagValues]) => ({ TagKey, TagValues }));
    const out = await this.#send('RemoveLFTagsFromResource', resource, () =>
      this.#client.send(new RemoveLFTagsFromResourceCommand({ ...this.#catalog, Resource: this.#resource(resource), LFTags })),
    );
    failIfAny('RemoveLFTagsFromResource', resource, out.Failures);
  }

  /** The values the LF-Tag allows; undefined when the key does not exist (a key always has at least one value). */
  async getTag(key: string): Promise<string[] | undefined> {
    try {
      const out = await this.#send('GetLFTag', key, () => this.#client.send(new GetLFTagCommand({ ...this.#catalog, TagKey: key })));
      const values = out.TagValues ?? [];
      return values.length > 0 ? values : undefined;
    } catch (error) {
      if (error instanceof LfTagsError && error.awsCode === 'EntityNotFoundException') return undefined;
      throw error;
    }
  }

  /** CreateLFTag with up to 50 values; 'exists' when another writer created the key first. */
  async createTag(key: string, values: readonly string[]): Promise<'created' | 'exists'> {
    try {
      await this.#send('CreateLFTag', key, () => this.#client.send(new CreateLFTagCommand({ ...this.#catalog, TagKey: key, TagValues: [...values] })));
      return 'created';
    } catch (error) {
      if (error instanceof LfTagsError && error.awsCode === 'AlreadyExistsException') return 'exists';
      throw error;
    }
  }

  /** UpdateLFTag adding up to 50 allowed values; values already there are left as they are. */
  async addTagValues(key: string, values: readonly string[]): Promise<void> {
    await this.#send('UpdateLFTag', key, () =>
      this.#client.send(new UpdateLFTagCommand({ ...this.#catalog, TagKey: key, TagValuesToAdd: [...values] })),
    );
  }

  destroy(): void {
    this.#client.destroy();
  }

  #resource(resource: LfResource): Resource {
    const catalog = this.#resourceCatalog;
    switch (resource.kind) {
      case 'database':
        return { Database: { ...catalog, Name: resource.database } };
      case 'table':
        return { Table: { ...catalog, DatabaseName: resource.ref.database, Name: resource.ref.table } };
      case 'columns':
        return {
          TableWithColumns: { ...catalog, DatabaseName: resource.ref.database, Name: resource.ref.table, ColumnNames: [...resource.columns] },
        };
    }
  }

  async #send<T>(operation: string, about: LfResource | string, call: () => Promise<T>): Promise<T> {
    try {
      return await this.#limit(call);
    } catch (error) {
      throw LfTagsError.fromCall(operation, typeof about === 'string' ? `LF-Tag ${about}` : describeResource(about), error);
    }
  }
}

/** `database ds_sales`, `table ds_sales.orders`, `columns ds_sales.orders (amount, currency)`. */
export function describeResource(resource: LfResource): string {
  switch (resource.kind) {
    case 'database':
      return `database ${resource.database}`;
    case 'table':
      return `table ${refKey(resource.ref)}`;
    case 'columns':
      return `columns ${refKey(resource.ref)} (${resource.columns.join(', ')})`;
  }
}

function tagValues(pairs: readonly LFTagPair[] | undefined): TagValues {
  const out: TagValues = {};
  for (const pair of pairs ?? []) if (pair.TagKey !== undefined) out[pair.TagKey] = [...(pair.TagValues ?? [])];
  return out;
}

/** AddLFTagsToResource and RemoveLFTagsFromResource answer per-tag failures in the body: each one is an error. */
function failIfAny(operation: string, resource: LfResource, failures: readonly LFTagError[] | undefined): void {
  if (failures === undefined || failures.length === 0) return;
  const codes = [...new Set(failures.map((f) => f.Error?.ErrorCode ?? 'Error'))].join(', ');
  const detail = failures
    .map((f) => `${f.LFTag?.TagKey ?? '?'}=${(f.LFTag?.TagValues ?? []).join('|')}: ${f.Error?.ErrorMessage ?? f.Error?.ErrorCode ?? 'failed'}`)
    .join('; ');
  throw new LfTagsError(operation, describeResource(resource), codes, detail);
}
