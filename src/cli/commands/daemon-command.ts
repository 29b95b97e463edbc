import type { Command } from 'commander';
import { Option } from 'commander';
import type { JobRequest } from '../../daemon/job.ts';
import type { SyncOptions } from '../../engine/run-sync.ts';
import { configOption } from '../config-option.ts';
import { ExitCode, exitCodeForSignal } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';

interface DaemonFlags {
  config: string;
  logLevel?: string;
}

/*
 * `catalog-sync daemon`: schedules, the job queue and the HTTP job API (src/daemon/). Registering the command loads
 * nothing but commander; fastify, node-cron, prom-client, the engine and the connectors are loaded by the action.
 */
export function registerDaemonCommand(program: Command, setExit: (code: ExitCodeValue) => void): void {
  program
    .command('daemon')
    .description('run as a service: cron schedules, a priority job queue and the HTTP job API (SIGTERM stops it gracefully)')
    .addOption(configOption())
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .action(async (flags: DaemonFlags) => setExit(await daemonAction(flags)));
}

async function daemonAction(flags: DaemonFlags): Promise<ExitCodeValue> {
  const [{ loadConfig }, { createLogger }, connectors, { syncOptionsFromConfig }, { startDaemon }, state, { recordRun }] = await Promise.all([
    import('../../config/load-config.ts'),
    import('../create-logger.ts'),
    import('../create-connectors.ts'),
    import('../sync-options.ts'),
    import('../../daemon/start-daemon.ts'),
    import('../../daemon/daemon-checkpoints.ts'),
    import('../../report/audit-trail.ts'),
  ]);
  const { config, secrets } = await loadConfig(flags.config);
  const tokenValue = config.api.tokenEnv === undefined ? undefined : process.env[config.api.tokenEnv];
  // The API token is a secret like the config's ${VAR} values: the log scrubs it wherever it might turn up.
  const logger = createLogger({ level: flags.logLevel ?? config.logging.level, secrets: tokenValue ? [...secrets, tokenValue] : secrets });
  const openConnectors = async () => {
    const source = connectors.createSource(config, logger);
    const target = await connectors.createTarget(config, logger);
    return { source, target };
  };
  const checkpoints = await state.daemonCheckpointAccess(config, openConnectors, logger);

  const daemon = await startDaemon({
    config,
    logger,
    secrets,
    env: process.env,
    connectors: openConnectors,
    syncOptions: (request: JobRequest): SyncOptions => ({
      ...syncOptionsFromConfig(config, { spaces: request.spaces, mode: request.mode, dryRun: request.dryRun }),
      // The whole-catalog refresh: passed through for an engine that knows the flag; others ignore it.
      ...(request.refresh ? { refresh: true } : {}),
    }),
    lock: checkpoints.lock,
    openCheckpoints: checkpoints.open,
    // The change log gets the daemon's tables too (without target versions: those come from the CLI's plan).
    appendHistory: (summary) => recordRun(config.history, summary),
  });

  let received = 0;
  let onSignal: (sig: NodeJS.Signals) => void = () => {};
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (sig) => {
      received += 1;
      if (received === 1) {
        logger.warn({ signal: sig }, 'stopping: no new jobs; running jobs stop at the next asset boundary (send again to stop at once)');
        resolve(sig);
        return;
      }
      logger.warn({ signal: sig }, 'stopping now: saving the confirmed checkpoint entries');
      void daemon.abandon().finally(() => process.exit(exitCodeForSignal(sig)));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  try {
    const { drained } = await daemon.stop();
    // Within the grace period a stop is the daemon's normal end (exit 0); past it, the signal's code says it was cut short.
    return drained ? ExitCode.ok : exitCodeForSignal(signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    logger.flush();
  }
}
