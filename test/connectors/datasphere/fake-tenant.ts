import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';

/**
 * An in-process SAP Datasphere tenant for tests and the traffic measurement (scripts/): nock intercepts
 * axios' requests and this class answers them from fixtures, the way the documented API and the recorded
 * responses (test/fixtures/corpus/datasphere-api) behave — OAuth client credentials, catalog paging in both
 * styles, design-time lists and CSN, consumption `$metadata`, ETag / If-None-Match. Faults are injected
 * per request pattern. It keeps a log of every request so tests can count what the connector asked for.
 */

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const CORPUS = path.resolve(REPO_ROOT, 'test/fixtures/corpus');
export const FIXTURES = path.resolve(REPO_ROOT, 'test/fixtures/datasphere');

export const TENANT_URL = 'https://acme.eu10.hcs.cloud.sap';
export const TOKEN_URL = 'https://acme.authentication.eu10.hana.ondemand.com/oauth/token';
export const CLIENT_ID = 'sb-catalog-sync!t4711';
export const CLIENT_SECRET = 'S3cr3t-Cl1ent-Value_9f8e7d';
export const DAY = 'SAP.TIME.VIEW_DIMENSION_DAY';

/** Host the recorded responses carry in their links (redacted from the real tenant). */
const RECORDED_HOST = 'https://RECORDED_TENANT';
const DESIGN_TIME_TYPES = ['views', 'analyticmodels', 'localtables', 'remotetables'];

export interface FakeAsset {
  name: string;
  label?: string;
  /** Endpoint that serves its CSN; undefined = in no design-time list. */
  designTimeType?: string;
  csn?: string;
  edmx?: string;
  /** Has only the analytical service (analytic models); default: relational. */
  analyticalOnly?: boolean;
  supportsAnalyticalQueries?: boolean;
  metadataEtag?: string;
  /** Use this catalog record as it is (the recorded DEMO_SPACE records). */
  record?: Record<string, unknown>;
}

export interface FakeRequest {
  method: string;
  path: string;
  status: number;
  conditional: boolean;
}

interface Fault {
  method: string;
  pattern: RegExp;
  times: number;
  status: number;
  body: string | Buffer;
  headers: Record<string, string>;
}

type Reply = [number, string | Buffer, Record<string, string>];

export class FakeTenant {
  readonly spaces = new Map<string, FakeAsset[]>();
  /** Each space's label in the catalog's space list; a space not named here is labelled with its name. */
  readonly spaceLabels = new Map<string, string>();
  spacesShape: 'value' | 'array' = 'value';
  paging: 'offset' | 'next-link' = 'offset';
  /** Page size the server imposes in next-link paging. */
  serverPageSize = 2;
  /**
   * The most items an offset page of the catalog returns whatever `$top` asks for: SAP documents a silent cap
   * (500); a lower one makes a short page that is not the end.
   */
  pageCap = 500;
  /** Answer `$count=true` with `@odata.count` (the catalog supports it); false ignores the option. */
  supportsCount = true;
  /** Added to the true total in the asset listings' `@odata.count`: a count that disagrees with the pages. */
  assetCountSkew = 0;
  catalogPrefix = '/api/v1/datasphere/consumption/catalog';
  tokenLifetimeS = 3600;
  /** The OAuth client the token endpoint accepts. */
  clientId = CLIENT_ID;
  clientSecret = CLIENT_SECRET;
  designTimeDenied = false;
  readonly requests: FakeRequest[] = [];
  tokensIssued = 0;
  private readonly validTokens = new Set<string>();
  private readonly faults: Fault[] = [];

  addSpace(name: string, assets: FakeAsset[]): this {
    this.spaces.set(name, assets);
    return this;
  }

  asset(space: string, name: string): FakeAsset {
    const found = this.spaces.get(space)?.find((a) => a.name === name);
    if (!found) throw new Error(`fake tenant has no ${space}/${name}`);
    return found;
  }

  /** The next `times` requests whose decoded path+query matches get this answer instead. */
  fail(fault: { method?: string; path: RegExp; status: number; times?: number; body?: string | Buffer; headers?: Record<string, string> }): this {
    this.faults.push({
      method: fault.method ?? 'GET',
      pattern: fault.path,
      times: fault.times ?? 1,
      status: fault.status,
      body: fault.body ?? JSON.stringify({ error: { code: String(fault.status), message: 'injected fault' } }),
      headers: fault.headers ?? { 'Content-Type': 'application/json' },
    });
    return this;
  }

  /** When this many requests have been served, every token issued so far stops working (a token expiring mid-run). */
  revokeAtRequest: number | undefined;

  /** Every token issued so far stops working (the server answers 401 until a new one is fetched). */
  revokeTokens(): void {
    this.validTokens.clear();
  }

  count(pattern: RegExp, status?: number): number {
    return this.requests.filter((r) => pattern.test(r.path) && (status === undefined || r.status === status)).length;
  }

  install(): void {
    const tenant = this;
    const token = new URL(TOKEN_URL);
    nock(token.origin)
      .persist()
      .post(token.pathname)
      .reply(function (uri, body) {
        return tenant.record('POST', uri, tenant.token(this.req.headers, String(body)), false);
      });
    nock(TENANT_URL)
      .persist()
      .get(() => true)
      .reply(function (uri) {
        const headers = this.req.headers;
        return tenant.record('GET', uri, tenant.get(decodeURIComponent(uri), headers), headers['if-none-match'] !== undefined);
      });
  }

  private record(method: string, uri: string, reply: Reply, conditional: boolean): Reply {
    this.requests.push({ method, path: decodeURIComponent(uri), status: reply[0], conditional });
    if (this.requests.length === this.revokeAtRequest) this.revokeTokens();
    return reply;
  }

  private token(headers: Record<string, string>, body: string): Reply {
    const fault = this.takeFault('POST', new URL(TOKEN_URL).pathname);
    if (fault) return fault;
    const expected = `Basic ${Buffer.from(`${encodeURIComponent(this.clientId)}:${encodeURIComponent(this.clientSecret)}`).toString('base64')}`;
    if (headers['authorization'] !== expected || !body.includes('grant_type=client_credentials')) {
      return json(401, { error: 'invalid_client', error_description: 'Bad credentials' });
    }
    this.tokensIssued += 1;
    const value = `eyJhbGciOiJSUzI1NiJ9.fake-access-token-${this.tokensIssued}.c2lnbmF0dXJl`;
    this.validTokens.add(value);
    return json(200, { access_token: value, token_type: 'bearer', expires_in: this.tokenLifetimeS, scope: 'dmi-api-proxy-sac-saceu10!t3.apiaccess', jti: `jti-${this.tokensIssued}` });
  }

  private get(uri: string, headers: Record<string, string>): Reply {
    const url = new URL(uri, TENANT_URL);
    const fault = this.takeFault('GET', uri);
    if (fault) return fault;
    const bearer = (headers['authorization'] ?? '').replace(/^Bearer /, '');
    if (!this.validTokens.has(bearer)) return json(401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });

    const prefix = escape(this.catalogPrefix);
    if (new RegExp(`^${prefix}/spaces$`).test(url.pathname)) return this.spaceList(url);
    const assets = new RegExp(`^${prefix}/spaces\\('(.+)'\\)/assets$`).exec(url.pathname);
    if (assets) return this.assetList(assets[1]?.replace(/''/g, "'") ?? '', url);
    const list = /^\/dwaas-core\/api\/v1\/spaces\/([^/]+)\/([a-z]+)$/.exec(url.pathname);
    if (list) return this.designTimeList(list[1] ?? '', list[2] ?? '', url);
    const object = /^\/dwaas-core\/api\/v1\/spaces\/([^/]+)\/([a-z]+)\/([^/]+)$/.exec(url.pathname);
    if (object) return this.designTimeObject(object[1] ?? '', object[2] ?? '', object[3] ?? '', headers);
    const metadata = /^\/api\/v1\/(?:dwc|datasphere)\/consumption\/(relational|analytical)\/([^/]+)\/([^/]+)\/\$metadata$/.exec(url.pathname);
    if (metadata) return this.metadata(metadata[2] ?? '', metadata[3] ?? '', headers);
    return json(404, { error: { code: '404', message: `no such resource ${url.pathname}` } });
  }

  private spaceList(url: URL): Reply {
    const recorded = JSON.parse(readFileSync(path.join(FIXTURES, 'catalog_spaces.json'), 'utf8')) as Record<string, unknown>;
    const entries = [...this.spaces.keys()].map((name) => ({ name, label: this.spaceLabels.get(name) ?? name }));
    const page = offsetPage(entries, url, this.pageCap);
    if (this.spacesShape === 'array') return json(200, page);
    return json(200, { '@odata.context': recorded['@odata.context'], ...this.countOf(entries, url, 0), value: page });
  }

  private assetList(space: string, url: URL): Reply {
    const assets = this.spaces.get(space);
    if (!assets) return json(404, { error: { code: '404', message: `space ${space} not found` } });
    const records = assets.map((asset) => this.catalogRecord(space, asset));
    const context = `${RECORDED_HOST}${this.catalogPrefix}/$metadata#assets`;
    if (this.paging === 'offset') return json(200, { '@odata.context': context, ...this.countOf(records, url, this.assetCountSkew), value: offsetPage(records, url, this.pageCap) });
    const from = Number(url.searchParams.get('$skiptoken') ?? '0');
    const page = records.slice(from, from + this.serverPageSize);
    const more = from + this.serverPageSize < records.length;
    const nextLink = `${RECORDED_HOST}${this.catalogPrefix}/spaces('${space}')/assets?$skiptoken=${from + this.serverPageSize}`;
    return json(200, { '@odata.context': context, value: page, ...(more ? { '@odata.nextLink': nextLink } : {}) });
  }

  /** `@odata.count` when asked for with `$count=true` and supported. */
  private countOf(items: readonly unknown[], url: URL, skew: number): Record<string, number> {
    if (!this.supportsCount || url.searchParams.get('$count') !== 'true') return {};
    return { '@odata.count': items.length + skew };
  }

  private catalogRecord(space: string, asset: FakeAsset): Record<string, unknown> {
    if (asset.record) return { ...asset.record, ...(asset.metadataEtag ? { '@odata.metadataEtag': asset.metadataEtag } : {}) };
    const consumption = '/api/v1/datasphere/consumption';
    const relational = !asset.analyticalOnly;
    const analytical = asset.analyticalOnly === true || asset.supportsAnalyticalQueries === true;
    return {
      name: asset.name,
      label: asset.label ?? asset.name,
      spaceName: space,
      assetRelationalMetadataUrl: relational ? `${RECORDED_HOST}${consumption}/relational/${space}/${asset.name}/$metadata` : null,
      assetRelationalDataUrl: relational ? `${RECORDED_HOST}${consumption}/relational/${space}/${asset.name}/` : null,
      assetAnalyticalMetadataUrl: analytical ? `${RECORDED_HOST}${consumption}/analytical/${space}/${asset.name}/$metadata` : null,
      assetAnalyticalDataUrl: analytical ? `${RECORDED_HOST}${consumption}/analytical/${space}/${asset.name}/` : null,
      supportsAnalyticalQueries: analytical,
      hasParameters: false,
      ...(asset.metadataEtag ? { '@odata.metadataEtag': asset.metadataEtag } : {}),
    };
  }

  private designTimeList(space: string, type: string, url: URL): Reply {
    if (this.designTimeDenied) return json(403, { code: 'forbidden', message: 'insufficient privileges' });
    if (!DESIGN_TIME_TYPES.includes(type)) return json(404, { code: 'notFound' });
    const names = (this.spaces.get(space) ?? []).filter((a) => a.designTimeType === type).map((a) => ({ technicalName: a.name }));
    return json(200, offsetPage(names, url));
  }

  private designTimeObject(space: string, type: string, name: string, headers: Record<string, string>): Reply {
    if (this.designTimeDenied) return json(403, { code: 'forbidden', message: 'insufficient privileges' });
    const asset = this.spaces.get(space)?.find((a) => a.name === name && a.designTimeType === type);
    if (!asset?.csn) return json(404, { code: 'objectNotFound', message: `${type}/${name} not found` });
    return conditional(asset.csn, 'application/vnd.sap.datasphere.object.content+json', headers);
  }

  private metadata(space: string, name: string, headers: Record<string, string>): Reply {
    const asset = this.spaces.get(space)?.find((a) => a.name === name);
    if (!asset?.edmx) return json(404, { error: { code: '404', message: 'not found' } });
    if ((headers['accept'] ?? '').includes('json')) return json(406, { error: { code: '406', message: 'Not Acceptable' } });
    return conditional(asset.edmx, 'application/xml', headers);
  }

  private takeFault(method: string, uri: string): Reply | undefined {
    const fault = this.faults.find((f) => f.times > 0 && f.method === method && f.pattern.test(uri));
    if (!fault) return undefined;
    fault.times -= 1;
    return [fault.status, fault.body, fault.headers];
  }
}

/** The corpus CSN exports as the design-time answers of a SALES space (test/fixtures/datasphere/sales-space.json). */
export function salesAssets(): FakeAsset[] {
  const fixture = JSON.parse(readFileSync(path.join(FIXTURES, 'sales-space.json'), 'utf8')) as {
    assets: Array<{ name: string; label: string; designTimeType: string; csnFile: string; analytical: boolean }>;
  };
  return fixture.assets.map((a) => ({
    name: a.name,
    label: a.label,
    designTimeType: a.designTimeType,
    csn: readFileSync(path.join(CORPUS, 'csn', a.csnFile), 'utf8'),
    supportsAnalyticalQueries: a.analytical,
  }));
}

/** The recorded DEMO_SPACE records; only the DAY view has a recorded `$metadata`, and no design-time CSN. */
export function demoAssets(options: { onlyDay?: boolean } = {}): FakeAsset[] {
  const recorded = JSON.parse(readFileSync(path.join(FIXTURES, 'catalog_assets.json'), 'utf8')) as { value: Array<Record<string, unknown>> };
  return recorded.value
    .filter((record) => !options.onlyDay || record['name'] === DAY)
    .map((record) => ({
      name: String(record['name']),
      record,
      ...(record['name'] === DAY ? { edmx: dayEdmx() } : {}),
    }));
}

export function dayEdmx(): string {
  return readFileSync(path.join(CORPUS, 'datasphere-api', `${DAY}.xml`), 'utf8');
}

export function etagOf(body: string): string {
  return `W/"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
}

function conditional(body: string, contentType: string, headers: Record<string, string>): Reply {
  const etag = etagOf(body);
  if (headers['if-none-match'] === etag) return [304, '', { ETag: etag }];
  return [200, body, { 'Content-Type': contentType, ETag: etag }];
}

function offsetPage<T>(items: T[], url: URL, cap = Number.POSITIVE_INFINITY): T[] {
  const top = url.searchParams.get('$top');
  const skip = Number(url.searchParams.get('$skip') ?? '0');
  return items.slice(skip, skip + Math.min(top === null ? Number.POSITIVE_INFINITY : Number(top), cap));
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return [status, JSON.stringify(body), { 'Content-Type': 'application/json', ...headers }];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
