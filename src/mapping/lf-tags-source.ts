import { createHash } from 'node:crypto';
import type { Asset } from '../catalog/asset.ts';
import type { ExtractOptions, ListOptions, Source, SpaceExtract } from '../catalog/source.ts';
import type { Traffic } from '../catalog/traffic.ts';
import { tagValidator, unwrapKnown } from './validator-digest.ts';
import type { LfTagMapping } from './lf-tags.ts';
import { withLfTags } from './lf-tags.ts';

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
export class LfTagsSource implements Source {
  readonly #inner: Source;
  readonly #mapping: LfTagMapping;
  readonly #digest: string;

  constructor(inner: Source, mapping: LfTagMapping) {
    this.#inner = inner;
    this.#mapping = mapping;
    this.#digest = createHash('sha256').update(JSON.stringify(mapping)).digest('hex').slice(0, 16);
  }

  get type(): string {
    return this.#inner.type;
  }

  get system(): string {
    return this.#inner.system;
  }

  async listSpaces(options?: ListOptions): Promise<string[]> {
    if (options?.known === undefined) return this.#inner.listSpaces(options);
    return this.#inner.listSpaces({ ...options, known: unwrapKnown(options.known, SEPARATOR, this.#digest) });
  }

  traffic(): Traffic {
    return this.#inner.traffic();
  }

  async extractSpace(space: string, options: ExtractOptions): Promise<SpaceExtract> {
    const extract = await this.#inner.extractSpace(space, { ...options, known: unwrapKnown(options.known, SEPARATOR, this.#digest) });
    return {
      ...extract,
      items: extract.items.map((item) => {
        const validator = tagValidator(item.validator, SEPARATOR, this.#digest);
        if (item.state === 'not-modified') return validator === undefined ? item : { ...item, validator };
        const asset: Asset = withLfTags(item.asset, this.#mapping);
        return { ...item, asset, ...(validator !== undefined ? { validator } : {}) };
      }),
    };
  }
}
