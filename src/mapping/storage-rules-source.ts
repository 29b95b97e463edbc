import type { Source } from '../catalog/source.ts';
import type { MappingStep } from './mapping-step-source.ts';
import { MappingStepSource } from './mapping-step-source.ts';
import { settingsDigest } from './validator-digest.ts';
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
export class StorageRulesSource extends MappingStepSource {
  readonly #rules: readonly StorageRule[];
  readonly #loadFormats: () => Promise<StorageFormats>;
  #compiled: Promise<MappingStep> | undefined;

  constructor(inner: Source, rules: readonly StorageRule[], loadFormats: () => Promise<StorageFormats> = () => loadStorageFormats()) {
    // A template we cannot fill is a configuration error: refused here, not as a failed space listing later.
    checkLocationTemplates(rules);
    super(inner, SEPARATOR);
    this.#rules = rules;
    this.#loadFormats = loadFormats;
  }

  protected step(): Promise<MappingStep> {
    this.#compiled ??= this.#loadFormats().then((formats) => {
      const rules = new StorageRules(this.#rules, formats);
      return {
        apply: (asset) => rules.apply(asset),
        digest: settingsDigest({ rules: this.#rules, formats }),
      };
    });
    return this.#compiled;
  }
}
