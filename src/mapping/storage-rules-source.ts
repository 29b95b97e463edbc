import { createHash } from 'node:crypto';
import type { ExtractOptions, KnownAsset, ListOptions, Source, SpaceExtract } from '../catalog/source.ts';
import type { Traffic } from '../catalog/traffic.ts';
import type { StorageRule } from './storage-rules.ts';
import { checkLocationTemplates, StorageRules } from './storage-rules.ts';
import type { StorageFormats } from './storage-formats.ts';
import { loadStorageFormats } from './storage-formats.ts';

/** Separates the source's own validator from the digest of the rules it was taken under. */
const SEPARATOR = '#storage=';

/**
 * A source whose assets leave it with their storage part (`storage.rules`) set: the small mapping step between
 * extraction and change detection, so the storage is hashed (schema facet) and a changed rule is a change.
 *
 * A source that can answer "not modified" (Datasphere ETags) would otherwise hide a changed rule: the engine reuses
 * the stored hashes of such an asset. So the validators handed out are tagged with a digest of the rules and the
 * format table, and a validator taken under other rules is not passed back: after a rule change every asset is read
 * once more (and only those whose storage moved are written).
 */
export class StorageRulesSource implements Source {
  readonly #inner: Source;
  readonly #rules: readonly StorageRule[];
  readonly #loadFormats: () => Promise<StorageFormats>;
  #compiled: Promise<{ rules: StorageRules; digest: string }> | undefined;

  constructor(inner: Source, rules: readonly StorageRule[], loadFormats: () => Promise<StorageFormats> = () => loadStorageFormats()) {
    // A template we cannot fill is a configuration error: refused here, not as a failed space listing later.
    checkLocationTemplates(rules);
    this.#inner = inner;
    this.#rules = rules;
    this.#loadFormats = loadFormats;
  }

  get type(): string {
    return this.#inner.type;
  }

  get system(): string {
    return this.#inner.system;
  }

  async listSpaces(options?: ListOptions): Promise<string[]> {
    if (options?.known === undefined) return this.#inner.listSpaces(options);
    const { digest } = await this.#compile();
    return this.#inner.listSpaces({ ...options, known: unwrapKnown(options.known, digest) });
  }

  traffic(): Traffic {
    return this.#inner.traffic();
  }

  async extractSpace(space: string, options: ExtractOptions): Promise<SpaceExtract> {
    const { rules, digest } = await this.#compile();
    const extract = await this.#inner.extractSpace(space, { ...options, known: unwrapKnown(options.known, digest) });
    return {
      ...extract,
      items: extract.items.map((item) => {
        const validator = item.validator === undefined ? undefined : `${item.validator}${SEPARATOR}${digest}`;
        if (item.state === 'not-modified') return validator === undefined ? item : { ...item, validator };
        const asset = rules.apply(item.asset);
        return { ...item, asset, ...(validator !== undefined ? { validator } : {}) };
      }),
    };
  }

  #compile(): Promise<{ rules: StorageRules; digest: string }> {
    this.#compiled ??= this.#loadFormats().then((formats) => ({
      rules: new StorageRules(this.#rules, formats),
      digest: createHash('sha256').update(JSON.stringify({ rules: this.#rules, formats })).digest('hex').slice(0, 16),
    }));
    return this.#compiled;
  }
}

/** The source's validator when it was taken under these rules; undefined (read it again) otherwise. */
/** The inner source's own validators, as it gave them (a copy: one look-up per asset is all it does with them). */
function unwrapKnown(known: ReadonlyMap<string, KnownAsset>, digest: string): Map<string, KnownAsset> {
  const out = new Map<string, KnownAsset>();
  for (const [id, entry] of known) {
    const validator = unwrap(entry.validator, digest);
    out.set(id, validator === undefined ? {} : { ...entry, validator });
  }
  return out;
}

function unwrap(validator: string | undefined, digest: string): string | undefined {
  if (validator === undefined) return undefined;
  const at = validator.lastIndexOf(SEPARATOR);
  if (at < 0) return undefined;
  return validator.slice(at + SEPARATOR.length) === digest ? validator.slice(0, at) : undefined;
}
