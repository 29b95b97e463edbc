import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Asset } from '../src/catalog/asset.ts';
import { generateAsset, label, random } from './generate-catalog.ts';

/**
 * A Datasphere export folder of one-entity CSN files, as a tenant's export of many objects looks: one folder per
 * space, one `<TECHNICAL_NAME>.json` per object, each carrying `@DataWarehouse.space.name`. The assets come from
 * the benchmark generator (bench/generate-catalog.ts), so the file-target runs compare with the in-memory ones.
 */
export interface ExportSpec {
  assets: number;
  /** Assets per space (folder). */
  perSpace: number;
  seed: number;
}

/** Asset `index` of the export: the same asset for the same spec, whichever files were written before. */
export function exportAsset(spec: ExportSpec, index: number, generation = 0): Asset {
  let asset = generateAsset(random(spec.seed * 1_000_003 + index), spaceOf(spec, index), index);
  // Changes add up: the asset as it is after every generation up to this one.
  for (let g = 1; g <= generation; g++) if (changedIn(spec, index, g)) asset = mutate(asset, index, g);
  return asset;
}

export function spaceOf(spec: ExportSpec, index: number): string {
  return `SPACE_${Math.floor(index / spec.perSpace)}`;
}

/** Whether asset `index` is among the 1 % changed in `generation` (deterministic, spread over every space). */
export function changedIn(spec: ExportSpec, index: number, generation: number): boolean {
  return random(spec.seed ^ (generation * 7919) ^ (index * 2654435761))() < 0.01;
}

/** The realistic mix of bench/mutate-catalog.ts: mostly a label, some descriptions, a few added columns. */
function mutate(asset: Asset, index: number, generation: number): Asset {
  const rnd = random(index * 31 + generation);
  const roll = rnd();
  const copy = structuredClone(asset);
  if (roll < 0.6) copy.columns[Math.floor(rnd() * copy.columns.length)]!.label = `${label(rnd)} ${generation}`;
  else if (roll < 0.85) copy.description = `Description ${generation}: ${label(rnd)}`;
  else copy.columns.push({ name: `ADDED_${generation}`, type: { name: 'cds.String', length: 40 }, nullable: true, key: false, label: label(rnd) });
  return copy;
}

/** The CSN document of one asset, as a Datasphere export writes it. */
export function csnOf(asset: Asset): unknown {
  const elements: Record<string, unknown> = {};
  for (const column of asset.columns) {
    const element: Record<string, unknown> = { type: column.type.name };
    if (column.type.length !== undefined) element.length = column.type.length;
    if (column.type.precision !== undefined) element.precision = column.type.precision;
    if (column.type.scale !== undefined) element.scale = column.type.scale;
    if (column.key) element.key = true;
    if (!column.nullable) element.notNull = true;
    if (column.label !== undefined) element['@EndUserText.label'] = column.label;
    for (const [name, value] of Object.entries(column.semantics ?? {})) element[`@${name}`] = value;
    elements[column.name] = element;
  }
  const definition: Record<string, unknown> = {
    kind: 'entity',
    '@DataWarehouse.space.name': asset.space,
    '@ObjectModel.modelingPattern': { '#': asset.businessContext.modelingPattern ?? 'DATA_STRUCTURE' },
    '@EndUserText.label': asset.businessName ?? asset.technicalName,
    elements,
  };
  if (asset.description !== undefined) definition['@EndUserText.quickInfo'] = asset.description;
  return { definitions: { [asset.technicalName]: definition }, version: { csn: '1.0' } };
}

export function fileOf(root: string, asset: Asset): string {
  return path.join(root, asset.space, `${asset.technicalName}.json`);
}

/** Writes the whole export (a fresh folder). */
export async function writeExport(root: string, spec: ExportSpec, log: (line: string) => void): Promise<void> {
  await rm(root, { recursive: true, force: true });
  await extendExport(root, spec, 0, spec.assets, log);
}

/** Adds the files of assets `from` to `to` (exclusive): the export of a catalog that grew. */
export async function extendExport(root: string, spec: ExportSpec, from: number, to: number, log: (line: string) => void): Promise<void> {
  for (let s = Math.floor(from / spec.perSpace); s < Math.ceil(to / spec.perSpace); s++) await mkdir(path.join(root, `SPACE_${s}`), { recursive: true });
  const batch: Promise<void>[] = [];
  for (let i = from; i < to; i++) {
    const asset = exportAsset(spec, i);
    batch.push(writeFile(fileOf(root, asset), JSON.stringify(csnOf(asset), null, 1)));
    if (batch.length === 256) await Promise.all(batch.splice(0));
    if (i > 0 && i % 100_000 === 0) log(`  export: ${i} files`);
  }
  await Promise.all(batch);
}

/** Rewrites the files of the assets that change in `generation`; returns how many. */
export async function changeExport(root: string, spec: ExportSpec, generation: number): Promise<number> {
  let changed = 0;
  const batch: Promise<void>[] = [];
  for (let i = 0; i < spec.assets; i++) {
    if (!changedIn(spec, i, generation)) continue;
    const asset = exportAsset(spec, i, generation);
    batch.push(writeFile(fileOf(root, asset), JSON.stringify(csnOf(asset), null, 1)));
    changed += 1;
    if (batch.length === 256) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  return changed;
}

/**
 * Writes every file of the export again with the bytes it has, through a new file renamed over it (a new inode and
 * time): what a nightly re-export of an unchanged tenant, or a fresh checkout of the export's repository, leaves.
 * Returns how many files.
 */
export async function rewriteExport(root: string): Promise<number> {
  let count = 0;
  const batch: Promise<void>[] = [];
  const rewrite = async (file: string) => {
    await writeFile(`${file}.new`, await readFile(file));
    await rename(`${file}.new`, file);
  };
  for (const space of await readdir(root)) {
    for (const name of await readdir(path.join(root, space))) {
      batch.push(rewrite(path.join(root, space, name)));
      count += 1;
      if (batch.length === 256) await Promise.all(batch.splice(0));
    }
  }
  await Promise.all(batch);
  return count;
}
