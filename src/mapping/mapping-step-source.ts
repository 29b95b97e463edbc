import type { Asset } from '../catalog/asset.ts';
import type { ExtractOptions, KnownAsset, ListOptions, Source, SpaceExtract } from '../catalog/source.ts';
import type { Traffic } from '../catalog/traffic.ts';
import { tagValidator, unwrapKnown } from './validator-digest.ts';

/** A mapping step, ready: the digest of its settings and what it does to an asset. */
export interface MappingStep {
  digest: string;
  apply: (asset: Asset) => Asset;
}

/**
 * A source whose assets pass one mapping step (storage rules, LF-Tags) on their way to change detection. The
 * validators it hands out carry the digest of the step's settings (validator-digest.ts), so a "not modified" answer
 * cannot hide a change of those settings. Subclasses say only what the step is.
 */
export abstract class MappingStepSource implements Source {
  readonly #inner: Source;
  readonly #separator: string;
  /** The inner source's validators, unwrapped once per checkpoint map rather than once per space. */
  #unwrapped: { known: ReadonlyMap<string, KnownAsset>; digest: string; inner: Map<string, KnownAsset> } | undefined;

  protected constructor(inner: Source, separator: string) {
    this.#inner = inner;
    this.#separator = separator;
  }

  protected abstract step(): MappingStep | Promise<MappingStep>;

  get type(): string {
    return this.#inner.type;
  }

  get system(): string {
    return this.#inner.system;
  }

  traffic(): Traffic {
    return this.#inner.traffic();
  }

  async listSpaces(options?: ListOptions): Promise<string[]> {
    if (options?.known === undefined) return this.#inner.listSpaces(options);
    const { digest } = await this.step();
    return this.#inner.listSpaces({ ...options, known: this.#innerKnown(options.known, digest) });
  }

  async extractSpace(space: string, options: ExtractOptions): Promise<SpaceExtract> {
    const { digest, apply } = await this.step();
    const extract = await this.#inner.extractSpace(space, { ...options, known: this.#innerKnown(options.known, digest) });
    return {
      ...extract,
      items: extract.items.map((item) => {
        const validator = tagValidator(item.validator, this.#separator, digest);
        if (item.state === 'not-modified') return validator === undefined ? item : { ...item, validator };
        return { ...item, asset: apply(item.asset), ...(validator !== undefined ? { validator } : {}) };
      }),
    };
  }

  #innerKnown(known: ReadonlyMap<string, KnownAsset>, digest: string): Map<string, KnownAsset> {
    const cached = this.#unwrapped;
    if (cached !== undefined && cached.known === known && cached.digest === digest) return cached.inner;
    const inner = unwrapKnown(known, this.#separator, digest);
    this.#unwrapped = { known, digest, inner };
    return inner;
  }
}
