import { isRecord } from '../../catalog/is-record.ts';
/**
 * The catalog's records, reduced to what the connector uses. Field names are those of the recorded
 * responses (test/fixtures/corpus/datasphere-api/catalog_assets.json); anything else in a record is ignored,
 * so additions by newer Datasphere releases do no harm.
 */
export interface AssetRecord {
  /** Technical name; the asset id is `<space>/<name>`. */
  name: string;
  label?: string;
  /** Space the record says it belongs to, when it says. */
  spaceName?: string;
  relationalMetadataUrl?: string;
  analyticalMetadataUrl?: string;
  supportsAnalyticalQueries: boolean;
  /** `@odata.metadataEtag` of the asset's `$metadata`, when the listing carries one: a change signal for free. */
  metadataEtag?: string;
}

/** A space entry: `{ "name": "SALES", "label": ... }`, `{ "id": ... }`, or a bare string. */
export function spaceNameOf(item: unknown): string | undefined {
  if (typeof item === 'string') return nonEmpty(item);
  if (!isRecord(item)) return undefined;
  return nonEmpty(item['name']) ?? nonEmpty(item['id']) ?? nonEmpty(item['spaceName']);
}

/** A space entry's label (`{ "name": "SALES", "label": "Sales & Distribution" }`); undefined when it gives none. */
export function spaceLabelOf(item: unknown): string | undefined {
  return isRecord(item) ? nonEmpty(item['label']) : undefined;
}

/** An asset record, or undefined when it names no asset (the caller then cannot trust the listing). */
export function assetRecordOf(item: unknown): AssetRecord | undefined {
  if (!isRecord(item)) return undefined;
  const name = nonEmpty(item['name']) ?? nonEmpty(item['technicalName']);
  if (name === undefined) return undefined;
  const record: AssetRecord = { name, supportsAnalyticalQueries: item['supportsAnalyticalQueries'] === true };
  const label = nonEmpty(item['label']);
  if (label !== undefined) record.label = label;
  const spaceName = nonEmpty(item['spaceName']);
  if (spaceName !== undefined) record.spaceName = spaceName;
  const relational = nonEmpty(item['assetRelationalMetadataUrl']);
  if (relational !== undefined) record.relationalMetadataUrl = relational;
  const analytical = nonEmpty(item['assetAnalyticalMetadataUrl']);
  if (analytical !== undefined) record.analyticalMetadataUrl = analytical;
  const metadataEtag = nonEmpty(item['@odata.metadataEtag']);
  if (metadataEtag !== undefined) record.metadataEtag = metadataEtag;
  return record;
}

/** A design-time list entry: `{ "technicalName": "X" }` (the documented default `$select`) or a bare string. */
export function technicalNameOf(item: unknown): string | undefined {
  if (typeof item === 'string') return nonEmpty(item);
  if (!isRecord(item)) return undefined;
  return nonEmpty(item['technicalName']) ?? nonEmpty(item['name']);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

