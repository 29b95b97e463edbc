import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CheckpointEntry } from '../catalog/checkpoint.ts';
import type { Target } from '../catalog/target.ts';
import type { Config } from '../config/config-schema.ts';
import { loadConfig } from '../config/load-config.ts';
import { backupsToPrune, createBackup, findNewestValidBackup, pruneBackups, scanBackups } from '../state/backups.ts';
import { readCheckpointFile } from '../state/checkpoint-file.ts';
import type { CheckpointOwner } from '../state/checkpoint-identity.ts';
import { checkpointPaths } from '../state/checkpoint-paths.ts';
import type { CheckpointPaths } from '../state/checkpoint-paths.ts';
import { CHECKPOINT_FORMAT_VERSION } from '../state/checkpoint-schema.ts';
import { diffCheckpoints } from '../state/diff-checkpoints.ts';
import type { CheckpointDiff } from '../state/diff-checkpoints.ts';
import { locateCheckpoint } from '../state/locate-checkpoint.ts';
import { acquireLock } from '../state/lock-file.ts';
import { rebuildEntries } from '../state/rebuild-entries.ts';
import { entriesOf, readForRepair, replaceCheckpoint } from '../state/replace-checkpoint.ts';
import type { ReplaceResult } from '../state/replace-checkpoint.ts';
import { CheckpointVersionError } from '../state/state-errors.ts';
import { createSource, createTarget } from './create-connectors.ts';

/*
 * `checkpoints rebuild | diff | forget | prune`. The ones that change something take the checkpoint lock (as sync
 * does), save what is there first (a backup, or a `.corrupt-` copy of a damaged file), and say what they changed;
 * with --dry-run they take no lock and change nothing. Each returns a plain object: the CLI prints it as text or,
 * with --json, as one JSON object.
 */

export interface RepairFlags {
  config: string;
  dryRun?: boolean;
  space?: string[];
}

interface Job {
  config: Config;
  paths: CheckpointPaths;
  sourceSystem: string;
}

async function jobOf(configFile: string): Promise<Job> {
  const { config } = await loadConfig(configFile);
  const sourceSystem = createSource(config).system;
  return { config, sourceSystem, paths: checkpointPaths(config.checkpoints.dir, sourceSystem, config.job.name) };
}

async function withTarget<T>(config: Config, use: (target: Target, owner: CheckpointOwner) => Promise<T>): Promise<T> {
  const target = await createTarget(config);
  try {
    return await use(target, { job: config.job.name, target: target.identity });
  } finally {
    await target.close?.();
  }
}

/** Runs a change under the checkpoint lock; a dry run takes none. */
async function locked<T>(paths: CheckpointPaths, dryRun: boolean, change: () => Promise<T>): Promise<T> {
  if (dryRun) return change();
  const lock = await acquireLock(paths.lock);
  try {
    return await change();
  } finally {
    await lock.release();
  }
}

/** A diff as the commands report it: entries by id, changed ones with the hashes and fields that moved. */
export function diffSummary(diff: CheckpointDiff) {
  return {
    added: diff.added.map((e) => e.assetId),
    removed: diff.removed.map((e) => e.assetId),
    changed: diff.changed.map((c) => ({ assetId: c.assetId, hashes: c.hashes, fields: c.fields })),
    unchanged: diff.unchanged,
  };
}

export type DiffSummary = ReturnType<typeof diffSummary>;

export interface RebuildReport {
  command: 'rebuild';
  dryRun: boolean;
  file: string;
  databases: string[];
  ownedTables: number;
  entries: number;
  skipped: { table: string; reason: string }[];
  duplicates: { assetId: string; tables: string[] }[];
  /** Against the checkpoint as it was (a damaged file: against its newest valid backup, if any). */
  comparedWith: 'checkpoint' | 'backup' | 'nothing';
  diff: DiffSummary;
  written?: ReplaceResult;
}

/**
 * `checkpoints rebuild`: the checkpoint rebuilt from the tables this job owns in the target and the hashes they
 * carry, for the spaces the source lists (or those given): a lost or corrupt checkpoint comes back such that the next
 * sync writes nothing. Entries of spaces left out of a `--space` rebuild are kept as they are.
 */
export async function rebuildCheckpoint(flags: RepairFlags, now = new Date()): Promise<RebuildReport> {
  const { config, paths, sourceSystem } = await jobOf(flags.config);
  const source = createSource(config);
  return withTarget(config, (target, owner) =>
    locked(paths, flags.dryRun === true, async () => {
      const current = await readForRepair(paths, owner, { readOnly: flags.dryRun === true });
      let before: CheckpointEntry[] = [];
      let comparedWith: RebuildReport['comparedWith'] = 'nothing';
      if (current.state === 'valid') {
        before = entriesOf(current, paths.file);
        comparedWith = 'checkpoint';
      } else {
        const found = await findNewestValidBackup((await locateCheckpoint(paths)).paths);
        if (found.document) {
          before = Array.from(found.document.entries.values(), (s) => s.entry);
          comparedWith = 'backup';
        }
      }
      const spaces = flags.space && flags.space.length > 0 ? flags.space : await source.listSpaces();
      const databases = [...new Set(spaces.map((s) => target.databaseFor(s)))].sort();
      const tables = await target.readState(databases);
      const rebuilt = rebuildEntries(tables, {
        job: config.job.name,
        sourceSystem,
        now,
        previous: new Map(before.map((e) => [e.assetId, e])),
      });
      // A partial rebuild keeps what it did not look at.
      const inScope = new Set(databases);
      const kept = flags.space && flags.space.length > 0 ? before.filter((e) => !inScope.has(e.target.database)) : [];
      const entries = [...kept, ...rebuilt.entries];
      const report: RebuildReport = {
        command: 'rebuild',
        dryRun: flags.dryRun === true,
        file: paths.file,
        databases,
        ownedTables: tables.filter((t) => t.owner === config.job.name).length,
        entries: entries.length,
        skipped: rebuilt.skipped,
        duplicates: rebuilt.duplicates,
        comparedWith,
        diff: diffSummary(diffCheckpoints(before, entries)),
      };
      if (!flags.dryRun) report.written = await replaceCheckpoint(paths, owner, current, entries, now);
      return report;
    }),
  );
}

export interface ForgetReport {
  command: 'forget';
  dryRun: boolean;
  file: string;
  forgotten: CheckpointEntry;
  written?: ReplaceResult;
}

/** `checkpoints forget <assetId>`: the entry goes, so the next run treats the asset as new (and records its table). */
export async function forgetEntry(assetId: string, flags: RepairFlags, now = new Date()): Promise<ForgetReport> {
  const { config, paths } = await jobOf(flags.config);
  return withTarget(config, (_target, owner) =>
    locked(paths, flags.dryRun === true, async () => {
      const current = await readForRepair(paths, owner, { readOnly: flags.dryRun === true });
      const entries = entriesOf(current, paths.file);
      const forgotten = entries.find((e) => e.assetId === assetId);
      if (!forgotten) throw Object.assign(new Error(`no checkpoint entry for ${assetId} in ${paths.file}`), { code: 'ENTRY_NOT_FOUND' });
      const report: ForgetReport = { command: 'forget', dryRun: flags.dryRun === true, file: paths.file, forgotten };
      if (!flags.dryRun) {
        report.written = await replaceCheckpoint(paths, owner, current, entries.filter((e) => e.assetId !== assetId), now);
      }
      return report;
    }),
  );
}

export interface PruneReport {
  command: 'prune';
  dryRun: boolean;
  backupDir: string;
  /** The backup of the current file taken first (so the newest state always survives). */
  backup?: string;
  deleted: string[];
  kept: number;
}

/** `checkpoints prune`: backup retention (`checkpoints.backups`) applied now, after a fresh backup of the file. */
export async function pruneCheckpointBackups(flags: RepairFlags, now = new Date()): Promise<PruneReport> {
  const { config, paths } = await jobOf(flags.config);
  const retention = config.checkpoints.backups;
  return locked(paths, flags.dryRun === true, async () => {
    const located = flags.dryRun ? (await locateCheckpoint(paths)).paths : paths;
    const report: PruneReport = { command: 'prune', dryRun: flags.dryRun === true, backupDir: located.backupDir, deleted: [], kept: 0 };
    if (flags.dryRun) {
      report.deleted = (await backupsToPrune(located, retention, now)).map((b) => b.path);
    } else {
      const current = await readCheckpointFile(paths.file, paths.sourceSystem);
      if (current.exists && current.ok) {
        const backup = await createBackup(paths, now);
        if (backup) report.backup = backup.path;
      }
      report.deleted = await pruneBackups(paths, retention, now, report.backup ? { knownValid: report.backup } : {});
    }
    report.kept = (await scanBackups(located)).length - (flags.dryRun ? report.deleted.length : 0);
    return report;
  });
}

export interface DiffReport {
  command: 'diff';
  a: string;
  b: string;
  diff: DiffSummary;
}

/**
 * `checkpoints diff A [B]`: two checkpoint files, or backups (by name, as `checkpoints backups` lists them) and the
 * current file (`current`, the default B). Reads only. A file that is not a valid checkpoint is an error naming
 * every problem; one of a newer format is refused like everywhere else.
 */
export async function diffCheckpointFiles(a: string, b: string | undefined, flags: RepairFlags): Promise<DiffReport> {
  const { config, paths, sourceSystem } = await jobOf(flags.config);
  const located = (await locateCheckpoint(paths)).paths;
  const fileA = resolveSpec(a, located);
  const fileB = resolveSpec(b ?? 'current', located);
  // The current checkpoint as the store serves it (changes kept beside the file included); backups as they are.
  const load = async (file: string): Promise<CheckpointEntry[]> => {
    if (file !== located.file) return loadEntries(file, sourceSystem);
    return withTarget(config, async (_target, owner) => entriesOf(await readForRepair(paths, owner, { readOnly: true }), file));
  };
  const [entriesA, entriesB] = [await load(fileA), await load(fileB)];
  return { command: 'diff', a: fileA, b: fileB, diff: diffSummary(diffCheckpoints(entriesA, entriesB)) };
}

function resolveSpec(spec: string, paths: CheckpointPaths): string {
  if (spec === 'current') return paths.file;
  if (spec.includes('/') || spec.includes(path.sep) || existsSync(spec)) return path.resolve(spec);
  return path.join(paths.backupDir, spec);
}

async function loadEntries(file: string, sourceSystem: string): Promise<CheckpointEntry[]> {
  const result = await readCheckpointFile(file, sourceSystem);
  if (!result.exists) throw Object.assign(new Error(`${file} does not exist`), { code: 'ENOENT' });
  if (!result.ok) {
    if (result.unsupportedVersion !== undefined) throw new CheckpointVersionError(file, result.unsupportedVersion, CHECKPOINT_FORMAT_VERSION);
    const problems = result.problems.slice(0, 5).join('; ') + (result.problems.length > 5 ? `; … ${result.problems.length - 5} more` : '');
    throw Object.assign(new Error(`${file} is not a valid checkpoint: ${problems}`), { code: 'CHECKPOINT_CORRUPT' });
  }
  return Array.from(result.document.entries.values(), (s) => s.entry);
}
