import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CsnFilesSource } from '../../../src/connectors/csn-files/csn-files-source.ts';
import { FileTarget } from '../../../src/connectors/file/file-target.ts';
import type { ExtractOptions, Source, SpaceExtract } from '../../../src/catalog/source.ts';
import type { Traffic } from '../../../src/catalog/traffic.ts';
import { runSync } from '../../../src/engine/run-sync.ts';
import { loadMapping } from '../../../src/mapping/load-mapping.ts';
import { openCheckpointStore } from '../../../src/state/file-checkpoint-store.ts';
import { baseOptions } from '../../support/file-scenario.ts';
import { controlFile, makeCase } from './csn-mutations.ts';
import type { FuzzCase } from './csn-mutations.ts';
import { caseOutcome, checkRound, checkSourceCase, clip } from './fuzz-checks.ts';

/*
 * Runs fuzz cases in a process of its own, one message at a time, so the parent can bound the time they take
 * and kill this process when one hangs (even in a synchronous loop) or crashes it.
 *
 *   { type: 'round', round, indices } → the cases' export files, with two control files, through runSync: the
 *       csn-files source (its extracts recorded and checked per case) into the file target
 *   { type: 'case', index } → one case through the csn-files source alone: how the parent finds which case of
 *       a round that hung or crashed was the culprit
 */

export type ChildRequest =
  | { type: 'case'; index: number }
  | { type: 'round'; round: number; indices: number[] };

export type ChildReply =
  | { type: 'case-done'; index: number; kind: string; problems: string[] }
  | { type: 'round-done'; round: number; problems: string[]; kinds: string[]; written: number; failed: number };

const seed = Number(process.env['FUZZ_SEED_VALUE']);
const sandbox = process.env['FUZZ_SANDBOX'] as string;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** The source as the engine sees it, keeping a copy of every extract it hands over. */
class RecordingSource implements Source {
  readonly extracts: SpaceExtract[] = [];
  readonly type: string;
  readonly system: string;

  constructor(private readonly inner: Source) {
    this.type = inner.type;
    this.system = inner.system;
  }

  listSpaces(): Promise<string[]> {
    return this.inner.listSpaces();
  }

  async extractSpace(space: string, options: ExtractOptions): Promise<SpaceExtract> {
    const extract = await this.inner.extractSpace(space, options);
    this.extracts.push(extract);
    return extract;
  }

  traffic(): Traffic {
    return this.inner.traffic();
  }
}

function describeCase(fuzz: FuzzCase): string {
  return `case ${fuzz.index} (${fuzz.kind}, ${fuzz.from}: ${clip(fuzz.detail, 120)})`;
}

async function runCase(index: number): Promise<ChildReply> {
  const fuzz = makeCase(seed, index);
  const folder = path.join(sandbox, 'cases', String(index));
  await mkdir(folder, { recursive: true });
  try {
    await writeFile(path.join(folder, fuzz.file), fuzz.bytes);
    const source = new CsnFilesSource({ path: folder, space: 'SALES' });
    const extracts: SpaceExtract[] = [];
    for (const space of await source.listSpaces()) extracts.push(await source.extractSpace(space, { known: new Map() }));
    const problems = checkSourceCase(fuzz, caseOutcome(index, extracts)).map((p) => `${describeCase(fuzz)}: ${p}`);
    return { type: 'case-done', index, kind: fuzz.kind, problems };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function runRound(round: number, indices: number[]): Promise<ChildReply> {
  const root = path.join(sandbox, `round-${round}`);
  const exportDir = path.join(root, 'export');
  await mkdir(exportDir, { recursive: true });
  const cases = indices.map((i) => makeCase(seed, i));
  const controls = [controlFile(`G${round}`), controlFile(`H${round}`, 'Addresses_View_GEO.json')];
  const kinds = cases.map((c) => c.kind);
  const fail = (problem: string): ChildReply => ({ type: 'round-done', round, problems: [problem], kinds, written: 0, failed: 0 });
  try {
    for (const fuzz of cases) await writeFile(path.join(exportDir, fuzz.file), fuzz.bytes);
    for (const control of controls) await writeFile(path.join(exportDir, control.file), control.bytes);
    const checkpoints = await openCheckpointStore({ dir: path.join(root, 'checkpoints'), sourceSystem: 'datasphere', flushEvery: 1000, backups: { keep: 1, maxAgeDays: 0 } });
    const target = new FileTarget({ path: path.join(root, 'target'), databasePrefix: 'ds_', job: 'catalog-sync', mapping: await loadMapping() });
    const source = new RecordingSource(new CsnFilesSource({ path: exportDir, space: 'SALES' }));
    let summary;
    try {
      ({ summary } = await runSync({ ...baseOptions, concurrency: 8 }, { source, target, checkpoints, logger: silent }));
    } catch (error) {
      return fail(`round ${round}: runSync threw ${clip(String((error as Error)?.stack ?? error), 600)}`);
    } finally {
      await checkpoints.flush();
    }

    const problems: string[] = [];
    const extractedIds = new Map<number, string[]>();
    for (const fuzz of cases) {
      const outcome = caseOutcome(fuzz.index, source.extracts);
      extractedIds.set(fuzz.index, outcome.items.map((a) => a.id));
      problems.push(...checkSourceCase(fuzz, outcome).map((p) => `${describeCase(fuzz)}: ${p}`));
    }
    const files = await listFiles(root);
    const roundProblems = checkRound(cases, { summary, extractedIds, controlIds: controls.flatMap((c) => c.names.map((name) => `SALES/${name}`)), files });
    problems.push(...roundProblems.map((p) => `round ${round} (cases ${indices[0]}–${indices[indices.length - 1]}): ${p}`));
    return { type: 'round-done', round, problems, kinds, written: summary.actions.filter((a) => a.outcome === 'done').length, failed: summary.failed.length };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function listFiles(root: string, relative = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, relative), { withFileTypes: true })) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(root, child)));
    else out.push(child);
  }
  return out;
}

process.on('message', (message: ChildRequest) => {
  const work = message.type === 'case' ? runCase(message.index) : runRound(message.round, message.indices);
  work.then(
    (reply) => process.send?.(reply),
    (error: unknown) => {
      // An error escaping the source or the engine is a crash of the case, reported, not a dead process.
      const text = clip(String((error as Error)?.stack ?? error), 600);
      const reply: ChildReply =
        message.type === 'case'
          ? { type: 'case-done', index: message.index, kind: '?', problems: [`case ${message.index} crashed: ${text}`] }
          : { type: 'round-done', round: message.round, problems: [`round ${message.round} crashed: ${text}`], kinds: [], written: 0, failed: 0 };
      process.send?.(reply);
    },
  );
});
process.send?.({ type: 'ready' });
