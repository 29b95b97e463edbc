/** Design-time object types the `dwaas-core` API serves CSN for, in the order they are looked through. */
export const DESIGN_TIME_TYPES = ['views', 'analyticmodels', 'localtables', 'remotetables'] as const;
export type DesignTimeType = (typeof DESIGN_TIME_TYPES)[number];

export function isDesignTimeType(value: unknown): value is DesignTimeType {
  return typeof value === 'string' && (DESIGN_TIME_TYPES as readonly string[]).includes(value);
}

/**
 * Every URL the connector calls, built from the tenant URL and the configured catalog prefix. All requests
 * that carry the bearer token go to the tenant's own origin: links the server hands out (`@odata.nextLink`,
 * the `asset…MetadataUrl` fields of the catalog) are followed by their path and query only, on the
 * tenant origin. That keeps the token from ever travelling to another host, and copes with recorded or
 * proxied responses that name an internal host name.
 */
export class TenantUrls {
  readonly origin: string;
  private readonly catalogPrefix: string;
  private readonly consumptionPrefix: string;

  constructor(tenantUrl: string, catalogPrefix: string) {
    this.origin = new URL(tenantUrl).origin;
    this.catalogPrefix = `/${catalogPrefix.replace(/^\/+|\/+$/g, '')}`;
    // `/api/v1/datasphere/consumption/catalog` → `/api/v1/datasphere/consumption`, likewise for `/api/v1/dwc/…`.
    this.consumptionPrefix = this.catalogPrefix.replace(/\/catalog$/, '');
  }

  spaces(): string {
    return `${this.origin}${this.catalogPrefix}/spaces`;
  }

  assets(space: string): string {
    return `${this.origin}${this.catalogPrefix}/spaces(${odataKey(space)})/assets`;
  }

  designTimeList(space: string, type: DesignTimeType): string {
    return `${this.origin}/dwaas-core/api/v1/spaces/${segment(space)}/${type}`;
  }

  designTimeObject(space: string, type: DesignTimeType, technicalName: string): string {
    return `${this.designTimeList(space, type)}/${segment(technicalName)}`;
  }

  /** The consumption `$metadata` of an asset when the catalog record does not name one. */
  metadata(space: string, technicalName: string, service: 'relational' | 'analytical'): string {
    return `${this.origin}${this.consumptionPrefix}/${service}/${segment(space)}/${segment(technicalName)}/$metadata`;
  }

  /** A server-provided link (absolute or relative to `base`), moved onto the tenant origin. */
  follow(link: string, base: string): string {
    const resolved = new URL(link, base);
    return `${this.origin}${resolved.pathname}${resolved.search}`;
  }
}

/** Adds OData system query options, written literally (`$top`, not `%24top`) as OData services expect. */
export function withQuery(url: string, options: Record<string, string | number>): string {
  const query = Object.entries(options)
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&');
  return query === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

/** The path and query of a URL, for log lines and messages (no host: it is the same everywhere). */
export function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

/** An OData string key: `'SALES'`, with quotes doubled and the rest percent-encoded. */
function odataKey(value: string): string {
  return `'${encodeURIComponent(value.replace(/'/g, "''"))}'`;
}

function segment(value: string): string {
  return encodeURIComponent(value);
}
