import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseSeed, SeededRandom } from './seeded-random.ts';

/*
 * Bad input made from the corpus exports (test/fixtures/corpus/csn): each case is one export file, its
 * definitions renamed under a per-case prefix so that cases never share an asset, with one mutation applied.
 * Generation is pure and seeded: case N of seed S is always the same bytes.
 */

export const CORPUS_CSN = fileURLToPath(new URL('../../fixtures/corpus/csn/', import.meta.url));

export const MUTATION_KINDS = [
  'drop',
  'retype',
  'duplicate',
  'huge-string',
  'deep-nesting',
  'invalid-utf8',
  'hostile-name',
  'hostile-space',
  'case-collision',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** What the run must make of a case, beyond accounting for every asset it defines. */
export type Expectation =
  /** The whole file is refused with this reason (its assets are unknown). */
  | { kind: 'file-fails'; reason: string }
  /** This definition fails with a reason matching `reason`. */
  | { kind: 'name-fails'; name: string; reason: string }
  /** This definition, hostile but valid, is synced. */
  | { kind: 'name-syncs'; name: string }
  /** Two definitions that land on one table: both reported, neither written. */
  | { kind: 'names-collide'; names: [string, string] }
  /** Nothing specific: every asset synced or reported with a reason. */
  | { kind: 'accounted' };

export interface FuzzCase {
  index: number;
  seed: number;
  kind: MutationKind;
  /** Corpus file the case was made from. */
  from: string;
  /** Export file name: `<main>.json`. */
  file: string;
  /** The file's main object name (the file name without `.json`). */
  mainName: string;
  bytes: Buffer;
  /** The document as written; undefined when the bytes are not valid UTF-8. */
  doc?: Record<string, unknown>;
  detail: string;
  expect: Expectation;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Doc = { definitions: Record<string, Json>; businessLayerDefinitions?: Record<string, Json>; [key: string]: Json | undefined };

interface CorpusFile {
  file: string;
  main: string;
  doc: Doc;
}

let corpus: CorpusFile[] | undefined;

function loadCorpus(): CorpusFile[] {
  corpus ??= readdirSync(CORPUS_CSN)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, main: file.replace(/\.json$/, ''), doc: JSON.parse(readFileSync(path.join(CORPUS_CSN, file), 'utf8')) as Doc }));
  return corpus;
}

/** A corpus file with every definition name `N` written `<prefix>_N`, in keys and in every value that names it. */
export function prefixedCopy(source: CorpusFile, prefix: string): { doc: Doc; main: string; names: Map<string, string> } {
  const names = new Map(Object.keys(source.doc.definitions).map((name) => [name, `${prefix}_${name}`]));
  const rename = (value: Json): Json => {
    if (typeof value === 'string') return names.get(value) ?? value;
    if (Array.isArray(value)) return value.map(rename);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v)]));
    return value;
  };
  const doc = rename(structuredClone(source.doc) as Json) as Doc;
  doc.definitions = Object.fromEntries(Object.entries(doc.definitions).map(([name, def]) => [names.get(name) ?? name, def]));
  if (doc.businessLayerDefinitions) {
    doc.businessLayerDefinitions = Object.fromEntries(Object.entries(doc.businessLayerDefinitions).map(([name, def]) => [names.get(name) ?? name, def]));
  }
  return { doc, main: `${prefix}_${source.main}`, names };
}

/** A pristine prefixed copy of a small corpus file: control assets that every round must sync. */
export function controlFile(prefix: string, corpusFile = 'SalesOrders.json'): { file: string; bytes: Buffer; names: string[] } {
  const source = loadCorpus().find((c) => c.file === corpusFile);
  if (!source) throw new Error(`no corpus file ${corpusFile}`);
  const { doc, main } = prefixedCopy(source, prefix);
  return { file: `${main}.json`, bytes: Buffer.from(JSON.stringify(doc)), names: Object.keys(doc.definitions) };
}

export function makeCase(runSeed: number, index: number): FuzzCase {
  const seed = caseSeed(runSeed, index);
  const rng = new SeededRandom(seed);
  const source = rng.pick(loadCorpus());
  const prefix = `C${index}`;
  const { doc, main } = prefixedCopy(source, prefix);
  // The editor's UI state is most of a large export's bytes and nothing the parser reads: kept in a tenth of
  // the cases (so it is still fuzzed), left out of the rest to keep a thousand cases quick.
  if (!rng.chance(0.1)) delete doc['editorSettings'];
  const kind = rng.pick(MUTATION_KINDS);
  const base = { index, seed, kind, from: source.file, file: `${main}.json`, mainName: main };
  const entities = Object.keys(doc.definitions).filter((name) => isEntity(doc.definitions[name]));

  switch (kind) {
    case 'drop': {
      const target = pickPath(doc as unknown as Json, rng);
      removeAt(doc as unknown as Json, target);
      return finish(base, doc, `dropped ${describePath(target)}`, { kind: 'accounted' });
    }
    case 'retype': {
      const target = pickPath(doc as unknown as Json, rng);
      const value = rng.pick<Json>([null, 0, -1, 1e308, 'x', '', true, false, [], {}, [1, 'a', null], { kind: 'entity' }, { '#': 'X' }]);
      setAt(doc as unknown as Json, target, structuredClone(value));
      return finish(base, doc, `retyped ${describePath(target)} to ${JSON.stringify(value)}`, { kind: 'accounted' });
    }
    case 'duplicate': {
      const variant = rng.int(0, 2);
      if (variant === 0 && entities.length > 0) {
        const name = rng.pick(entities);
        doc.definitions[`${name}_dup`] = structuredClone(doc.definitions[name] as Json);
        return finish(base, doc, `duplicated definition ${name}`, { kind: 'accounted' });
      }
      const target = pickPath(doc as unknown as Json, rng);
      duplicateAt(doc as unknown as Json, target);
      return finish(base, doc, `duplicated ${describePath(target)}`, { kind: 'accounted' });
    }
    case 'huge-string': {
      // 4 to 128 KB, and now and then a megabyte (each costs the naming and hashing of a run dearly).
      const size = rng.chance(0.12) ? 2 ** 20 : 2 ** rng.int(12, 17);
      const huge = hugeString(rng, size);
      const variant = rng.next();
      if (variant < 0.35 && entities.length > 0) {
        const name = rng.pick(entities);
        renameDefinition(doc, name, `${prefix}_${huge}`);
        return finish(base, doc, `definition ${name} renamed to a ${size}-character name`, { kind: 'accounted' });
      }
      const withElements = entities.filter((name) => Object.keys(elementsOf(doc, name)).length > 0);
      if (variant < 0.6 && withElements.length > 0) {
        // A huge element name in a broken element: the failure quotes the name, and must stay short.
        const name = rng.pick(withElements);
        const elements = elementsOf(doc, name);
        const element = rng.pick(Object.keys(elements));
        const renamed = Object.fromEntries(Object.entries(elements).map(([k, v]) => (k === element ? [huge, { type: 42, length: -1 }] : [k, v])));
        (doc.definitions[name] as Record<string, Json>)['elements'] = renamed;
        return finish(base, doc, `element ${name}.${element} renamed to ${size} characters, its type malformed`, { kind: 'name-fails', name, reason: '…' });
      }
      const target = pickPath(doc as unknown as Json, rng, (value) => typeof value === 'string');
      setAt(doc as unknown as Json, target, huge);
      return finish(base, doc, `${describePath(target)} set to ${size} characters`, { kind: 'accounted' });
    }
    case 'deep-nesting': {
      // Written as text: JSON.stringify itself gives up on nesting this deep, JSON.parse must not.
      const depth = rng.int(500, 5000);
      const target = pickPath(doc as unknown as Json, rng);
      const inner = JSON.stringify(getAt(doc as unknown as Json, target)) ?? 'null';
      setAt(doc as unknown as Json, target, DEEP);
      let open = '';
      let close = '';
      for (let i = 0; i < depth; i += 1) {
        open += i % 2 === 0 ? '[' : '{"n":';
        close = (i % 2 === 0 ? ']' : '}') + close;
      }
      const text = JSON.stringify(doc).replace(JSON.stringify(DEEP), () => `${open}${inner}${close}`);
      return { ...base, doc: doc as unknown as Record<string, unknown>, bytes: Buffer.from(text), detail: `${describePath(target)} nested ${depth} levels deep`, expect: { kind: 'accounted' } };
    }
    case 'invalid-utf8': {
      const text = Buffer.from(JSON.stringify(doc));
      const bad = rng.pick([[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0x80], [0xfe, 0xfe]]);
      const at = rng.int(0, text.length);
      const bytes = Buffer.concat([text.subarray(0, at), Buffer.from(bad), text.subarray(at)]);
      return { ...base, bytes, detail: `bytes ${bad.map((b) => b.toString(16)).join(' ')} at offset ${at}`, expect: { kind: 'file-fails', reason: 'not valid UTF-8' } };
    }
    case 'hostile-name': {
      if (entities.length === 0) return finish(base, doc, 'no entity to rename', { kind: 'accounted' });
      const name = rng.pick(entities);
      const hostile = rng.pick([
        { name: `../../${prefix}`, ok: true },
        { name: `${prefix}/../../escape`, ok: true },
        { name: `/${prefix}`, ok: true },
        { name: `${prefix}/`, ok: true },
        { name: `..${prefix}`, ok: true },
        { name: `${prefix}_${'Ä'.repeat(150)}`, ok: true }, // 300 bytes of UTF-8
        { name: `${prefix} with spaces`, ok: true },
        { name: `${prefix}_日本語`, ok: true },
        { name: `${prefix}\u0000x`, ok: false },
        { name: `${prefix}\nx`, ok: false },
        { name: `\u0000${prefix}`, ok: false },
        { name: `${prefix}\r\n`, ok: false },
        { name: `${prefix}\ty`, ok: false },
      ]);
      renameDefinition(doc, name, hostile.name);
      const detail = `definition ${name} renamed to ${JSON.stringify(hostile.name)}`;
      return finish(base, doc, detail, hostile.ok ? { kind: 'name-syncs', name: hostile.name } : { kind: 'name-fails', name: hostile.name, reason: 'control character' });
    }
    case 'hostile-space': {
      if (entities.length === 0) return finish(base, doc, 'no entity to move', { kind: 'accounted' });
      const name = rng.pick(entities);
      // A space may not hold "/": it separates space and name in an asset id.
      const space = rng.pick([
        { name: `..${prefix}`, reason: undefined },
        { name: `${prefix} space`, reason: undefined },
        { name: `${prefix}.x`, reason: undefined },
        { name: `${prefix}日本`, reason: undefined },
        { name: `../../${prefix}`, reason: '"/"' },
        { name: `/etc/${prefix}`, reason: '"/"' },
        { name: `SALES/../${prefix}`, reason: '"/"' },
        { name: `${prefix}\u0000`, reason: 'control character' },
        { name: `${prefix}\n..`, reason: 'control character' },
      ]);
      (doc.definitions[name] as Record<string, Json>)['@DataWarehouse.space.name'] = space.name;
      const detail = `definition ${name} put in space ${JSON.stringify(space.name)}`;
      return finish(base, doc, detail, space.reason === undefined ? { kind: 'name-syncs', name } : { kind: 'name-fails', name, reason: space.reason });
    }
    case 'case-collision': {
      if (entities.length === 0) return finish(base, doc, 'no entity to copy', { kind: 'accounted' });
      const name = rng.pick(entities);
      const variant = `${prefix.toLowerCase()}${name.slice(prefix.length)}`;
      doc.definitions[variant] = structuredClone(doc.definitions[name] as Json);
      return finish(base, doc, `definition ${name} copied as ${variant}`, { kind: 'names-collide', names: [name, variant] });
    }
  }
}

function finish(base: Omit<FuzzCase, 'bytes' | 'detail' | 'expect' | 'doc'>, doc: Doc, detail: string, expect: Expectation): FuzzCase {
  return { ...base, doc: doc as unknown as Record<string, unknown>, bytes: Buffer.from(JSON.stringify(doc)), detail, expect };
}

function elementsOf(doc: Doc, name: string): Record<string, Json> {
  const definition = doc.definitions[name];
  const elements = definition !== null && typeof definition === 'object' && !Array.isArray(definition) ? definition['elements'] : undefined;
  return elements !== null && typeof elements === 'object' && !Array.isArray(elements) && elements !== undefined ? elements : {};
}

function isEntity(value: Json | undefined): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && (value['kind'] === 'entity' || value['kind'] === 'view');
}

/** Renames a definition and every value that names it; the name may be hostile. */
function renameDefinition(doc: Doc, from: string, to: string): void {
  const rename = (value: Json): Json => {
    if (value === from) return to;
    if (Array.isArray(value)) return value.map(rename);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v)]));
    return value;
  };
  doc.definitions = Object.fromEntries(Object.entries(doc.definitions).map(([name, def]) => [name === from ? to : name, rename(def)]));
  if (doc.businessLayerDefinitions) {
    doc.businessLayerDefinitions = Object.fromEntries(Object.entries(doc.businessLayerDefinitions).map(([name, def]) => [name === from ? to : name, rename(def)]));
  }
}

type Segment = string | number;

/** Stands in for a deeply nested value until the document is written out. */
const DEEP = '\u0001deep\u0001';

/**
 * A random path into the document, weighted towards what the parser reads: most picks fall inside
 * `definitions` and `businessLayerDefinitions`, some anywhere, the document root's own keys included.
 */
function pickPath(root: Json, rng: SeededRandom, accept: (value: Json) => boolean = () => true): Segment[] {
  const candidates: Segment[][] = [];
  const limit = 20_000;
  const walk = (value: Json, at: Segment[]): void => {
    if (candidates.length >= limit) return;
    if (at.length > 0 && accept(value)) candidates.push(at);
    if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...at, i]));
    else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, [...at, key]);
  };
  const start: Segment[] = rng.chance(0.85) ? [rng.chance(0.8) || root === null || typeof root !== 'object' || !('businessLayerDefinitions' in root) ? 'definitions' : 'businessLayerDefinitions'] : [];
  walk(start.length > 0 ? getAt(root, start) : root, start);
  if (candidates.length === 0) walk(root, []);
  return candidates.length > 0 ? rng.pick(candidates) : ['definitions'];
}

function getAt(root: Json, at: readonly Segment[]): Json {
  let value: Json = root;
  for (const segment of at) value = (value as Record<string, Json>)[segment as string] as Json;
  return value;
}

function setAt(root: Json, at: readonly Segment[], value: Json): void {
  const parent = getAt(root, at.slice(0, -1)) as Record<string, Json>;
  parent[at[at.length - 1] as string] = value;
}

function removeAt(root: Json, at: readonly Segment[]): void {
  const parent = getAt(root, at.slice(0, -1));
  const last = at[at.length - 1] as Segment;
  if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete (parent as Record<string, Json>)[last as string];
}

function duplicateAt(root: Json, at: readonly Segment[]): void {
  const parent = getAt(root, at.slice(0, -1));
  const last = at[at.length - 1] as Segment;
  const copy = structuredClone(getAt(root, at));
  if (Array.isArray(parent)) parent.splice((last as number) + 1, 0, copy);
  else (parent as Record<string, Json>)[`${String(last)}_dup`] = copy;
}

function describePath(at: readonly Segment[]): string {
  return at.length === 0 ? '(root)' : at.map((s) => (typeof s === 'number' ? `[${s}]` : JSON.stringify(s).length > 60 ? `${JSON.stringify(s).slice(0, 57)}…"` : JSON.stringify(s))).join('.');
}

function hugeString(rng: SeededRandom, size: number): string {
  const alphabet = 'abcXYZ_09 .-/ÄéЖ日本';
  const unit = Array.from({ length: 64 }, () => rng.pick([...alphabet])).join('');
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}
