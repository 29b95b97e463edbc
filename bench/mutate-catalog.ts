import type { Asset } from '../src/catalog/asset.ts';
import { generateAsset, label, random } from './generate-catalog.ts';

/** Fractions of the catalog to change, by kind of change. */
export interface ChangeMix {
  metadata: number;
  content: number;
  schema: number;
  deleted: number;
  created: number;
}

/**
 * The "realistic" mix, as shares of the changed assets: most day-to-day edits in a semantic layer are labels and
 * business context, fewer are renames/descriptions, fewer still are structural; a few objects come and go.
 */
export function realisticMix(percentChanged: number): ChangeMix {
  const f = percentChanged / 100;
  return { metadata: f * 0.6, content: f * 0.2, schema: f * 0.12, deleted: f * 0.04, created: f * 0.04 };
}

export interface Mutation {
  assets: Asset[];
  counts: { metadata: number; content: number; schema: number; deleted: number; created: number };
}

/** Applies a change mix to a copy of the catalog; every change lands on a different asset. */
export function mutateCatalog(assets: readonly Asset[], mix: ChangeMix, seed: number, nextIndex: number): Mutation {
  const rnd = random(seed);
  const order = assets.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const n = (share: number) => Math.round(assets.length * share);
  const counts = { metadata: n(mix.metadata), content: n(mix.content), schema: n(mix.schema), deleted: n(mix.deleted), created: n(mix.created) };
  const next: (Asset | undefined)[] = assets.map((a) => a);
  let cursor = 0;
  const take = () => order[cursor++]!;
  for (let i = 0; i < counts.metadata; i++) {
    const at = take();
    const a = structuredClone(next[at]!);
    const col = a.columns[Math.floor(rnd() * a.columns.length)]!;
    col.label = `${label(rnd)} ${seed}`;
    next[at] = a;
  }
  for (let i = 0; i < counts.content; i++) {
    const at = take();
    next[at] = { ...next[at]!, description: `Description ${seed}: ${label(rnd)}` };
  }
  for (let i = 0; i < counts.schema; i++) {
    const at = take();
    const a = structuredClone(next[at]!);
    a.columns.push({ name: `ADDED_${seed}`, type: { name: 'cds.String', length: 40 }, nullable: true, key: false, label: label(rnd) });
    next[at] = a;
  }
  for (let i = 0; i < counts.deleted; i++) next[take()] = undefined;
  const result = next.filter((a): a is Asset => a !== undefined);
  const spaces = [...new Set(assets.map((a) => a.space))];
  for (let i = 0; i < counts.created; i++) result.push(generateAsset(rnd, spaces[i % spaces.length]!, nextIndex + i));
  return { assets: result, counts };
}
