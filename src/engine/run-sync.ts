import type { CheckpointEntry, CheckpointStore } from '../catalog/checkpoint.ts';
import { spaceOf } from '../catalog/asset-id.ts';
import { messageOf } from '../catalog/message-of.ts';
import { plural } from '../catalog/plural.ts';
import { refKey } from '../catalog/ref-key.ts';
import type { Asset } from '../catalog/asset.ts';
import type { Source, SpaceExtract } from '../catalog/source.ts';
import type { TableRef, Target, TargetTable } from '../catalog/target.ts';
import type { ChangeOptions } from '../change/change-options.ts';
import { ChangeDetector } from '../change/change-detector.ts';
import type { ChangeSet } from '../change/change-set.ts';
import type { ApplyResult } from './apply-plan.ts';
import { applyPlan, emptyApplyResult } from './apply-plan.ts';
import { applyPartitions } from './apply-partitions.ts';
import { commitRun, NOTHING_VERIFIED } from './commit-run.ts';
import { DriftError, GuardError } from './engine-errors.ts';
import type { EngineLogger } from './engine-logger.ts';
import { assertFoundSomething, extractSpaces } from './extract-spaces.ts';
import { labelSpaces, SpaceLabels } from './label-spaces.ts';
import type { ConflictPolicy, DeletionPolicy } from './plan-sync.ts';
import { planSync } from './plan-sync.ts';
import { planPartitions } from './plan-partitions.ts';
import { planTags, tagFigures } from './plan-tags.ts';
import { previewWrites } from './preview-writes.ts';
import type { RefreshFindings } from './refresh-report.ts';
import { refreshFindings, trafficBetween } from './refresh-report.ts';
import { runActions } from './run-actions.ts';
import type { GuardOutcome, RunSummary, TargetReads, TrafficFigures } from './run-summary.ts';
import { SafetyGuard } from './safety-guard.ts';
import { summariseRun } from './summarise-run.ts';
import type { SyncPlan } from './sync-plan.ts';
import { databaseHints, tablesToRead } from './tables-to-read.ts';

export interface SyncOptions {
  job: string;
  /** Restrict the run to these spaces; empty = every space the source lists. */
  spaces: string[];
  mode: 'incremental' | 'full';
  dryRun: boolean;
  force: boolean;
  /** Plan only: stop after planning, apply nothing. */
  planOnly?: boolean;
  concurrency: number;
  change: ChangeOptions;
  deletion: { policy: DeletionPolicy; maxCount: number; maxPercent: number };
  conflictPolicy: ConflictPolicy;
  /**
   * The whole-catalog refresh: read every table in the databases in scope and compare each with the checkpoint —
   * changed behind our back (drift), gone (recreated), taken over (blocked), ours but unknown (reported). Without
   * it a run reads only the tables it writes or deletes. The CLI decides when (`--refresh`, `sync.refresh`).
   */
  refresh?: boolean;
  /**
   * Share of the assets in scope (0-1): when an incremental run must read more of their tables than this (its
   * writes, deletions), it reads the databases they are in with one bulk listing each instead of table by table.
   * Absent: always table by table. The summary says which way it read (`reads`).
   */
  fullSyncThreshold?: number;
  /**
   * `sync --checksum`: the source reads and compares every definition, whatever its change signals (validators,
   * file size and time) say. Writes still follow what changed.
   */
  checksum?: boolean;
}

export type SyncPhase = 'extract' | 'plan' | 'apply' | 'verify';

export interface SyncDeps {
  source: Source;
  target: Target;
  checkpoints: CheckpointStore;
  logger: EngineLogger;
  now?: () => Date;
  signal?: AbortSignal;
  onPhase?: (phase: SyncPhase, total?: number) => void;
  onProgress?: (done: number, total: number) => void;
  /** Reading the source: `done` of `total` assets (or export files) of `space`, as the source reports them. */
  onExtractProgress?: (done: number, total: number, space: string) => void;
}

export interface SyncOutcome {
  summary: RunSummary;
  plan: SyncPlan;
  changeSet: ChangeSet;
  interrupted: boolean;
  /** The guard error that stopped the real run before apply (its `code` decides the exit code). */
  stoppedBy?: GuardError | DriftError;
  /**
   * The checkpoint could not record what the target confirmed (the store's error: its `code` decides the exit
   * code). The run started no write after it, and its summary says `failed` with what it did write.
   */
  unsaved?: unknown;
}

/**
 * One run, in named steps: extract → detect → plan → guard → apply → commit (flush, verify, record versions) →
 * summarise. Knows connectors only through the Source, Target and CheckpointStore interfaces. A guard stop is an
 * outcome, not an exception, so the caller can still print and record the run; fatal errors (an unknown space, a
 * source that cannot be listed at all, a checkpoint that cannot be written) are thrown.
 */
export async function runSync(options: SyncOptions, deps: SyncDeps): Promise<SyncOutcome> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const dryRun = options.dryRun || options.planOnly === true;
  const { source, target, checkpoints, logger } = deps;

  deps.onPhase?.('extract');
  const entries = checkpoints.all();
  // Each space is hashed and classified as soon as it is read, and the definitions of unchanged assets the run will
  // not write are let go right there: memory follows what changed, not the size of the catalog.
  const detector = new ChangeDetector({
    checkpoint: (id) => checkpoints.get(id),
    options: options.change,
    keepUnchanged: keepDefinition(options, target),
  });
  const sourceBytes = new Map<string, number>();
  const labels = new SpaceLabels();
  const extracted = await extractSpaces({
    source,
    requested: options.spaces,
    // A refresh may have to write unchanged assets again (changed behind our back, gone): it reads their
    // definitions too, rather than taking the source's "not modified" for them.
    full: options.mode === 'full' || options.refresh === true,
    ...(options.checksum ? { checksum: true } : {}),
    entries,
    entry: (id) => checkpoints.get(id),
    logger,
    onExtract: (extract) => {
      recordSourceBytes(extract, sourceBytes);
      labels.add(extract);
      detector.add(extract);
    },
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.onExtractProgress ? { onProgress: deps.onExtractProgress } : {}),
  });
  for (const failed of extracted.failedSpaces) detector.addFailedSpace(failed);
  const inScope = new Set(extracted.spaces);
  const entriesInScope = entries.filter((e) => inScope.has(spaceOf(e.assetId)));
  assertFoundSomething(extracted, entriesInScope.length);
  const changeSet = detector.finish(entriesInScope);

  deps.onPhase?.('plan');
  const planned = await planRun(changeSet, extracted.spaces, entriesInScope, options, target);
  const { plan } = planned;
  // Partitions (where source and target have them) are planned before the guard, which counts their deletions.
  const partitions = await planPartitions(plan, { source, target, mode: options.mode, concurrency: options.concurrency, logger, ...(deps.signal ? { signal: deps.signal } : {}) });
  // So are tags (LF-Tags), where the target has them: every change is shown, and their removals are counted too.
  const tags = await planTags(plan, { target, mode: options.mode, concurrency: options.concurrency, logger, ...(deps.signal ? { signal: deps.signal } : {}) });
  const guard = new SafetyGuard({
    dryRun,
    force: options.force,
    maxDeleteCount: options.deletion.maxCount,
    maxDeletePercent: options.deletion.maxPercent,
  });
  const stop = guardStop(guard, plan, changeSet, options, partitions.deletions, tags?.removals ?? 0);
  const guardOutcome: GuardOutcome | undefined = stop && {
    code: stop.code,
    message: stop.message,
    wouldStop: dryRun,
    ...(stop instanceof GuardError ? { details: stop.details } : { details: { tables: stop.tables } }),
  };
  if (stop && !dryRun) logger.error({ code: stop.code }, `stopped by a safety guard: ${stop.message}`);

  let applied: ApplyResult = emptyApplyResult();
  let verification = NOTHING_VERIFIED;
  const previews = dryRun ? await preview(plan, target, options.concurrency, logger) : undefined;
  const labelsForRun = labels.forRun(plan, options.mode === 'full' || options.refresh === true);
  // A plan or dry run shows the Descriptions a run would bring in step, as it shows the tables' field changes.
  let databaseDescriptions = dryRun ? await labelSpaces(target, labelsForRun, logger, { preview: true }) : undefined;
  if (!options.planOnly && !(stop && !dryRun)) {
    // The spaces' labels on their databases (Description): before the writes, so a database they create says them.
    if (!dryRun) databaseDescriptions = await labelSpaces(target, labelsForRun, logger);
    deps.onPhase?.('apply', plan.actions.length);
    applied = await applyPlan(plan.actions, {
      target,
      checkpoints,
      guard,
      sourceSystem: source.system,
      concurrency: options.concurrency,
      now,
      logger,
      sourceBytes,
      ...(tags ? { tags } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    });
    if (!dryRun) deps.onPhase?.('verify');
    verification = await commitRun(applied, target, checkpoints, options.job);
  }
  const partitionFigures = await applyPartitions(partitions, {
    apply: !options.planOnly && !(stop && !dryRun) && !applied.interrupted && applied.unsaved === undefined,
    target,
    checkpoints,
    guard,
    applied,
    concurrency: options.concurrency,
    logger,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });

  const actions = runActions(plan.actions, { applied, dryRun, ...(previews ? { previews } : {}), ...(tags ? { tags: tags.changes } : {}) });
  const summary = summariseRun({
    started,
    finished: now(),
    mode: options.mode,
    dryRun: options.dryRun,
    planOnly: options.planOnly === true,
    spaces: extracted.spaces,
    source,
    target,
    changeSet,
    plan,
    applied,
    actions,
    verification,
    readBytes: planned.readBytes,
    ...(planned.refresh ? { refresh: planned.refresh } : {}),
    ...(guardOutcome ? { guard: guardOutcome } : {}),
    ...(partitionFigures ? { partitions: partitionFigures } : {}),
    ...(tags ? { tags: tagFigures(tags) } : {}),
    ...(databaseDescriptions ? { databaseDescriptions } : {}),
    guardStopped: stop !== undefined && !dryRun,
  });
  if (planned.reads) summary.reads = planned.reads;
  return {
    summary,
    plan,
    changeSet,
    interrupted: applied.interrupted,
    ...(stop && !dryRun ? { stoppedBy: stop } : {}),
    ...(applied.unsaved !== undefined ? { unsaved: applied.unsaved } : {}),
  };
}

/**
 * Which unchanged assets keep their definition through the run: those it may still write — a `--full` run writes
 * every asset, a refresh rewrites what drifted or vanished, an entry that never learnt its table's version is
 * checked and may be recreated — and those whose table's partitions are replicated, or whose full-write size the
 * savings figure still has to measure. Every other unchanged definition is dropped once hashed.
 */
function keepDefinition(options: SyncOptions, target: Target): (asset: Asset, previous: CheckpointEntry) => boolean {
  if (options.mode === 'full' || options.refresh === true) return () => true;
  const versioned = target.versioned === true;
  return (asset, previous) =>
    (versioned && previous.target.version === undefined) ||
    previous.fullWriteBytes === undefined ||
    (asset.glue?.partitionKeys.length ?? 0) > 0;
}

interface PlannedRun {
  plan: SyncPlan;
  /** Size of each table read while planning, by `database.table`. */
  readBytes: Map<string, number>;
  refresh?: { findings: RefreshFindings; traffic: TrafficFigures };
  /** How an incremental run read the tables it needed (fullSyncThreshold). */
  reads?: TargetReads;
}

/**
 * Reads what the plan needs from the target, and plans. An incremental run reads exactly the tables of its
 * writes, deprecations and deletions (tablesToRead), the cheapest way the target knows, told how large each
 * database is by the checkpoint; an unchanged run reads nothing. A refresh reads every database in scope in full
 * and compares every table with the checkpoint; its cost is measured on the target's counters and reported apart.
 */
async function planRun(
  changeSet: ChangeSet,
  spaces: readonly string[],
  entriesInScope: readonly CheckpointEntry[],
  options: SyncOptions,
  target: Target,
): Promise<PlannedRun> {
  const context = {
    job: options.job,
    mode: options.mode,
    deletionPolicy: options.deletion.policy,
    conflictPolicy: options.conflictPolicy,
    resolve: (asset: Parameters<Target['resolve']>[0]) => target.resolve(asset),
    // The max-delete base: what the checkpoint says we own in scope, not a listing an incremental run never makes.
    ownedTables: entriesInScope.length,
  };
  if (options.refresh) {
    const before = target.traffic();
    const tables = await target.readState([...new Set(spaces.map((s) => target.databaseFor(s)))]);
    const traffic = trafficBetween(before, target.traffic());
    const plan = planSync(changeSet, { ...context, targetTables: byRef(tables) });
    return { plan, readBytes: sizes(tables), refresh: { findings: refreshFindings(plan, tables, entriesInScope, options.job), traffic } };
  }
  const writeUnread = options.conflictPolicy === 'source-wins' && !options.dryRun && options.planOnly !== true;
  const refs = tablesToRead(changeSet, { mode: options.mode, resolve: context.resolve, versioned: target.versioned === true, writeUnread });
  const wanted = new Set(refs.map(refKey));
  const reads = readsFor(refs.length, changeSet.changes.length, options.fullSyncThreshold);
  const tables = reads.how === 'bulk' ? await readInBulk(target, refs) : await readTables(target, refs, entriesInScope);
  const plan = planSync(changeSet, { ...context, targetTables: byRef(tables), wasRead: (ref) => wanted.has(refKey(ref)) });
  return { plan, readBytes: sizes(tables), reads };
}

/**
 * Table by table, or in bulk once the tables to read are more than `threshold` of the assets in scope — the
 * crossover past which one listing per database costs less than reading most of them one at a time.
 */
function readsFor(tables: number, assets: number, threshold: number | undefined): TargetReads {
  const share = assets === 0 ? 0 : Math.round((tables / assets) * 1000) / 1000;
  const bulk = threshold !== undefined && tables > 0 && tables > threshold * assets;
  return { how: bulk ? 'bulk' : 'tables', tables, share, ...(threshold !== undefined ? { threshold } : {}) };
}

/** The wanted tables, read as one listing of each database they are in; the plan still looks at those alone. */
async function readInBulk(target: Target, refs: TableRef[]): Promise<TargetTable[]> {
  const wanted = new Set(refs.map(refKey));
  const listed = await target.readState([...new Set(refs.map((ref) => ref.database))]);
  return listed.filter((table) => wanted.has(refKey(table.ref)));
}

async function readTables(target: Target, refs: TableRef[], entriesInScope: readonly CheckpointEntry[]): Promise<TargetTable[]> {
  if (refs.length === 0) return [];
  if (target.readTables) return target.readTables(refs, databaseHints(entriesInScope));
  return readInBulk(target, refs);
}

function byRef(tables: readonly TargetTable[]): Map<string, TargetTable> {
  return new Map(tables.map((t) => [refKey(t.ref), t]));
}

function sizes(tables: readonly TargetTable[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of tables) if (t.bytes !== undefined) out.set(refKey(t.ref), t.bytes);
  return out;
}

/** Definition sizes the source reported, by asset id: recorded with the entries (CheckpointEntry.sourceBytes). */
function recordSourceBytes(extract: SpaceExtract, out: Map<string, number>): void {
  for (const item of extract.items) if (item.state === 'extracted' && item.bytes !== undefined) out.set(item.asset.id, item.bytes);
}

/**
 * The guard's verdict on the whole plan, before anything is applied: the max-delete and empty-space limits, and
 * drift under `conflicts.policy = fail`. Undefined when the run may go on.
 */
function guardStop(
  guard: SafetyGuard,
  plan: SyncPlan,
  changeSet: ChangeSet,
  options: SyncOptions,
  partitionDeletions: number,
  tagRemovals: number,
): GuardError | DriftError | undefined {
  try {
    guard.check({ plan, emptySpaces: changeSet.emptySpaces, partitionDeletions, tagRemovals });
  } catch (error) {
    if (error instanceof GuardError) return error;
    throw error;
  }
  if (options.conflictPolicy === 'fail' && plan.drift.length > 0) {
    const tables = plan.drift.map((d) => refKey(d.ref));
    return new DriftError(
      `${plural(plan.drift.length, 'table')} changed in the target since our last write (conflicts.policy = fail): ${tables.join(', ')}`,
      tables,
    );
  }
  return undefined;
}

async function preview(plan: SyncPlan, target: Target, concurrency: number, logger: EngineLogger) {
  return previewWrites(plan.actions, target, concurrency, {
    onError: (assetId, error) => logger.warn({ assetId, err: messageOf(error) }, 'could not preview this write; the plan shows it without a diff'),
    onLimit: (previewed, writes) => logger.info({ previewed, writes }, `field diffs for the first ${previewed} of ${writes} writes only`),
  });
}
