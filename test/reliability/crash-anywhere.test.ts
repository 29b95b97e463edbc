import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetTablesCommand } from '@aws-sdk/client-glue';
import type { GlueClient } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpointFile } from '../../src/state/checkpoint-file.ts';
import { validateCheckpointFile } from '../../src/state/validate-checkpoint-file.ts';
import { motoEndpoint, otherTool, uniquePrefix } from '../setup/glue-test-support.ts';
import { runCli } from '../support/run-cli.ts';
import { changedInV2, writeCrashCatalog } from './support/crash-catalog.ts';
import { GlueRequestProxy } from './support/glue-request-proxy.ts';
import { caseSeed, SeededRandom } from './fuzz/seeded-random.ts';

/*
 * Crash anywhere: a real `catalog-sync sync` (a child process, the built CLI) against moto, killed with SIGKILL at a
 * point drawn from a seeded random over the whole run — while it starts and reads the export, at the Nth Glue
 * request (let through to moto, or cut before it got there), while a checkpoint flush appends to the journal, while
 * the end of the run writes the checkpoint file — then run again. Each trial syncs into a Glue database of its own,
 * either a first sync or a second one carrying every kind of change (updates, new columns, deletions, new tables).
 *
 * After the rerun: the catalog equals the one an uninterrupted run made (timestamps and versions aside), the
 * checkpoint validates and every entry holds its table's version (what drift detection compares), and — counted by a
 * proxy in front of moto, independent of our code — every table the run had to write was written exactly once across
 * the killed run and its rerun. That is the at-least-once bound this asserts: one write per table per intended
 * content. A write that reached Glue before the kill is found by the rerun already holding its hashes (each table
 * carries its asset id and the hashes it was written from) and only recorded, never written again.
 *
 * CRASH_TRIALS (default 20) sets the number of trials, CRASH_SEED the seed; `npm run test:soak` runs 200.
 */
const TRIALS = positiveInt(process.env['CRASH_TRIALS'], 20);
const SEED = positiveInt(process.env['CRASH_SEED'], 20251202);
const BIN = fileURLToPath(new URL('../../bin/catalog-sync.js', import.meta.url));
const SPACE = 'CRASH';

function positiveInt(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

type Kind = 'first' | 'second';
type Phase = 'start' | 'request' | 'flush' | 'compaction';

interface Trial {
  index: number;
  dir: string;
  prefix: string;
  database: string;
  configFile: string;
  checkpointDir: string;
}

/** What an uninterrupted run of a kind looks like: the catalog it leaves, and where its kill points lie. */
interface Reference {
  tables: Record<string, unknown>;
  /** Glue requests of the measured run. */
  requests: number;
  /** Journal events (appends) seen while it ran. */
  journalEvents: number;
  /** Milliseconds from spawn to its first Glue request. */
  firstRequestMs: number;
}

let root: string;
let exports: { v1: string; v2: string };
let proxy: GlueRequestProxy;
let glue: GlueClient;
const references = new Map<Kind, Reference>();
const tally = { killed: 0, byPhase: new Map<string, number>() };

async function newTrial(label: string | number): Promise<Trial> {
  const prefix = uniquePrefix(`crash${label}`);
  const dir = path.join(root, `trial-${label}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'checkpoints'), { recursive: true });
  return { index: Number(label), dir, prefix, database: `${prefix}${SPACE.toLowerCase()}`, configFile: path.join(dir, 'config.json'), checkpointDir: path.join(dir, 'checkpoints') };
}

async function configure(trial: Trial, exportDir: string): Promise<void> {
  await writeFile(
    trial.configFile,
    JSON.stringify({
      job: { name: 'crash' },
      source: { type: 'csn-files', path: exportDir, space: SPACE },
      // moto ignores VersionId, so updates are read first (as the moto example config has it).
      target: { type: 'glue', endpoint: proxy.endpoint, region: 'us-east-1', databasePrefix: trial.prefix, skipArchive: true, writeUnread: false, maxAttempts: 2 },
      // Flushes every few writes, so kills land between, during and after journal appends.
      checkpoints: { dir: trial.checkpointDir, flushEvery: 5, flushIntervalMs: 0, backups: { keep: 3, maxAgeDays: 0 } },
      sync: { concurrency: 4 },
      history: { file: path.join(trial.dir, 'history.jsonl'), changeLog: path.join(trial.dir, 'change-log.jsonl') },
      logging: { level: 'silent' },
    }),
  );
}

function spawnSync(trial: Trial): ChildProcess {
  return spawn(process.execPath, [BIN, 'sync', '--json', '--config', trial.configFile], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the CLI in this process (same entry point, no start-up cost): setup runs and reruns, never killed. */
async function syncHere(trial: Trial): Promise<Record<string, any>> {
  const result = await runCli(['sync', '--json', '--config', trial.configFile]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, any>;
}

/** The journal appends and snapshot writes in the checkpoint folder, as they happen. */
function watchCheckpoints(dir: string, on: (event: 'journal' | 'snapshot-temp') => void): () => void {
  const watcher = watch(dir, (_type, name) => {
    if (name === null) return;
    if (name.endsWith('_checkpoints.journal')) on('journal');
    else if (/_checkpoints\.json\.\d+\.[0-9a-f]+\.tmp$/.test(name)) on('snapshot-temp');
  });
  return () => watcher.close();
}

async function tablesOf(database: string): Promise<Record<string, unknown>> {
  const out = await glue.send(new GetTablesCommand({ DatabaseName: database }));
  const tables: Record<string, unknown> = {};
  for (const table of out.TableList ?? []) {
    const { CreateTime, UpdateTime, LastAccessTime, LastAnalyzedTime, VersionId, DatabaseName, CatalogId, IsRegisteredWithLakeFormation, CreatedBy, ...rest } = table;
    tables[table.Name!] = rest;
  }
  return tables;
}

/** An uninterrupted run of `kind`, measured: its catalog, its Glue requests, its journal appends, its first request. */
async function measure(kind: Kind): Promise<Reference> {
  const trial = await newTrial(`reference-${kind}`);
  await configure(trial, exports.v1);
  if (kind === 'second') {
    await syncHere(trial);
    await configure(trial, exports.v2);
  }
  proxy.reset();
  let journalEvents = 0;
  const stop = watchCheckpoints(trial.checkpointDir, (event) => {
    if (event === 'journal') journalEvents += 1;
  });
  let firstRequestMs = 0;
  const started = Date.now();
  proxy.onRequest = () => {
    if (firstRequestMs === 0) firstRequestMs = Date.now() - started;
    return 'forward';
  };
  const child = spawnSync(trial);
  child.stdout!.resume();
  child.stderr!.resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  stop();
  proxy.onRequest = undefined;
  expect(code).toBe(0);
  return { tables: await tablesOf(trial.database), requests: proxy.exchanges.length, journalEvents, firstRequestMs };
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'reliability-crash-'));
  exports = await writeCrashCatalog(path.join(root, 'export'));
  proxy = await GlueRequestProxy.start(motoEndpoint());
  glue = otherTool(motoEndpoint());
  references.set('first', await measure('first'));
  references.set('second', await measure('second'));
}, 120_000);

afterAll(async () => {
  console.log(`crash-anywhere: ${TRIALS} trials (seed ${SEED}), ${tally.killed} killed mid-run: ${[...tally.byPhase].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  glue?.destroy();
  await proxy?.close();
  await rm(root, { recursive: true, force: true });
});

describe(`a sync killed with SIGKILL anywhere (${TRIALS} seeded trials against moto)`, () => {
  it.each(Array.from({ length: TRIALS }, (_, i) => i))('trial %i: the rerun converges to the uninterrupted catalog, writing each table once', { timeout: 120_000 }, async (index) => {
    const random = new SeededRandom(caseSeed(SEED, index));
    const kind: Kind = random.chance(0.5) ? 'first' : 'second';
    const phase: Phase = random.pick(['start', 'request', 'request', 'request', 'flush', 'compaction'] as const);
    const reference = references.get(kind)!;
    const trial = await newTrial(index);
    await configure(trial, exports.v1);
    if (kind === 'second') {
      await syncHere(trial);
      await configure(trial, exports.v2);
    }
    proxy.reset();

    // The kill point.
    const child = spawnSync(trial);
    child.stdout!.resume();
    child.stderr!.resume();
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const kill = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
    let stopWatching = () => {};
    let timer: NodeJS.Timeout | undefined;
    let where = phase as string;
    if (phase === 'start') {
      const delay = random.int(Math.floor(reference.firstRequestMs / 2), Math.max(1, reference.firstRequestMs));
      timer = setTimeout(kill, delay);
    } else if (phase === 'request') {
      const at = random.int(1, reference.requests);
      const letThrough = random.chance(0.5);
      where = `request ${at}/${reference.requests} ${letThrough ? 'through' : 'cut'}`;
      proxy.onRequest = (request) => {
        if (request.seq !== at) return 'forward';
        kill();
        return letThrough ? 'forward' : 'drop';
      };
    } else {
      const at = phase === 'flush' ? random.int(1, Math.max(1, reference.journalEvents)) : 1;
      let seen = 0;
      stopWatching = watchCheckpoints(trial.checkpointDir, (event) => {
        if ((phase === 'flush' && event === 'journal') || (phase === 'compaction' && event === 'snapshot-temp')) {
          if (++seen === at) kill();
        }
      });
    }
    const signal = await exited;
    clearTimeout(timer);
    stopWatching();
    proxy.onRequest = undefined;
    if (signal === 'SIGKILL') {
      tally.killed += 1;
      const key = phase === 'request' ? 'request' : phase;
      tally.byPhase.set(key, (tally.byPhase.get(key) ?? 0) + 1);
    }

    // The rerun, through the same proxy: everything the killed run left undone, nothing it did again.
    const rerun = await syncHere(trial);
    expect(rerun['status'], `${kind} sync killed at ${where}`).toBe('ok');
    expect(await tablesOf(trial.database), `${kind} sync killed at ${where}`).toEqual(reference.tables);

    const writes = proxy.acceptedWrites(trial.database);
    const mustWrite = kind === 'first' ? new Set(Object.keys(reference.tables)) : changedInV2();
    for (const table of new Set([...mustWrite, ...writes.keys()])) {
      expect(writes.get(table) ?? 0, `${table} writes (${kind} sync killed at ${where})`).toBe(mustWrite.has(table) ? 1 : 0);
    }

    const file = path.join(trial.checkpointDir, 'crash@datasphere_checkpoints.json');
    expect((await validateCheckpointFile(file)).ok).toBe(true);
    const read = await readCheckpointFile(file, 'datasphere');
    expect(read.exists && read.ok).toBe(true);
    if (!read.exists || !read.ok) return;
    const entries = [...read.document.entries.values()].map((stored) => stored.entry);
    expect(entries.map((e) => e.target.table).sort()).toEqual(Object.keys(reference.tables).sort());
    for (const entry of entries) {
      expect(entry.target.database).toBe(trial.database);
      expect(entry.target.version, `${entry.assetId} has no target version (${kind} sync killed at ${where})`).toMatch(/^\d+$/);
    }
    // A killed run's temp files are cleared by the next one; its lock was taken over.
    expect((await readdir(trial.checkpointDir)).filter((name) => /\.(tmp|new|lock)$/.test(name))).toEqual([]);
    await rm(trial.dir, { recursive: true, force: true });
  });

  it('killed at least three runs in four before they ended (a run that finished first proves less)', () => {
    expect(tally.killed).toBeGreaterThanOrEqual(Math.ceil(TRIALS * 0.75));
  });
});
