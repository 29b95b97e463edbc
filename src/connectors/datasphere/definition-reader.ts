import { assetId } from '../../catalog/asset.ts';
import type { Asset, AssetKind } from '../../catalog/asset.ts';
import type { ExtractedItem } from '../../catalog/source.ts';
import { parseCsn } from '../../formats/csn/parse-csn.ts';
import { parseEdmx } from '../../formats/edmx/parse-edmx.ts';
import { decodeUtf8 } from '../../formats/text/decode-utf8.ts';
import { encodeValidator } from './asset-validator.ts';
import type { AssetValidator, EdmxReason } from './asset-validator.ts';
import type { AssetRecord } from './catalog-records.ts';
import { bodyExcerpt, isAbortError, jsonErrorOf } from './datasphere-errors.ts';
import { messageOf } from '../../catalog/message-of.ts';
import type { DatasphereHttp, HttpResponse } from './datasphere-http.ts';
import type { DesignTimeIndex } from './design-time-index.ts';
import type { DesignTimeType, TenantUrls } from './tenant-urls.ts';

export interface DefinitionReaderOptions {
  http: DatasphereHttp;
  urls: TenantUrls;
  space: string;
  /** Try design-time CSN first (config `designTime`); false reads consumption EDMX only. */
  designTime: boolean;
  index: DesignTimeIndex;
  signal?: AbortSignal;
}

export type DefinitionOutcome = { ok: true; item: ExtractedItem; warnings: string[] } | { ok: false; error: string; warnings: string[] };

type CsnAttempt =
  | { kind: 'extracted'; asset: Asset; etag?: string; warnings: string[] }
  | { kind: 'not-modified'; etag?: string }
  | { kind: 'gone' }
  | { kind: 'denied'; status: number }
  | { kind: 'unusable'; reason: string }
  | { kind: 'failed'; error: string };

/** The Accept type the `datasphere` CLI sends for `objects … read`: the object's full CSN. */
const CSN_ACCEPT = 'application/vnd.sap.datasphere.object.content+json';

/**
 * Reads one listed asset's definition, as cheaply as what is known allows:
 *   1. the listing's `@odata.metadataEtag` equals the remembered one → not modified, no request at all;
 *   2. design-time CSN (richer: semantics, associations, modelling pattern), at the type remembered from the
 *      last run or found in the space's design-time lists, with If-None-Match → 304 = not modified;
 *   3. consumption EDMX (`$metadata`, asked for as XML) when CSN is switched off, refused (403), absent, or
 *      read but unusable — likewise conditional.
 * A malformed response fails this asset only. A transient fault (retries used up) fails it too rather than
 * falling back: switching format because of a hiccup would rewrite the table twice for nothing.
 */
export class DefinitionReader {
  constructor(private readonly options: DefinitionReaderOptions) {}

  async read(record: AssetRecord, previous: AssetValidator | undefined): Promise<DefinitionOutcome> {
    const meta = record.metadataEtag;
    if (previous && meta !== undefined && previous.metadataEtag === meta) return notModified(this.id(record), previous, meta);
    if (!this.options.designTime) return this.readEdmx(record, previous, 'off', []);

    if (previous?.format === 'edmx' && previous.edmxReason === 'unusable') {
      // Its CSN could not be used last time and would fail the same way while nothing changed; once the
      // asset did change (its EDMX came back 200), the CSN gets another chance.
      const edmx = await this.readEdmx(record, previous, 'unusable', []);
      if (!edmx.ok || edmx.item.state !== 'extracted') return edmx;
      const csn = await this.viaDesignTime(record, undefined);
      return csn.kind === 'outcome' && csn.outcome.ok ? csn.outcome : edmx;
    }

    const csn = await this.viaDesignTime(record, previous);
    if (csn.kind === 'outcome') return csn.outcome;
    return this.readEdmx(record, previous, csn.reason, csn.warnings);
  }

  /** The asset from its design-time CSN, or why the EDMX should be read instead. */
  private async viaDesignTime(
    record: AssetRecord,
    previous: AssetValidator | undefined,
  ): Promise<{ kind: 'outcome'; outcome: DefinitionOutcome } | { kind: 'fallback'; reason: EdmxReason; warnings: string[] }> {
    const fallback = (reason: EdmxReason, warnings: string[] = []) => ({ kind: 'fallback' as const, reason, warnings });
    const outcome = (result: DefinitionOutcome) => ({ kind: 'outcome' as const, outcome: result });
    let type = previous?.format === 'csn' ? previous.type : undefined;
    const remembered = type !== undefined;
    if (type === undefined) {
      const lookup = await this.options.index.find(record.name);
      if (lookup.kind === 'denied') return fallback('denied');
      if (lookup.kind === 'absent') return fallback('absent');
      if (lookup.kind === 'unavailable') return outcome(failure(`design-time listing of space ${this.options.space} failed, so its CSN could not be located: ${lookup.reason}`));
      type = lookup.type;
    }

    let attempt = await this.readCsn(record, type, previous?.format === 'csn' && previous.type === type ? previous.etag : undefined);
    if (attempt.kind === 'gone' && remembered) {
      // Remembered at another type (or deleted and re-created): look it up afresh, once.
      const lookup = await this.options.index.find(record.name);
      if (lookup.kind === 'found' && lookup.type !== type) {
        type = lookup.type;
        attempt = await this.readCsn(record, type, undefined);
      } else if (lookup.kind === 'unavailable') {
        return outcome(failure(`CSN of ${record.name} not found as ${type}, and the design-time listing failed: ${lookup.reason}`));
      }
    }
    switch (attempt.kind) {
      case 'extracted': {
        const validator: AssetValidator = { format: 'csn', type, ...defined({ etag: attempt.etag, metadataEtag: record.metadataEtag }) };
        return outcome({ ok: true, item: { state: 'extracted', asset: attempt.asset, validator: encodeValidator(validator), definitionFormat: 'csn' }, warnings: attempt.warnings });
      }
      case 'not-modified':
        return outcome(notModified(this.id(record), { ...(previous as AssetValidator), ...defined({ etag: attempt.etag }) }, record.metadataEtag));
      case 'gone':
        return fallback('absent');
      case 'denied':
        return fallback('denied');
      case 'unusable':
        return fallback('unusable', [`design-time CSN not usable (${attempt.reason}); read from consumption metadata (EDMX) instead`]);
      case 'failed':
        return outcome(failure(attempt.error));
    }
  }

  private async readCsn(record: AssetRecord, type: DesignTimeType, etag: string | undefined): Promise<CsnAttempt> {
    const { urls, space } = this.options;
    const response = await this.get(urls.designTimeObject(space, type, record.name), 'csn', CSN_ACCEPT, etag);
    if ('error' in response) return { kind: 'failed', error: response.error };
    const { status, headers, body } = response;
    if (status === 304) {
      if (etag === undefined) return { kind: 'failed', error: `CSN of ${record.name}: HTTP 304 to a request that was not conditional` };
      return { kind: 'not-modified', ...defined({ etag: headers['etag'] ?? etag }) };
    }
    if (status === 404) return { kind: 'gone' };
    if (status === 401 || status === 403) return { kind: 'denied', status };
    if (status !== 200) return { kind: 'failed', error: `CSN of ${record.name}: HTTP ${status} (${bodyExcerpt(body, headers['content-type'], this.options.http.redactor)})` };

    const decoded = decodeUtf8(body);
    if (!decoded.ok) return { kind: 'failed', error: `malformed CSN response for ${record.name} (${type}): ${decoded.reason}` };
    let json: unknown;
    try {
      json = JSON.parse(decoded.text);
    } catch (error) {
      const what = headers['content-type']?.includes('html') ? 'an HTML page (a login page?)' : jsonErrorOf(error);
      return { kind: 'failed', error: `malformed CSN response for ${record.name} (${type}): not JSON: ${what}` };
    }
    const parsed = parseCsn(json, { space, mainName: record.name });
    if (parsed.documentError !== undefined) return { kind: 'failed', error: `malformed CSN response for ${record.name} (${type}): ${parsed.documentError}` };
    const mainId = parsed.mainAssetId;
    const main = parsed.assets.find((asset) => asset.id === mainId);
    if (!main) {
      const failed = parsed.failures.find((f) => f.assetId === mainId);
      return { kind: 'unusable', reason: failed ? failed.error : `the response does not define ${record.name}` };
    }
    const warnings = parsed.warnings.filter((w) => w.assetId === mainId).map((w) => w.message);
    let asset = main;
    if (asset.space !== space) {
      warnings.push(`CSN names space ${asset.space} (@DataWarehouse.space.name); kept in ${space}, where the catalog lists it`);
      asset = { ...asset, space, id: assetId(space, asset.technicalName) };
    }
    return { kind: 'extracted', asset, ...defined({ etag: headers['etag'] }), warnings };
  }

  private async readEdmx(record: AssetRecord, previous: AssetValidator | undefined, reason: EdmxReason, warnings: string[]): Promise<DefinitionOutcome> {
    const { urls, space } = this.options;
    const link = record.relationalMetadataUrl ?? record.analyticalMetadataUrl;
    const url = link !== undefined ? urls.follow(link, urls.origin) : urls.metadata(space, record.name, 'relational');
    const etag = previous?.format === 'edmx' ? previous.etag : undefined;
    const response = await this.get(url, 'metadata', 'application/xml', etag);
    const fail = (error: string): DefinitionOutcome => ({ ok: false, error: warnings.length > 0 ? `${warnings.join('; ')}; then ${error}` : error, warnings: [] });
    if ('error' in response) return fail(response.error);
    const { status, headers, body } = response;
    const meta = record.metadataEtag;
    if (status === 304 && previous) {
      return notModified(this.id(record), { ...previous, format: 'edmx', edmxReason: reason, ...defined({ etag: headers['etag'] ?? etag }) }, meta);
    }
    if (status !== 200) return fail(`$metadata of ${record.name}: HTTP ${status} (${bodyExcerpt(body, headers['content-type'], this.options.http.redactor)})`);

    // Analytic models have only the analytical service; everything else is read from the relational one.
    const defaultKind: AssetKind = record.relationalMetadataUrl === undefined && record.analyticalMetadataUrl !== undefined ? 'analytic-model' : 'view';
    const decoded = decodeUtf8(body);
    if (!decoded.ok) return fail(`malformed $metadata for ${record.name}: ${decoded.reason}`);
    const parsed = parseEdmx(decoded.text, { space, mainName: record.name, defaultKind });
    if (parsed.documentError !== undefined) return fail(`malformed $metadata for ${record.name}: ${parsed.documentError}`);
    const main = parsed.assets.find((asset) => asset.id === parsed.mainAssetId);
    if (!main) {
      const failed = parsed.failures.find((f) => f.assetId === parsed.mainAssetId);
      return fail(`$metadata of ${record.name}: ${failed ? failed.error : 'no entity type matches the asset'}`);
    }
    const validator: AssetValidator = { format: 'edmx', edmxReason: reason, ...defined({ etag: headers['etag'], metadataEtag: meta }) };
    return {
      ok: true,
      item: { state: 'extracted', asset: main, validator: encodeValidator(validator), definitionFormat: 'edmx' },
      warnings: [...warnings, ...parsed.warnings.filter((w) => w.assetId === main.id).map((w) => w.message)],
    };
  }

  private async get(url: string, operation: string, accept: string, etag: string | undefined): Promise<HttpResponse | { error: string }> {
    try {
      return await this.options.http.request({
        method: 'GET',
        url,
        operation,
        bearer: true,
        headers: { Accept: accept, ...(etag !== undefined ? { 'If-None-Match': etag } : {}) },
        ...(this.options.signal ? { signal: this.options.signal } : {}),
      });
    } catch (error) {
      if (isAbortError(error, this.options.signal)) throw error;
      return { error: messageOf(error) };
    }
  }

  private id(record: AssetRecord): string {
    return assetId(this.options.space, record.name);
  }
}

/** Unchanged: the validator is kept, with the listing's current metadataEtag (or none, if it gave none). */
function notModified(id: string, previous: AssetValidator, metadataEtag: string | undefined): DefinitionOutcome {
  const { metadataEtag: _remembered, ...kept } = previous;
  const validator = encodeValidator({ ...kept, ...defined({ metadataEtag }) });
  return { ok: true, item: { state: 'not-modified', assetId: id, validator }, warnings: [] };
}

function failure(error: string): DefinitionOutcome {
  return { ok: false, error, warnings: [] };
}

/** Drops undefined values, so optional fields are absent rather than present-and-undefined. */
function defined<T extends Record<string, string | undefined>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: string };
}
