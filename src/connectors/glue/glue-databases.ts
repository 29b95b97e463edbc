import type { GlueDatabaseInput } from '../../mapping/glue-table.ts';
import { sortedRecord } from '../../mapping/stable-json.ts';
import { OWNER_KEY } from '../../mapping/table-parameters.ts';
import { enforceDatabaseLimits } from './enforce-glue-limits.ts';
import type { GlueCatalogApi } from './glue-catalog-api.ts';

export interface GlueDatabaseOptions {
  job: string;
  /** The business parameter prefix; the space name is written as `<prefix>space`. */
  parameterPrefix: string;
  /** `{space}` is replaced by the space name. */
  description?: string;
  /** `{space}` is replaced by the space name: where the space's replicated data lies (`storage.databaseLocation`). */
  locationUri?: string;
  parameters: Record<string, string>;
}

/** The parameter naming the Datasphere space a database mirrors (under the business prefix). */
export const SPACE_PARAMETER = 'space';

/**
 * Which Glue databases exist, and CreateDatabase for those that do not, once each. What readState saw is taken
 * as known (a GetTables that found no database means it is missing); otherwise one GetDatabase asks. Concurrent
 * writes into a new database share one attempt. We never update or delete a database: it may hold other
 * tools' tables, and tags or LF permissions on it are someone else's — save, with `governance.lfTags` on, the
 * LF-Tag keys this job is configured to set (lf-tagging.ts).
 */
export class GlueDatabases {
  readonly #api: GlueCatalogApi;
  readonly #options: GlueDatabaseOptions;
  readonly #exists = new Map<string, boolean>();
  readonly #pending = new Map<string, Promise<string[]>>();

  constructor(api: GlueCatalogApi, options: GlueDatabaseOptions) {
    this.#api = api;
    this.#options = options;
  }

  /** Records what a listing showed. */
  known(database: string, exists: boolean): void {
    this.#exists.set(database, exists);
    if (exists) this.#pending.delete(database);
  }

  /** Makes sure the database exists; returns the warnings of the CreateDatabase (to the caller that made it). */
  async ensure(database: string, space: string): Promise<string[]> {
    if (this.#exists.get(database) === true) return [];
    const running = this.#pending.get(database);
    if (running) {
      await running;
      return [];
    }
    const attempt = this.#create(database, space);
    this.#pending.set(database, attempt);
    try {
      return await attempt;
    } catch (error) {
      this.#pending.delete(database);
      throw error;
    }
  }

  /** The DatabaseInput for a space: config description and parameters, our marker and the space name. */
  input(database: string, space: string): GlueDatabaseInput {
    const { job, parameterPrefix, description, locationUri, parameters } = this.#options;
    const input: GlueDatabaseInput = { Name: database };
    if (description !== undefined && description !== '') input.Description = description.replaceAll('{space}', space);
    if (locationUri !== undefined) input.LocationUri = locationUri.replaceAll('{space}', space);
    input.Parameters = sortedRecord({ ...parameters, [`${parameterPrefix}${SPACE_PARAMETER}`]: space, [OWNER_KEY]: job });
    return input;
  }

  async #create(database: string, space: string): Promise<string[]> {
    if (!this.#exists.has(database) && (await this.#api.databaseExists(database))) {
      this.#exists.set(database, true);
      return [];
    }
    const fitted = enforceDatabaseLimits(this.input(database, space));
    // AlreadyExistsException means another process created it in the meantime: just as good.
    await this.#api.createDatabase(fitted.input);
    this.#exists.set(database, true);
    return fitted.warnings;
  }
}
