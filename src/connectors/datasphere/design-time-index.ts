import { technicalNameOf } from './catalog-records.ts';
import type { DatasphereHttp, DatasphereLogger } from './datasphere-http.ts';
import { listPages } from './list-pages.ts';
import { DESIGN_TIME_TYPES } from './tenant-urls.ts';
import type { DesignTimeType, TenantUrls } from './tenant-urls.ts';

export type DesignTimeLookup =
  | { kind: 'found'; type: DesignTimeType }
  /** Every design-time list was read and none holds the name. */
  | { kind: 'absent' }
  /** The design-time API refuses this client (401/403): the technical user lacks the privilege. */
  | { kind: 'denied'; reason: string }
  /** A list could not be read completely and the name was not in what was read: unknown, not absent. */
  | { kind: 'unavailable'; reason: string };

export interface DesignTimeIndexOptions {
  http: DatasphereHttp;
  urls: TenantUrls;
  space: string;
  pageSize: number;
  signal?: AbortSignal;
  logger?: DatasphereLogger;
}

/**
 * Which design-time type (view, analytic model, local or remote table) each technical name of one space is,
 * so its CSN can be asked for at the right endpoint. The catalog does not say. Lists are read lazily, one
 * type at a time and only as far as a lookup needs: a space whose assets are all views costs one list.
 * Concurrent lookups share the list being read.
 */
export class DesignTimeIndex {
  private readonly types = new Map<string, DesignTimeType>();
  private next = 0;
  private denied: string | undefined;
  private readonly problems: string[] = [];
  private reading: Promise<void> | undefined;

  constructor(private readonly options: DesignTimeIndexOptions) {}

  async find(name: string): Promise<DesignTimeLookup> {
    for (;;) {
      const type = this.types.get(name);
      if (type) return { kind: 'found', type };
      if (this.denied !== undefined) return { kind: 'denied', reason: this.denied };
      if (this.next >= DESIGN_TIME_TYPES.length) {
        return this.problems.length > 0 ? { kind: 'unavailable', reason: this.problems.join('; ') } : { kind: 'absent' };
      }
      this.reading ??= this.readNext().finally(() => {
        this.reading = undefined;
      });
      await this.reading;
    }
  }

  private async readNext(): Promise<void> {
    const type = DESIGN_TIME_TYPES[this.next] as DesignTimeType;
    const { http, urls, space, pageSize, signal, logger } = this.options;
    const listing = await listPages(http, urls, {
      url: urls.designTimeList(space, type),
      operation: 'design-time list',
      pageSize,
      query: { $select: 'technicalName' },
      ...(signal ? { signal } : {}),
    });
    this.next += 1;
    for (const item of listing.items) {
      const name = technicalNameOf(item);
      if (name !== undefined && !this.types.has(name)) this.types.set(name, type);
    }
    if (listing.complete) return;
    if (listing.status === 401 || listing.status === 403) {
      this.denied = `the design-time API refused ${type} in ${space} (HTTP ${listing.status})`;
      logger?.warn({ space, status: listing.status }, 'design-time definitions not readable; using consumption metadata (EDMX) for this space');
      return;
    }
    // A type this tenant does not serve reads as an empty list.
    if (listing.status === 404 && listing.items.length === 0) return;
    this.problems.push(listing.reason ?? `${type} listing incomplete`);
    logger?.warn({ space, type, reason: listing.reason }, 'design-time listing incomplete');
  }
}
