import { open, readFile } from 'node:fs/promises';
import type { Asset } from '../src/catalog/asset.ts';
import type { AssetHashes } from '../src/catalog/hashes.ts';
import { refKey } from '../src/catalog/ref-key.ts';
import type { DeleteOutcome, TableRef, Target, TargetIdentity, TargetTable, TrafficModel, WriteRequest, WriteResult } from '../src/catalog/target.ts';
import { emptyTraffic, recordCall } from '../src/catalog/traffic.ts';
import type { Traffic } from '../src/catalog/traffic.ts';
import { buildTableInput, createTableRequestBytes } from '../src/mapping/build-table-input.ts';
import type { Mapping } from '../src/mapping/load-mapping.ts';
import { mergeTableInput } from '../src/mapping/merge-table-input.ts';
import { databaseName, resolveTableRef } from '../src/mapping/table-naming.ts';

/**
 * A target that keeps its catalog in memory — only each table's version, about 100 bytes a table — so a large run
 * measures our code (planning, building and merging every TableInput we would send, the checkpoint) and not a mock
 * server. Every write builds the TableInput exactly as the file and Glue targets do and counts its bytes; the table
 * itself is not kept. `save`/`load` carry the versions from one benchmark process to the next.
 */
export class MemoryTarget implements Target {
  readonly type = 'memory';
  readonly versioned = true;
  readonly identity: TargetIdentity = { type: 'memory', name: 'bench' };
  readonly #versions = new Map<string, number>();
  readonly #traffic = emptyTraffic();
  readonly #job: string;
  readonly #mapping: Mapping;
  readonly #prefix = 'bench_';

  constructor(job: string, mapping: Mapping) {
    this.#job = job;
    this.#mapping = mapping;
  }

  resolve(asset: Asset): TableRef {
    return resolveTableRef(asset, { databasePrefix: this.#prefix });
  }

  databaseFor(space: string): string {
    return databaseName(space, this.#prefix);
  }

  async readState(databases: string[]): Promise<TargetTable[]> {
    const wanted = new Set(databases);
    const out: TargetTable[] = [];
    for (const [key, version] of this.#versions) {
      const dot = key.indexOf('.');
      const ref = { database: key.slice(0, dot), table: key.slice(dot + 1) };
      if (wanted.has(ref.database)) out.push(this.#table(ref, version));
    }
    for (const database of wanted) recordCall(this.#traffic, 'GetTables', 0, 0, false);
    return out;
  }

  async readTables(refs: TableRef[]): Promise<TargetTable[]> {
    const out: TargetTable[] = [];
    for (const ref of refs) {
      recordCall(this.#traffic, 'GetTable', 0, 0, false);
      const version = this.#versions.get(refKey(ref));
      if (version !== undefined) out.push(this.#table(ref, version));
    }
    return out;
  }

  async write(request: WriteRequest): Promise<WriteResult> {
    const built = buildTableInput(request.asset, { job: this.#job, hashes: request.hashes, databasePrefix: this.#prefix, mapping: this.#mapping, ref: request.ref });
    const input = mergeTableInput(undefined, built.input, request.strategy, request.facets, { parameterPrefix: this.#mapping.options.parameterPrefix });
    const bytes = createTableRequestBytes(request.ref, input);
    const key = refKey(request.ref);
    const version = (this.#versions.get(key) ?? 0) + 1;
    this.#versions.set(key, version);
    recordCall(this.#traffic, version === 1 ? 'CreateTable' : 'UpdateTable', bytes, 0, true);
    return { ref: request.ref, version: String(version), storedBytes: bytes, fullWriteBytes: createTableRequestBytes(request.ref, built.input), warnings: built.warnings };
  }

  async deprecate(ref: TableRef, _at: string): Promise<WriteResult> {
    const key = refKey(ref);
    const version = (this.#versions.get(key) ?? 0) + 1;
    this.#versions.set(key, version);
    recordCall(this.#traffic, 'UpdateTable', 0, 0, true);
    return { ref, version: String(version), warnings: [] };
  }

  async delete(refs: TableRef[]): Promise<DeleteOutcome[]> {
    recordCall(this.#traffic, 'BatchDeleteTable', 0, 0, true);
    return refs.map((ref) => (this.#versions.delete(refKey(ref)) ? { ref, ok: true } : { ref, ok: true, alreadyGone: true }));
  }

  fullWriteBytes(asset: Asset, ref: TableRef, hashes: AssetHashes): number {
    return createTableRequestBytes(ref, buildTableInput(asset, { job: this.#job, hashes, databasePrefix: this.#prefix, mapping: this.#mapping, ref }).input);
  }

  traffic(): Traffic {
    return structuredClone(this.#traffic);
  }

  trafficModel(): TrafficModel {
    return { requestOverheadBytes: 0, pageSize: 100 };
  }

  get tables(): number {
    return this.#versions.size;
  }

  /** The versions as `database.table<TAB>version` lines. */
  async save(file: string): Promise<void> {
    // In pieces: a million lines joined at once would be the benchmark's own memory peak, not the run's.
    const handle = await open(file, 'w');
    try {
      let lines: string[] = [];
      for (const [key, version] of this.#versions) {
        lines.push(`${key}\t${version}\n`);
        if (lines.length === 10_000) {
          await handle.write(lines.join(''));
          lines = [];
        }
      }
      await handle.write(lines.join(''));
    } finally {
      await handle.close();
    }
  }

  async load(file: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) this.#versions.set(line.slice(0, tab), Number(line.slice(tab + 1)));
    }
  }

  #table(ref: TableRef, version: number): TargetTable {
    return { ref, version: String(version), owner: this.#job };
  }
}
