import type { Asset } from '../src/catalog/asset.ts';
import type { ExtractOptions, Source, SpaceExtract } from '../src/catalog/source.ts';
import { emptyTraffic } from '../src/catalog/traffic.ts';
import type { Traffic } from '../src/catalog/traffic.ts';

/** A source over an in-memory catalog, so the benchmark measures the engine and the target, not parsing. */
export class MemorySource implements Source {
  readonly type = 'memory';
  readonly system = 'datasphere';
  #bySpace = new Map<string, Asset[]>();

  constructor(assets: readonly Asset[]) {
    this.set(assets);
  }

  set(assets: readonly Asset[]): void {
    this.#bySpace = new Map();
    for (const a of assets) {
      const list = this.#bySpace.get(a.space);
      if (list) list.push(a);
      else this.#bySpace.set(a.space, [a]);
    }
  }

  async listSpaces(): Promise<string[]> {
    return [...this.#bySpace.keys()].sort();
  }

  async extractSpace(space: string, _options: ExtractOptions): Promise<SpaceExtract> {
    const assets = this.#bySpace.get(space) ?? [];
    return { space, complete: true, items: assets.map((asset) => ({ state: 'extracted', asset })), failures: [], warnings: [] };
  }

  traffic(): Traffic {
    return emptyTraffic();
  }
}
