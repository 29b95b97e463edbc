import type { ExtractOptions, Source, SpaceExtract } from '../src/catalog/source.ts';
import { emptyTraffic } from '../src/catalog/traffic.ts';
import type { Traffic } from '../src/catalog/traffic.ts';
import type { ExportSpec } from './csn-export.ts';
import { exportAsset } from './csn-export.ts';

/**
 * The same catalog as the CSN export (bench/csn-export.ts), generated space by space as the engine asks for each:
 * no catalog is held in memory, so a 1M-asset run measures what the engine and the checkpoint hold, not the
 * benchmark's own data. `generation` picks the state of the catalog (0: as first exported; n: after n rounds of
 * 1 % changes).
 */
export class StreamSource implements Source {
  readonly type = 'bench-stream';
  readonly system = 'datasphere';
  readonly #spec: ExportSpec;
  readonly #generation: number;
  /**
   * CPU time spent making up the assets (the benchmark's own work, which a real source spends parsing what it
   * read): reported beside the run's figures so what is ours can be told from what is the generator's.
   */
  generationCpuMs = 0;

  constructor(spec: ExportSpec, generation: number) {
    this.#spec = spec;
    this.#generation = generation;
  }

  async listSpaces(): Promise<string[]> {
    const count = Math.ceil(this.#spec.assets / this.#spec.perSpace);
    return Array.from({ length: count }, (_, i) => `SPACE_${i}`).sort();
  }

  async extractSpace(space: string, _options: ExtractOptions): Promise<SpaceExtract> {
    const s = Number(space.slice('SPACE_'.length));
    const first = s * this.#spec.perSpace;
    const last = Math.min(this.#spec.assets, first + this.#spec.perSpace);
    const items: SpaceExtract['items'] = [];
    const started = process.cpuUsage();
    for (let i = first; i < last; i++) items.push({ state: 'extracted', asset: exportAsset(this.#spec, i, this.#generation) });
    const spent = process.cpuUsage(started);
    this.generationCpuMs += (spent.user + spent.system) / 1000;
    return { space, complete: true, items, failures: [], warnings: [] };
  }

  traffic(): Traffic {
    return emptyTraffic();
  }
}
