import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { exitCodeForRun } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';
import { configOption } from '../config-option.ts';

export interface SyncFlags {
  config: string;
  space: string[];
  full?: boolean;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
  logLevel?: string;
  waitLock?: number;
  /** Human output: only problems (failures, guard stops, incomplete spaces, drift); logs at warn unless --log-level. */
  quiet?: boolean;
  /** false with --no-color. */
  color?: boolean;
  /** Read the whole target and compare every table with the checkpoint (drift, gone, taken over). */
  refresh?: boolean;
  /** Read and compare every definition, whatever the source's change signals say (file size and time, ETags). */
  checksum?: boolean;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new InvalidArgumentError('a number of seconds (0 or more)');
  return seconds;
}

function addRunOptions(command: Command): Command {
  return command
    .addOption(configOption())
    .option('-s, --space <space>', 'only this space (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--full', 'write every asset in full, whatever changed')
    .option('--checksum', 'compare content: read every definition even where its size and time (or ETag) say unchanged')
    .option('--refresh', 'also read every table of the target in scope and compare it with the checkpoint: changed behind our back, gone, taken over (sync.refresh schedules it)')
    .option('--force', 'override the max-delete and empty-space guards')
    .option('--json', 'print the run summary as one JSON object on stdout')
    .option('-q, --quiet', 'print only problems: failures, guard stops, incomplete spaces, drift')
    .option('--no-color', 'plain output without colours (so does NO_COLOR=1; FORCE_COLOR=1 forces them)')
    .option('--wait-lock <seconds>', 'wait up to this long for another run holding the checkpoint lock (default: fail at once, exit 5)', parseSeconds)
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']));
}

export function registerSyncCommands(program: Command, setExit: (code: ExitCodeValue) => void): void {
  addRunOptions(program.command('sync').description('sync the source into the target (incremental unless --full)'))
    .option('--dry-run', 'plan and count everything, write nothing')
    .action(async (flags: SyncFlags) => setExit(await syncAction(flags, false)));

  addRunOptions(program.command('plan').description('show what sync would do; exit 0 = no changes, 2 = changes pending, 3 = source incomplete, 4 = a guard would stop sync')).action(
    async (flags: SyncFlags) => setExit(await syncAction(flags, true)),
  );
}

async function syncAction(flags: SyncFlags, planOnly: boolean): Promise<ExitCodeValue> {
  const startedAt = new Date();
  try {
    return await runSyncAction(flags, planOnly);
  } catch (error) {
    // A run that a fatal error ended is recorded too (the reason in `error`), unless even the config could not be read.
    const [{ recordFailedRun }, { addFailureDetail }] = await Promise.all([import('../record-failed-run.ts'), import('../json-output.ts')]);
    const recorded = await recordFailedRun(flags, { planOnly, startedAt, error });
    if (!recorded.recorded && recorded.file !== undefined) {
      // Said, not swallowed: a failure on a full disk usually takes the history with it.
      process.stderr.write(`catalog-sync: the run history ${recorded.file} could not be written either (${recorded.reason}): this run is not recorded there\n`);
      addFailureDetail('history', { recorded: false, file: recorded.file, reason: recorded.reason });
    }
    throw error;
  }
}

async function runSyncAction(flags: SyncFlags, planOnly: boolean): Promise<ExitCodeValue> {
  // Loaded here, not at the top: `--help` must not pay for the engine, the connectors, pino or the progress bar.
  const [{ runSync }, { recordRun }, { formatSummary }, { formatPlan }, { createProgress, extractProgress }, { openRun }, { syncOptionsFromConfig }, { printJson }] =
    await Promise.all([
      import('../../engine/run-sync.ts'),
      import('../../report/audit-trail.ts'),
      import('../format-summary.ts'),
      import('../format-plan.ts'),
      import('../progress-bar.ts'),
      import('../open-run.ts'),
      import('../sync-options.ts'),
      import('../json-output.ts'),
    ]);
  const { colourEnabled, createColours } = await import('../colour.ts');
  const { decideRefresh } = await import('../refresh-schedule.ts');
  const { messageOf } = await import('../../catalog/message-of.ts');
  const run = await openRun(
    { config: flags.config, ...(flags.logLevel ? { logLevel: flags.logLevel } : {}), ...(flags.waitLock !== undefined ? { waitLock: flags.waitLock } : {}) },
    { lock: !planOnly && !flags.dryRun },
  );
  const { config, logger } = run;
  // Quiet means problems only, in the log as on stdout, unless a level was asked for.
  if (flags.quiet && !flags.logLevel && logger.levelVal < logger.levels.values.warn!) logger.level = 'warn';
  const output = { colours: createColours(colourEnabled({ flag: flags.color })), quiet: flags.quiet === true };
  const progress = createProgress(!flags.json && !flags.quiet);
  try {
    const realRun = !planOnly && flags.dryRun !== true;
    const refresh = await decideRefresh({ config, sourceSystem: run.source.system, flag: flags.refresh === true, scheduled: realRun, now: new Date() });
    if (refresh.refresh) logger.info({ reason: refresh.reason }, 'refreshing: reading every table in scope to compare it with the checkpoint');
    const outcome = await runSync(
      syncOptionsFromConfig(config, {
        spaces: flags.space,
        mode: flags.full ? 'full' : 'incremental',
        dryRun: flags.dryRun === true,
        force: flags.force === true,
        planOnly,
        refresh: refresh.refresh,
        checksum: flags.checksum === true,
      }),
      {
        source: run.source,
        target: run.target,
        checkpoints: run.checkpoints,
        logger,
        signal: run.signal,
        onPhase: (phase, total) => {
          logger.debug({ phase }, `phase ${phase}`);
          if (phase === 'plan') progress.stop();
          if (phase === 'apply' && total !== undefined) progress.start(total, 'applying');
          if (phase === 'verify') progress.stop();
        },
        onProgress: (done) => progress.update(done),
        onExtractProgress: extractProgress(progress),
      },
    );
    progress.stop();
    // The checkpoint's end of the run (the journal folded into its file) comes before anything is printed or recorded:
    // a checkpoint that cannot be written is this run's outcome, reported with what the run wrote, not an error after
    // its summary. A run whose checkpoint already failed writes no more to it: what was flushed stays in the journal.
    if (outcome.unsaved !== undefined) run.abandonCheckpoint();
    const unsaved = outcome.unsaved ?? (realRun ? await run.saveCheckpoint() : undefined);
    let { summary } = outcome;
    if (unsaved === undefined) {
      // Bookkeeping beside the checkpoint: a record that cannot be written costs at most one refresh too early, never the run.
      await refresh.recordRun({ refreshed: refresh.refresh, allSpaces: flags.space.length === 0, at: new Date() }).catch((error: unknown) => {
        logger.warn({ err: messageOf(error) }, 'could not record this run for the refresh schedule');
      });
    }
    // Plans and dry-runs go into the history too, marked (`dryRun`, `planOnly`): the report leaves them out of the
    // savings, and the change log gets lines only from tables a real run touched.
    const record = () => recordRun(config.history, summary, { plan: outcome.plan, versionAfter: (id) => run.checkpoints.get(id)?.target.version });
    if (unsaved === undefined) await record();
    else {
      const { unsavedRunSummary } = await import('../unsaved-run.ts');
      summary = unsavedRunSummary(outcome.summary, unsaved);
      const history = await record().then(
        () => ({ recorded: true as const }),
        (error: unknown) => ({ recorded: false as const, file: config.history.file, reason: messageOf(error) }),
      );
      if (!history.recorded) summary = unsavedRunSummary(outcome.summary, unsaved, history);
      // On stderr whatever the output mode: the reason for exit code 1 must never be silent.
      process.stderr.write(`catalog-sync: ${summary.error?.message ?? ''}\n`);
    }
    for (const action of summary.actions) {
      if (action.outcome === 'done' || action.outcome === 'failed') {
        logger.info({ runId: summary.runId, ...action, diff: undefined }, `${action.action} ${action.table ?? action.assetId}: ${action.outcome}`);
      }
    }
    if (flags.json) printJson(summary);
    else {
      const text = planOnly ? formatPlan(summary, output) : formatSummary(summary, output);
      if (text) process.stdout.write(text + '\n');
    }
    if (summary.guard) {
      // On stderr whatever the log level: the reason for exit code 4 must never be silent.
      const lead = summary.guard.wouldStop ? 'a real sync would stop here' : 'stopped by a safety guard, nothing was applied';
      process.stderr.write(`catalog-sync: ${lead}: ${summary.guard.message}\n`);
    }
    logger.info({ runId: summary.runId, status: summary.status, durationMs: summary.durationMs }, planOnly ? 'plan finished' : 'run finished');
    const signal = run.stoppedBy();
    return exitCodeForRun({
      status: summary.status,
      ...(summary.error ? { errorCode: summary.error.code } : {}),
      ...(summary.guard ? { guardCode: summary.guard.code } : {}),
      planOnly,
      pending: summary.actions.length > 0 || partitionChangesPlanned(summary),
      ...(signal ? { signal } : {}),
    });
  } finally {
    progress.stop();
    await run.close();
  }
}

/** Partition changes a plan found (a Glue source with `source.partitions`): pending like table changes. */
function partitionChangesPlanned(summary: { partitions?: { planned: { create: number; update: number; delete: number } } }): boolean {
  const planned = summary.partitions?.planned;
  return planned !== undefined && planned.create + planned.update + planned.delete > 0;
}
