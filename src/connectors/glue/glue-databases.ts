import type { Database, DatabaseInput } from '@aws-sdk/client-glue';
import { messageOf } from '../../catalog/message-of.ts';
import { byDatabase } from '../../catalog/space-labels.ts';
import type { SpaceLabelOptions, SpaceLabelOutcome } from '../../catalog/space-labels.ts';
import { databaseDescription, descriptionChange, labelledDatabases } from '../../mapping/database-description.ts';
import type { LabelledSpace } from '../../mapping/database-description.ts';
import type { GlueDatabaseInput } from '../../mapping/glue-table.ts';
import { GLUE_LIMITS } from '../../mapping/glue-limits.ts';
import { sortedRecord } from '../../mapping/stable-json.ts';
import { OWNER_KEY } from '../../mapping/table-parameters.ts';
import { assertGlueName, enforceDatabaseLimits } from './enforce-glue-limits.ts';
import type { GlueCatalogApi } from './glue-catalog-api.ts';

export interface GlueDatabaseOptions {
  job: string;
  /** The business parameter prefix; the space name is written as `<prefix>space`. */
  parameterPrefix: string;
  /**
   * Description template: `{space}` is replaced by the space name, `{label}` by its label (the name where it has
   * none); "" writes none; not set, mapping/database-description.ts says what (`SAP Datasphere space <label> (<SPACE>)`).
   */
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
 * writes into a new database share one attempt. We never delete a database: it may hold other tools' tables, and
 * tags or LF permissions on it are someone else's — save, with `governance.lfTags` on, the LF-Tag keys this job is
 * configured to set (lf-tagging.ts). The one thing we update is the Description of a database this job created
 * (our marker in its Parameters), when its space's label asks for another (relabel).
 */
export class GlueDatabases {
  readonly #api: GlueCatalogApi;
  readonly #options: GlueDatabaseOptions;
  readonly #exists = new Map<string, boolean>();
  readonly #pending = new Map<string, Promise<string[]>>();
  /** Space → label, as the source gave them in this run (relabel); a database created later says them. */
  readonly #labels = new Map<string, string>();

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

  /**
   * The DatabaseInput for a space: its Description, config location and parameters, our marker and the space name;
   * with a warning where the Description had to be cut to Glue's limit.
   */
  input(database: string, space: string): { input: GlueDatabaseInput; warnings: string[] } {
    const { job, parameterPrefix, description, locationUri, parameters } = this.#options;
    const input: GlueDatabaseInput = { Name: database };
    const text = databaseDescription(description, space, this.#labels.get(space));
    if (text.value !== undefined) input.Description = text.value;
    if (locationUri !== undefined) input.LocationUri = locationUri.replaceAll('{space}', space);
    input.Parameters = sortedRecord({ ...parameters, [`${parameterPrefix}${SPACE_PARAMETER}`]: space, [OWNER_KEY]: job });
    return { input, warnings: text.truncatedFrom === undefined ? [] : [cutWarning(database, text.truncatedFrom)] };
  }

  /**
   * The spaces' labels for this run: databases created from now on say them, and each existing database of these
   * spaces that this job created gets its Description brought in step (UpdateDatabase, only where it differs). One
   * GetDatabase per database tells; a database someone else owns is left as it is. A database that cannot be read or
   * updated (glue:UpdateDatabase not granted, say) is a warning, never the run's failure.
   */
  async relabel(labels: ReadonlyMap<string, string>, databaseFor: (space: string) => string, options: SpaceLabelOptions = {}): Promise<SpaceLabelOutcome> {
    const outcome: SpaceLabelOutcome = { changes: [], warnings: [] };
    if (!options.preview) for (const [space, label] of labels) this.#labels.set(space, label);
    await Promise.all(labelledDatabases(labels, databaseFor).map(async (one) => this.#relabelOne(one, outcome, options.preview === true)));
    byDatabase(outcome.changes);
    return outcome;
  }

  async #relabelOne({ database, space, label }: LabelledSpace, outcome: SpaceLabelOutcome, preview: boolean): Promise<void> {
    const wanted = databaseDescription(this.#options.description, space, label);
    let current: Database | undefined;
    try {
      assertGlueName(database, 'database name');
      current = await this.#api.getDatabase(database);
    } catch (error) {
      outcome.warnings.push(`database ${database}: could not read it to bring its Description in step with the label of space ${space}: ${messageOf(error)}`);
      return;
    }
    this.known(database, current !== undefined);
    const change = descriptionChange(current, wanted.value, this.#options.job, database, space);
    if (change === undefined || current === undefined) return;
    if (wanted.truncatedFrom !== undefined) outcome.warnings.push(cutWarning(database, wanted.truncatedFrom));
    if (preview) {
      outcome.changes.push(change);
      return;
    }
    try {
      // UpdateDatabase replaces the definition: everything else the database holds goes back as it was read.
      await this.#api.updateDatabase(database, { ...keptDefinition(current, database), Description: change.to });
      outcome.changes.push(change);
    } catch (error) {
      outcome.warnings.push(`database ${database}: could not update its Description to the label of space ${space}: ${messageOf(error)}`);
    }
  }

  async #create(database: string, space: string): Promise<string[]> {
    if (!this.#exists.has(database) && (await this.#api.databaseExists(database))) {
      this.#exists.set(database, true);
      return [];
    }
    const built = this.input(database, space);
    const fitted = enforceDatabaseLimits(built.input);
    // AlreadyExistsException means another process created it in the meantime: just as good.
    await this.#api.createDatabase(fitted.input);
    this.#exists.set(database, true);
    return [...built.warnings, ...fitted.warnings];
  }
}

function cutWarning(database: string, from: number): string {
  return `database ${database}: description cut from ${from} to ${GLUE_LIMITS.descriptionBytes} bytes (Glue limit)`;
}

/** A database as read, as the DatabaseInput that keeps it as it is (read-only fields such as CreateTime left out). */
function keptDefinition(current: Database, database: string): DatabaseInput {
  const input: DatabaseInput = { Name: current.Name ?? database };
  if (current.Description !== undefined) input.Description = current.Description;
  if (current.LocationUri !== undefined) input.LocationUri = current.LocationUri;
  if (current.Parameters !== undefined) input.Parameters = current.Parameters;
  if (current.CreateTableDefaultPermissions !== undefined) input.CreateTableDefaultPermissions = current.CreateTableDefaultPermissions;
  if (current.TargetDatabase !== undefined) input.TargetDatabase = current.TargetDatabase;
  if (current.FederatedDatabase !== undefined) input.FederatedDatabase = current.FederatedDatabase;
  return input;
}
