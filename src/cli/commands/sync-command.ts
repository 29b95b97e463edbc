import type { Command } from 'commander';
import { Option } from 'commander';
import type { RunSummary } from '../../engine/run-summary.ts';
import type { PlannedAction } from '../../engine/sync-plan.ts';
import { ExitCode } from '../exit-codes.ts';
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
}

function addRunOptions(command: Command): Command {
  return command
    .addOption(configOption())
    .option('-s, --space <space>', 'only this space (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--full', 'write every asset in full, whatever changed')
    .option('--force', 'override the max-delete and empty-space guards')
    .option('--json', 'print the run summary as one JSON object on stdout')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']));
}

export function registerSyncCommands(program: Command, setExit: (code: ExitCodeValue) => void): void {
  addRunOptions(program.command('sync').description('sync the source into the target (incremental unless --full)'))
    .option('--dry-run', 'plan and count everything, write nothing')
    .action(async (flags: SyncFlags) => setExit(await syncAction(flags, false)));

  addRunOptions(program.command('plan').description('show what sync would do; exit 0 = no changes, 2 = changes pending')).action(
    async (flags: SyncFlags) => setExit(await syncAction(flags, true)),
  );
}

async function syncAction(flags: SyncFlags, planOnly: boolean): Promise<ExitCodeValue> {
  // Loaded here, not at the top: `--help` must not pay for the engine, the connectors, pino or the progress bar.
  const [{ runSync }, { appendRunHistory }, { formatSummary }, { formatPlan }, { createProgress }, { openRun }, { syncOptionsFromConfig }] =
    await Promise.all([
      import('../../engine/run-sync.ts'),
      import('../../report/run-history.ts'),
      import('../format-summary.ts'),
      import('../format-plan.ts'),
      import('../progress-bar.ts'),
      import('../open-run.ts'),
      import('../sync-options.ts'),
    ]);
  const run = await openRun(flags, { lock: !planOnly && !flags.dryRun });
  const { config, logger } = run;
  const progress = createProgress(!flags.json);
  try {
    const outcome = await runSync(
      syncOptionsFromConfig(config, {
        spaces: flags.space,
        mode: flags.full ? 'full' : 'incremental',
        dryRun: flags.dryRun === true,
        force: flags.force === true,
        planOnly,
      }),
      {
        source: run.source,
        target: run.target,
        checkpoints: run.checkpoints,
        logger,
        signal: run.signal,
        onPhase: (phase, total) => {
          logger.debug({ phase }, `phase ${phase}`);
          if (phase === 'apply' && total !== undefined) progress.start(total);
          if (phase === 'verify') progress.stop();
        },
        onProgress: (done) => progress.update(done),
      },
    );
    progress.stop();
    const { summary } = outcome;
    if (planOnly) {
      if (flags.json) process.stdout.write(JSON.stringify({ ...summary, plan: planJson(outcome.plan.actions) }) + '\n');
      else process.stdout.write(formatPlan(outcome.plan, summary) + '\n');
      const pending = outcome.plan.actions.some((a) => a.kind !== 'skip');
      return pending ? ExitCode.changesPending : ExitCode.ok;
    }
    await appendRunHistory(config.history.file, summary);
    report(summary, flags.json === true, formatSummary);
    logger.info({ runId: summary.runId, status: summary.status, durationMs: summary.durationMs }, 'run finished');
    if (outcome.interrupted) return ExitCode.interrupted;
    return summary.status === 'ok' ? ExitCode.ok : ExitCode.partial;
  } finally {
    progress.stop();
    await run.close();
  }
}

function report(summary: RunSummary, json: boolean, format: (s: RunSummary) => string): void {
  if (json) process.stdout.write(JSON.stringify(summary) + '\n');
  else process.stdout.write(format(summary) + '\n');
}

function planJson(actions: readonly PlannedAction[]) {
  return actions.map((a) => ({
    assetId: a.change.assetId,
    change: a.change.type,
    action: a.kind,
    ...(a.kind === 'write' ? { strategy: a.strategy, create: a.create, facets: a.facets } : {}),
    ...('ref' in a && a.ref ? { table: `${a.ref.database}.${a.ref.table}` } : {}),
    ...('reason' in a && a.reason ? { reason: a.reason } : {}),
  }));
}
