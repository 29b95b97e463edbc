import type { CheckpointStore } from '../catalog/checkpoint.ts';
import type { Source } from '../catalog/source.ts';
import type { Target } from '../catalog/target.ts';
import type { Config } from '../config/config-schema.ts';
import type { EngineLogger } from '../engine/engine-logger.ts';
import type { RunSummary } from '../engine/run-summary.ts';
import type { SyncOptions } from '../engine/run-sync.ts';
import { buildApiServer } from './api-server.ts';
import { isLoopbackHost } from './bearer-auth.ts';
import type { HeldLock } from './checkpoint-lease.ts';
import { CheckpointLease } from './checkpoint-lease.ts';
import type { CronSchedules } from './cron-schedules.ts';
import { startCronSchedules } from './cron-schedules.ts';
import { DaemonConfigError } from './daemon-errors.ts';
import type { DaemonMetrics } from './daemon-metrics.ts';
import { createDaemonMetrics } from './daemon-metrics.ts';
import type { Job, JobRequest } from './job.ts';
import type { Timer } from './job-manager.ts';
import { JobManager } from './job-manager.ts';
import { createReadiness } from './readiness.ts';
import { createRedact } from './redact.ts';
import { createJobRunner } from './run-job.ts';
import { ScheduleFirer } from './schedule-firer.ts';
import { planSchedules } from './schedule-plan.ts';

export interface DaemonLogger extends EngineLogger {
  child(bindings: Record<string, unknown>): EngineLogger;
}

/** Everything the daemon needs from the outside; src/cli/commands/daemon-command.ts wires it from the config. */
export interface DaemonDeps {
  config: Config;
  logger: DaemonLogger;
  /** Values that must never reach an API answer (the config's `${VAR}` substitutions). */
  secrets: readonly string[];
  env: NodeJS.ProcessEnv;
  /** A new Source and Target; called once per job, and once for the readiness probe and the schedules' listings. */
  connectors(): Promise<{ source: Source; target: Target }>;
  syncOptions(request: JobRequest): SyncOptions;
  /** Takes the checkpoint lock (rejects with code LOCK_HELD while another run holds it). */
  lock(): Promise<HeldLock>;
  /** Opens the checkpoint store from disk. */
  openCheckpoints(): Promise<CheckpointStore>;
  appendHistory(summary: RunSummary): Promise<void>;
  setTimer?: (callback: () => void, ms: number) => Timer;
}

export interface Daemon {
  /** `http://host:port` the job API listens on (the real port when the config says 0). */
  readonly url: string;
  readonly manager: JobManager;
  readonly metrics: DaemonMetrics;
  readonly schedules: CronSchedules;
  readonly firer: ScheduleFirer;
  /**
   * Graceful shutdown: no new jobs (503), queued ones cancelled, running ones stop at the next asset boundary, the
   * checkpoint is flushed and its lock released, the server closes. `drained` is false when the grace period ran out
   * first (the checkpoint is flushed and released all the same).
   */
  stop(): Promise<{ drained: boolean }>;
  /** Second signal: flush what is confirmed and let go of the lock now. */
  abandon(): Promise<void>;
}

/** How long a readiness answer is reused, and how long one check may take. */
const READINESS_CACHE_MS = 5_000;
const READINESS_TIMEOUT_MS = 10_000;

/**
 * Starts the daemon: checks the schedules and the API's exposure (refusing to start on a bad cron expression or
 * time zone, or on a non-loopback address without a token), then the job queue, the HTTP API and the schedules.
 */
export async function startDaemon(deps: DaemonDeps): Promise<Daemon> {
  const { config, logger } = deps;
  const entries = planSchedules(config.schedule);
  const token = resolveToken(config.api, deps.env);
  const redact = createRedact(token === undefined ? deps.secrets : [...deps.secrets, token]);

  const lease = new CheckpointLease({ lock: deps.lock, open: deps.openCheckpoints, logger });
  let manager: JobManager | undefined;
  const metrics = createDaemonMetrics({ queueDepth: () => manager?.queueDepth ?? 0, running: () => manager?.runningCount ?? 0 });
  const runner = createJobRunner({
    connectors: deps.connectors,
    syncOptions: deps.syncOptions,
    appendHistory: deps.appendHistory,
    jobLogger: (job: Job) => logger.child({ jobId: job.id }),
    redact,
  });
  manager = new JobManager({
    concurrency: config.jobs.concurrency,
    onBusy: config.jobs.onBusy,
    keepFinished: config.jobs.keepFinished,
    lockRetryMs: config.jobs.lockRetrySeconds * 1000,
    lease,
    run: runner,
    logger,
    onFinished: (job) => metrics.jobFinished(job),
    ...(deps.setTimer ? { setTimer: deps.setTimer } : {}),
  });

  // One long-lived pair for probes and listings: a Datasphere source keeps its OAuth token between calls.
  let probe: Promise<{ source: Source; target: Target }> | undefined;
  const probeConnectors = () => (probe ??= deps.connectors());
  const readiness = createReadiness({
    logger,
    cacheMs: READINESS_CACHE_MS,
    timeoutMs: READINESS_TIMEOUT_MS,
    checkSource: async () => {
      await (await probeConnectors()).source.listSpaces();
    },
    checkTarget: async () => {
      const { target } = await probeConnectors();
      const first = Object.keys(config.schedule.spaces)[0] ?? 'readyz';
      await target.readState([target.databaseFor(first)]);
    },
  });
  const firer = new ScheduleFirer({
    manager,
    listSpaces: async () => (await probeConnectors()).source.listSpaces(),
    logger,
    onSkipped: (entry, reason) => metrics.scheduleSkipped(entry.name, reason),
  });

  const app = buildApiServer({ manager, metrics, readiness, logger, ...(token !== undefined ? { token } : {}) });
  await app.listen({ host: config.api.host, port: config.api.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.api.port;
  const url = `http://${config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host}:${port}`;
  const schedules = startCronSchedules(entries, (entry) => firer.fire(entry), logger);
  logger.info({ url, auth: token !== undefined, schedules: schedules.nextRuns() }, 'daemon started; job API listening');

  const jobs = manager;
  let stopping: Promise<{ drained: boolean }> | undefined;
  return {
    url,
    manager: jobs,
    metrics,
    schedules,
    firer,
    stop() {
      stopping ??= (async () => {
        await schedules.stop();
        const drained = await jobs.close(config.jobs.shutdownGraceSeconds * 1000);
        if (!drained) {
          logger.error({ graceSeconds: config.jobs.shutdownGraceSeconds }, 'jobs still running after the grace period; saving the checkpoint and stopping anyway');
          await lease.abandon();
        }
        await app.close();
        await (await probe)?.target.close?.();
        logger.info({ drained }, 'daemon stopped');
        return { drained };
      })();
      return stopping;
    },
    abandon: () => lease.abandon(),
  };
}

function resolveToken(api: Config['api'], env: NodeJS.ProcessEnv): string | undefined {
  if (api.tokenEnv !== undefined) {
    const value = env[api.tokenEnv];
    if (value === undefined || value.trim() === '') {
      throw new DaemonConfigError(`api.tokenEnv: environment variable ${api.tokenEnv} is not set (it must hold the API's bearer token)`);
    }
    if (value.length < 16) throw new DaemonConfigError(`api.tokenEnv: the token in ${api.tokenEnv} is shorter than 16 characters`);
    return value;
  }
  if (!isLoopbackHost(api.host)) {
    throw new DaemonConfigError(
      `api.host: ${api.host} is reachable from other machines; set api.tokenEnv to the name of an environment variable holding a bearer token`,
    );
  }
  return undefined;
}
