import type { Asset, AssetKind, Column, SourceType } from '../src/catalog/asset.ts';

/**
 * Synthetic Datasphere-like catalogs, deterministic from a seed. The distributions are taken from the 19 assets
 * of the real CSN corpus (test/fixtures/corpus/csn) as parsed by CsnFilesSource:
 * - columns per asset: 2–33, median 9 (corpus: 2 2 3 5 5 5 8 8 8 9 11 12 13 13 14 17 19 25 33)
 * - column types: cds.String 59 %, cds.Integer64 19 %, cds.Date 8 %, cds.Decimal 7 %, cds.Double 4 %,
 *   cds.hana.ST_GEOMETRY 2 %, cds.Integer 1 % (126/41/16/15/8/5/1 of 212 columns)
 * - every column has a label, 2–32 characters, mean 11.5; 7 % of columns are keys; 9 % carry semantics
 * - kinds: table 58 %, dimension 16 %, fact 10 %, analytic model 10 %, view 5 % (11/3/2/2/1)
 */
export const COLUMN_COUNTS = [2, 2, 3, 5, 5, 5, 8, 8, 8, 9, 11, 12, 13, 13, 14, 17, 19, 25, 33];
const TYPES: [number, () => SourceType][] = [
  [126, () => ({ name: 'cds.String', length: 5000 })],
  [41, () => ({ name: 'cds.Integer64' })],
  [16, () => ({ name: 'cds.Date' })],
  [15, () => ({ name: 'cds.Decimal', precision: 38, scale: 19 })],
  [8, () => ({ name: 'cds.Double' })],
  [5, () => ({ name: 'cds.hana.ST_GEOMETRY' })],
  [1, () => ({ name: 'cds.Integer' })],
];
const KINDS: [number, AssetKind][] = [
  [11, 'table'],
  [3, 'dimension'],
  [2, 'fact'],
  [2, 'analytic-model'],
  [1, 'view'],
];
const WORDS = ['Sales', 'Order', 'Amount', 'Company', 'Address', 'Partner', 'Gross', 'Net', 'Currency', 'Date', 'Region', 'Product', 'Category', 'Note', 'Status', 'Item', 'Quantity', 'Tax', 'Fiscal', 'Year'];

/** mulberry32: tiny, fast and good enough to make the same catalog from the same seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const totals = new WeakMap<readonly [number, unknown][], number>();

function weighted<T>(rnd: () => number, table: [number, T][]): T {
  let total = totals.get(table);
  if (total === undefined) totals.set(table, (total = table.reduce((s, [w]) => s + w, 0)));
  let x = rnd() * total;
  for (let i = 0; i < table.length; i++) {
    x -= table[i]![0];
    if (x < 0) return table[i]![1];
  }
  return table[table.length - 1]![1];
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

/** A label of 2–32 characters, mean ≈ 11.5, like the corpus's. */
export function label(rnd: () => number): string {
  const words = 1 + Math.floor(rnd() * 2.2);
  // Plain loops, not Array.from: the generator is the benchmark's own cost, beside the run it measures. join() gives a
  // flat string, as parsed JSON does (concatenation would leave ropes for the measured code to flatten).
  const parts: string[] = [];
  for (let i = 0; i < words; i++) parts.push(pick(rnd, WORDS));
  return parts.join(' ').slice(0, 32);
}

function column(rnd: () => number, index: number, isKey: boolean): Column {
  const c: Column = {
    name: `${pick(rnd, WORDS).toUpperCase()}_${index}`,
    type: weighted(rnd, TYPES)(),
    nullable: !isKey,
    key: isKey,
    label: label(rnd),
  };
  if (rnd() < 0.09) c.semantics = { 'Semantics.amount.currencyCode': 'CURRENCY' };
  return c;
}

export function generateAsset(rnd: () => number, space: string, index: number): Asset {
  const kind = weighted(rnd, KINDS);
  const count = pick(rnd, COLUMN_COUNTS);
  const keyCount = Math.max(1, Math.round(count * 0.07));
  // Pushed, so the array is packed, as JSON.parse makes it.
  const columns: Column[] = [];
  for (let i = 0; i < count; i++) columns.push(column(rnd, i, i < keyCount));
  const technicalName = `${kind.toUpperCase().replace('-', '_')}_${String(index).padStart(6, '0')}`;
  const measures = kind === 'fact' || kind === 'analytic-model' ? columns.filter((c) => c.type.name === 'cds.Decimal').map((c) => ({ name: c.name, aggregation: 'SUM' })) : [];
  return {
    id: `${space}/${technicalName}`,
    space,
    technicalName,
    kind,
    businessName: label(rnd),
    columns,
    constraints: { primaryKey: columns.filter((c) => c.key).map((c) => c.name), associations: [] },
    businessContext: {
      tags: [],
      dimensions: kind === 'fact' || kind === 'analytic-model' ? columns.filter((c) => c.type.name === 'cds.String').slice(0, 3).map((c) => c.name) : [],
      measures,
      hierarchies: [],
      modelingPattern: kind === 'table' || kind === 'view' ? 'DATA_STRUCTURE' : kind === 'fact' ? 'ANALYTICAL_FACT' : kind === 'dimension' ? 'ANALYTICAL_DIMENSION' : 'ANALYTICAL_CUBE',
    },
    customProperties: {},
  };
}

export interface CatalogSpec {
  assets: number;
  spaces: number;
  seed: number;
}

export function generateCatalog(spec: CatalogSpec): Asset[] {
  const rnd = random(spec.seed);
  return Array.from({ length: spec.assets }, (_, i) => generateAsset(rnd, `SPACE_${i % spec.spaces}`, i));
}
