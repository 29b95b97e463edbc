import { createHash } from 'node:crypto';
import type { ExtractOptions, ListOptions, Source, SpaceExtract } from '../catalog/source.ts';
import type { Traffic } from '../catalog/traffic.ts';
import { tagValidator, unwrapKnown } from './validator-digest.ts';
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
    return this.#inner.listSpaces({ ...options, known: unwrapKnown(options.known, SEPARATOR, digest) });
  }

  traffic(): Traffic {
    return this.#inner.traffic();
  }

  async extractSpace(space: string, options: ExtractOptions): Promise<SpaceExtract> {
    const { rules, digest } = await this.#compile();
    const extract = await this.#inner.extractSpace(space, { ...options, known: unwrapKnown(options.known, SEPARATOR, digest) });
    return {
      ...extract,
      items: extract.items.map((item) => {
        const validator = tagValidator(item.validator, SEPARATOR, digest);
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
