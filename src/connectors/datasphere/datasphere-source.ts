import { setTimeout as delay } from 'node:timers/promises';
import { assetId } from '../../catalog/asset.ts';
import { boundText } from '../../catalog/bounded-text.ts';
import type { AssetFailure, AssetWarning, ExtractOptions, ExtractedItem, Source, SpaceExtract } from '../../catalog/source.ts';
import type { Traffic } from '../../catalog/traffic.ts';
import { nameProblem } from '../../formats/text/name-problem.ts';
import { decodeValidator } from './asset-validator.ts';
import { listAssetRecords, listSpaces } from './catalog-listing.ts';
import { isAbortError } from './datasphere-errors.ts';
import { messageOf } from '../../catalog/message-of.ts';
import { DatasphereHttp } from './datasphere-http.ts';
import type { DatasphereLogger } from './datasphere-http.ts';
import { DefinitionReader } from './definition-reader.ts';
import { DesignTimeIndex } from './design-time-index.ts';
import { globToRegExp, isGlob, NamePatterns } from '../../catalog/name-patterns.ts';
import { DEFAULT_RETRY_TIMING } from './retry-policy.ts';
import { TenantUrls } from './tenant-urls.ts';
import { compareText } from '../../catalog/compare-text.ts';

export interface DatasphereSourceOptions {
  /** `https://<tenant>.<region>.hcs.cloud.sap` */
  tenantUrl: string;
  /** `https://<subdomain>.authentication.<region>.hana.ondemand.com/oauth/token` */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Spaces to sync: names or globs (`SALES_*`); empty = every space the catalog lists. */
  spaces?: string[];
  /** `/api/v1/datasphere/consumption/catalog` (default) or `/api/v1/dwc/catalog` for older tenants. */
  catalogPrefix?: string;
  /** Asset-name globs; empty include = all. An excluded asset is absent, so a synced one is deleted. */
  include?: string[];
  exclude?: string[];
  /** HTTP requests in flight at once. */
  concurrency?: number;
  pageSize?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** Read design-time CSN first (default); false reads consumption EDMX only. */
  designTime?: boolean;
  /** Longest Retry-After honoured; longer fails the request. */
  maxRetryAfterSeconds?: number;
  logger?: DatasphereLogger;
  /** Injectable for tests, so retries and rate limits need no real waiting. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export const DEFAULT_CATALOG_PREFIX = '/api/v1/datasphere/consumption/catalog';

/**
 * SAP Datasphere over its REST APIs as a Source: spaces and assets from the consumption catalog, each
 * asset's definition from design-time CSN (parsed by the same code as CSN exports) or, failing that, from
 * its consumption EDMX. It asks "changed since?" wherever the server offers a validator, so an unchanged
 * rerun downloads listings and 304s only.
 *
 * Deletions stay safe: a space whose asset listing failed or was cut short comes back `complete: false`
 * with the reason; an asset whose definition could not be read is a failure (neither synced nor deleted).
 */
export class DatasphereSource implements Source {
  readonly type = 'datasphere';
  /** Same system as the CSN export source: both describe one Datasphere tenant and share its checkpoint. */
  readonly system = 'datasphere';
  private readonly http: DatasphereHttp;
  private readonly urls: TenantUrls;
  private readonly assetNames: NamePatterns;
  private readonly pageSize: number;
  /** The spaces' labels as the catalog's space list gives them (name → label), for each SpaceExtract. */
  private readonly labels = new Map<string, string>();
  /** Whether this instance has read the space list for its labels (configured names need it for nothing else). */
  private labelsRead = false;

  constructor(private readonly options: DatasphereSourceOptions) {
    this.urls = new TenantUrls(options.tenantUrl, options.catalogPrefix ?? DEFAULT_CATALOG_PREFIX);
    this.assetNames = new NamePatterns(options.include ?? [], options.exclude ?? []);
    this.pageSize = options.pageSize ?? 100;
    this.http = new DatasphereHttp({
      tokenUrl: options.tokenUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRetries: options.maxRetries ?? 4,
      concurrency: options.concurrency ?? 4,
      timing: { ...DEFAULT_RETRY_TIMING, maxRetryAfterMs: (options.maxRetryAfterSeconds ?? 300) * 1000 },
      sleep: options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : {})),
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  }

  /**
   * The configured spaces, or those of the catalog that match them. The token is fetched first in any case,
   * so wrong credentials stop the run here (exit 1) instead of failing every space. The catalog's space list also
   * gives each space's label; where the spaces are configured by name it is read for that alone, once, and a
   * failure there costs only the labels (a warning), never the run.
   */
  async listSpaces(): Promise<string[]> {
    await this.http.authenticate();
    const configured = [...new Set(this.options.spaces ?? [])];
    if (configured.length > 0 && !configured.some(isGlob)) {
      await this.readLabels();
      return configured.sort(compareText);
    }
    const listing = await listSpaces(this.http, this.urls, this.pageSize);
    this.keepLabels(listing.labels);
    const listed = listing.names;
    if (configured.length === 0) return listed;
    const patterns = configured.filter(isGlob).map(globToRegExp);
    // A literal name is kept even when the catalog does not list it: its failure then shows in the run.
    const chosen = new Set([...configured.filter((name) => !isGlob(name)), ...listed.filter((name) => patterns.some((p) => p.test(name)))]);
    return [...chosen].sort(compareText);
  }

  async extractSpace(space: string, options: ExtractOptions): Promise<SpaceExtract> {
    const { signal } = options;
    const logger = this.options.logger;
    const listing = await listAssetRecords(this.http, this.urls, space, this.pageSize, signal);
    const warnings: AssetWarning[] = listing.warnings.map((w) => ({ assetId: assetId(space, w.name), message: this.safe(w.message) }));
    const records = listing.records.filter((record) => this.assetNames.matches(record.name));

    const reader = new DefinitionReader({
      http: this.http,
      urls: this.urls,
      space,
      designTime: this.options.designTime ?? true,
      index: new DesignTimeIndex({ http: this.http, urls: this.urls, space, pageSize: this.pageSize, ...(signal ? { signal } : {}), ...(logger ? { logger } : {}) }),
      ...(signal ? { signal } : {}),
    });
    const items: ExtractedItem[] = [];
    const failures: AssetFailure[] = [];
    let read = 0;
    options.onProgress?.(read, records.length);
    // Every asset starts at once; the HTTP client's limiter bounds what is actually in flight.
    await Promise.all(
      records.map(async (record) => {
        const id = assetId(space, record.name);
        // A name the server already damaged (U+FFFD where its bytes were invalid) would sync as another table.
        const badName = nameProblem(record.name, 'technical name in the catalog');
        if (badName !== undefined) {
          failures.push({ assetId: id, error: badName });
          return;
        }
        try {
          const outcome = await reader.read(record, decodeValidator(options.known.get(id)?.validator));
          for (const message of outcome.warnings) warnings.push({ assetId: id, message: this.safe(message) });
          if (outcome.ok) items.push(outcome.item);
          else failures.push({ assetId: id, error: this.safe(outcome.error) });
        } catch (error) {
          if (isAbortError(error, signal)) throw error;
          failures.push({ assetId: id, error: this.safe(messageOf(error)) });
        } finally {
          options.onProgress?.(++read, records.length);
        }
      }),
    );
    signal?.throwIfAborted();

    items.sort((a, b) => compareText(itemId(a), itemId(b)));
    failures.sort((a, b) => compareText(a.assetId, b.assetId));
    warnings.sort((a, b) => compareText(a.assetId, b.assetId));
    const extract: SpaceExtract = { space, complete: listing.complete, items, failures, warnings };
    const label = this.labels.get(space);
    if (label !== undefined) extract.label = label;
    if (!listing.complete) extract.incompleteReason = this.safe(listing.reason ?? 'asset listing incomplete');
    logger?.info(
      {
        space,
        listed: listing.records.length,
        selected: records.length,
        extracted: items.length,
        failed: failures.length,
        complete: listing.complete,
        ...(listing.servedPageSize !== undefined ? { servedPageSize: listing.servedPageSize, pageSize: this.pageSize } : {}),
      },
      'Datasphere space extracted',
    );
    return extract;
  }

  traffic(): Traffic {
    return this.http.traffic();
  }

  /** The labels of the configured spaces, from the catalog's space list: once per instance, best effort. */
  private async readLabels(): Promise<void> {
    if (this.labelsRead) return;
    this.labelsRead = true;
    try {
      this.keepLabels((await listSpaces(this.http, this.urls, this.pageSize)).labels);
    } catch (error) {
      this.options.logger?.warn({ err: this.safe(messageOf(error)) }, "could not read the spaces' labels from the catalog; their databases keep the Descriptions they have");
    }
  }

  private keepLabels(labels: ReadonlyMap<string, string>): void {
    this.labelsRead = true;
    this.labels.clear();
    for (const [space, label] of labels) this.labels.set(space, label);
  }

  /** A message as it may leave the connector: redacted first, then bounded (the other order could leave part of a secret). */
  private safe(message: string): string {
    return boundText(this.http.redactor.redact(message));
  }
}

function itemId(item: ExtractedItem): string {
  return item.state === 'extracted' ? item.asset.id : item.assetId;
}

