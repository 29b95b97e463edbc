import type { JsonValue } from '../catalog/native-glue-table.ts';

/** One rule of `target.locationRewrites`: a location starting with `from` continues under `to` instead. */
export interface LocationRewrite {
  from: string;
  to: string;
}

/**
 * Table parameters that hold a location rather than data: Iceberg's current and previous metadata file. They are
 * rewritten with the table's own Location, or the replica would read the source account's metadata.
 */
export const LOCATION_PARAMETERS: readonly string[] = ['metadata_location', 'previous_metadata_location'];

/**
 * The location as the target account sees it: the longest `from` prefix that matches is replaced by its `to`; a
 * location no rule matches is kept as it is. Longest first, so `s3://a/raw/` can go elsewhere than the rest of
 * `s3://a/`. Pure prefix replacement: `s3://bucket-a` would also match `s3://bucket-ab/…`, which is why rules
 * should end in `/`.
 */
export function rewriteLocation(location: string, rules: readonly LocationRewrite[]): string {
  let best: LocationRewrite | undefined;
  for (const rule of rules) {
    if (rule.from !== '' && location.startsWith(rule.from) && (!best || rule.from.length > best.from.length)) best = rule;
  }
  return best ? best.to + location.slice(best.from.length) : location;
}

type JsonObject = { [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A StorageDescriptor (of a table or a partition) with its locations rewritten: `Location`, each of
 * `AdditionalLocations`, and the `path` SerDe parameter Spark data-source tables keep their location in. Every
 * other field is returned as it came. Returns the input itself when there is nothing to rewrite.
 */
export function rewriteStorageLocations<T extends JsonObject>(storage: T, rules: readonly LocationRewrite[]): T {
  if (rules.length === 0) return storage;
  const out: JsonObject = { ...storage };
  if (typeof out['Location'] === 'string') out['Location'] = rewriteLocation(out['Location'], rules);
  const additional = out['AdditionalLocations'];
  if (Array.isArray(additional)) {
    out['AdditionalLocations'] = additional.map((l) => (typeof l === 'string' ? rewriteLocation(l, rules) : l));
  }
  const serde = out['SerdeInfo'];
  if (isObject(serde) && isObject(serde['Parameters']) && typeof serde['Parameters']['path'] === 'string') {
    out['SerdeInfo'] = { ...serde, Parameters: { ...serde['Parameters'], path: rewriteLocation(serde['Parameters']['path'], rules) } };
  }
  return out as T;
}

/** Table parameters with the location-valued ones (LOCATION_PARAMETERS) rewritten. */
export function rewriteParameterLocations(parameters: Record<string, string>, rules: readonly LocationRewrite[]): Record<string, string> {
  if (rules.length === 0) return parameters;
  const out = { ...parameters };
  for (const key of LOCATION_PARAMETERS) {
    const value = out[key];
    if (value !== undefined) out[key] = rewriteLocation(value, rules);
  }
  return out;
}
