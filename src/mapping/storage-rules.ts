import type { Asset } from '../catalog/asset.ts';
import type { AssetStorage } from '../catalog/asset-storage.ts';
import { globToRegExp } from '../catalog/name-patterns.ts';
import type { StorageFormatEntry, StorageFormats } from './storage-formats.ts';

/** One `storage.rules` entry as the config schema delivers it (defaults filled in there). */
export interface StorageRule {
  match: { space?: string | undefined; name?: string | undefined; kind?: string | undefined };
  location: string;
  format: 'parquet' | 'csv' | 'json' | 'orc' | 'avro';
  csv: { delimiter: string; header: boolean; quote: string | null; escape: string };
  partitionKeys: Array<{ name: string; type?: string | undefined }>;
}

/** What `{...}` may stand for in a Location template. */
export const LOCATION_PLACEHOLDERS = ['space', 'technicalName', 'kind'] as const;
const PLACEHOLDER = /\{([^{}]*)\}/g;

export class StorageRuleError extends Error {
  override readonly name = 'StorageRuleError';
  readonly code = 'STORAGE_RULE_INVALID';
}

/** Refuses a Location template with a placeholder we do not fill, naming the rule: before anything is read. */
export function checkLocationTemplates(rules: readonly StorageRule[]): void {
  rules.forEach((rule, index) => {
    for (const [, name] of rule.location.matchAll(PLACEHOLDER)) {
      if (!(LOCATION_PLACEHOLDERS as readonly string[]).includes(name ?? '')) {
        throw new StorageRuleError(
          `storage.rules[${index}].location: unknown placeholder {${name}} (known: ${LOCATION_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`,
        );
      }
    }
  });
}

interface CompiledRule {
  rule: StorageRule;
  space?: RegExp;
  name?: RegExp;
}

/**
 * `storage.rules` made ready to match: the first rule whose every given `match` field fits the asset wins (space and
 * name as globs, kind exactly). A rule gives the asset a fully resolved storage part; an asset no rule matches is
 * returned unchanged, and so is one that carries a native Glue part (its storage is its source's, rewritten by
 * `target.locationRewrites`, never ours).
 */
export class StorageRules {
  readonly #rules: CompiledRule[];
  readonly #formats: StorageFormats;

  constructor(rules: readonly StorageRule[], formats: StorageFormats) {
    this.#formats = formats;
    checkLocationTemplates(rules);
    this.#rules = rules.map((rule, index) => {
      if (formatEntry(formats, rule) === undefined) {
        throw new StorageRuleError(`storage.rules[${index}].format "${rule.format}" is not in the storage format table`);
      }
      return {
        rule,
        ...(rule.match.space !== undefined ? { space: globToRegExp(rule.match.space) } : {}),
        ...(rule.match.name !== undefined ? { name: globToRegExp(rule.match.name) } : {}),
      };
    });
  }

  get size(): number {
    return this.#rules.length;
  }

  /** The storage the first matching rule gives the asset, or undefined. */
  storageFor(asset: Asset): AssetStorage | undefined {
    if (asset.glue !== undefined) return undefined;
    const found = this.#rules.find(
      (r) =>
        (r.space === undefined || r.space.test(asset.space)) &&
        (r.name === undefined || r.name.test(asset.technicalName)) &&
        (r.rule.match.kind === undefined || r.rule.match.kind === asset.kind),
    );
    if (!found) return undefined;
    return resolveStorage(found.rule, this.#formats, asset);
  }

  /** The asset with its storage part set (a new object), or the same asset where no rule applies. */
  apply(asset: Asset): Asset {
    const storage = this.storageFor(asset);
    return storage === undefined ? asset : { ...asset, storage };
  }
}

function quoted(rule: StorageRule): boolean {
  return rule.format === 'csv' && rule.csv.quote !== null && rule.csv.quote !== '';
}

function formatEntry(formats: StorageFormats, rule: StorageRule): StorageFormatEntry | undefined {
  const key = quoted(rule) ? 'csv-quoted' : rule.format;
  return Object.hasOwn(formats, key) ? formats[key] : undefined;
}

function fill(value: string, rule: StorageRule): string {
  return value
    .replaceAll('$delimiter', () => rule.csv.delimiter)
    .replaceAll('$quote', () => rule.csv.quote ?? '')
    .replaceAll('$escape', () => rule.csv.escape);
}

function sortedFilled(record: Record<string, string>, rule: StorageRule): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) out[key] = fill(record[key] as string, rule);
  return out;
}

/** A rule applied to one asset: the Location template filled in, the format spelled out as Athena writes it. */
export function resolveStorage(rule: StorageRule, formats: StorageFormats, asset: Asset): AssetStorage {
  const entry = formatEntry(formats, rule);
  if (entry === undefined) throw new StorageRuleError(`storage format "${rule.format}" is not in the storage format table`);
  const values: Record<(typeof LOCATION_PLACEHOLDERS)[number], string> = {
    space: asset.space,
    technicalName: asset.technicalName,
    kind: asset.kind,
  };
  const location = rule.location.replace(PLACEHOLDER, (_, name: string) => values[name as keyof typeof values] ?? '');
  const tableParameters: Record<string, string> = { ...entry.tableParameters };
  if (rule.format === 'csv' && rule.csv.header) tableParameters['skip.header.line.count'] = '1';
  return {
    location,
    format: rule.format,
    serializationLibrary: entry.serializationLibrary,
    inputFormat: entry.inputFormat,
    outputFormat: entry.outputFormat,
    serdeParameters: sortedFilled(entry.serdeParameters, rule),
    tableParameters: sortedFilled(tableParameters, rule),
    partitionKeys: rule.partitionKeys.map((k) => (k.type !== undefined ? { name: k.name, type: k.type } : { name: k.name })),
  };
}
