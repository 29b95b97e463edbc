import type { Source } from '../catalog/source.ts';
import type { MappingStep } from './mapping-step-source.ts';
import { MappingStepSource } from './mapping-step-source.ts';
import type { LfTagMapping } from './lf-tags.ts';
import { withLfTags } from './lf-tags.ts';
import { settingsDigest } from './validator-digest.ts';

/** Separates the inner source's validator from the digest of the tag mapping it was taken under. */
const SEPARATOR = '#lftags=';

/**
 * A source whose assets leave it with the LF-Tags `governance.lfTags` maps their business context to
 * (`businessContext.lfTags`): the mapping step between extraction and change detection, so the wanted tags are
 * hashed with the metadata facet, and a changed mapping is a metadata change of exactly the assets whose tags it
 * moves — their tables are written, and only their tags are read and changed.
 *
 * A source that can answer "not modified" (Datasphere ETags, the export files' quick check) would otherwise hide a
 * mapping change, since the engine reuses the stored hashes of such an asset. So, as storage rules do
 * (storage-rules-source.ts), the validators handed out carry a digest of the mapping, and one taken under another
 * mapping is not passed back: after a mapping change every asset is read once more.
 */
export class LfTagsSource extends MappingStepSource {
  readonly #step: MappingStep;

  constructor(inner: Source, mapping: LfTagMapping) {
    super(inner, SEPARATOR);
    this.#step = {
      apply: (asset) => withLfTags(asset, mapping),
      digest: settingsDigest(mapping),
    };
  }

  protected step(): MappingStep {
    return this.#step;
  }
}
