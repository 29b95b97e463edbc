import type { TagDefinitionChange } from '../../catalog/resource-tags.ts';
// Types only: the module holding the SDK calls is loaded on the first call (lf-tagging.ts), never by importing this.
import type { LakeFormationApi } from './lf-tags-api.ts';

/** Values one CreateLFTag or UpdateLFTag takes at most. */
const LF_VALUES_PER_CALL = 50;

/**
 * The LF-Tag keys and allowed values this run needs, read once per key (GetLFTag) and created or extended only where
 * something is missing: CreateLFTag for a key that does not exist, UpdateLFTag adding the values it lacks. Values
 * someone else defined stay; nothing is ever deleted from a definition. Changes to one key are made one at a time,
 * so two tables needing the same new value define it once.
 */
export class LfTagDefinitions {
  readonly #api: () => Promise<LakeFormationApi>;
  /** Allowed values per key as read (or since defined by us); undefined for a key that does not exist. */
  readonly #known = new Map<string, Promise<Set<string> | undefined>>();
  readonly #queue = new Map<string, Promise<void>>();

  constructor(api: () => Promise<LakeFormationApi>) {
    this.#api = api;
  }

  /** What defining these values would take (reads each key once; writes nothing), in key order. */
  async missing(wanted: ReadonlyMap<string, ReadonlySet<string>>): Promise<TagDefinitionChange[]> {
    const out: TagDefinitionChange[] = [];
    for (const key of [...wanted.keys()].sort()) {
      const known = await this.#read(key);
      const values = [...(wanted.get(key) ?? [])].filter((v) => !known?.has(v)).sort();
      if (known === undefined) out.push({ key, create: true, values });
      else if (values.length > 0) out.push({ key, create: false, values });
    }
    return out;
  }

  /** Makes sure each key exists and allows each of its values; returns the calls it made. */
  async ensure(wanted: ReadonlyMap<string, ReadonlySet<string>>): Promise<number> {
    let calls = 0;
    for (const key of [...wanted.keys()].sort()) calls += await this.#serial(key, () => this.#define(key, wanted.get(key) ?? new Set()));
    return calls;
  }

  async #define(key: string, values: ReadonlySet<string>): Promise<number> {
    const api = await this.#api();
    let known = await this.#read(key);
    let missing = [...values].filter((v) => !known?.has(v)).sort();
    if (missing.length === 0 && known !== undefined) return 0;
    let calls = 0;
    if (known === undefined) {
      const first = missing.slice(0, LF_VALUES_PER_CALL);
      calls += 1;
      if ((await api.createTag(key, first)) === 'created') {
        known = new Set(first);
      } else {
        // Another writer created it meanwhile: take its values, add ours.
        calls += 1;
        known = new Set((await api.getTag(key)) ?? []);
      }
      this.#known.set(key, Promise.resolve(known));
      missing = missing.filter((v) => !known?.has(v));
    }
    for (let i = 0; i < missing.length; i += LF_VALUES_PER_CALL) {
      const chunk = missing.slice(i, i + LF_VALUES_PER_CALL);
      await api.addTagValues(key, chunk);
      calls += 1;
      for (const value of chunk) known.add(value);
    }
    return calls;
  }

  #read(key: string): Promise<Set<string> | undefined> {
    let known = this.#known.get(key);
    if (!known) {
      known = this.#api()
        .then((api) => api.getTag(key))
        .then((values) => (values === undefined ? undefined : new Set(values)));
      // A failed read is not remembered: the next table asks again.
      known.catch(() => this.#known.delete(key));
      this.#known.set(key, known);
    }
    return known;
  }

  #serial<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.#queue.get(key) ?? Promise.resolve();
    const run = before.then(work);
    this.#queue.set(
      key,
      run.then(
        () => undefined,
        () => undefined,
      ),
    );
    return run;
  }
}
