import type { Logger } from 'pino';
import type { CheckpointStore } from '../catalog/checkpoint.ts';
import type { Source } from '../catalog/source.ts';
import type { Target } from '../catalog/target.ts';
import type { Config } from '../config/config-schema.ts';
import { loadConfig } from '../config/load-config.ts';
import { checkpointPaths } from '../state/checkpoint-paths.ts';
import { openCheckpointStore } from '../state/file-checkpoint-store.ts';
import { waitForLock } from '../state/wait-for-lock.ts';
import { createLogger } from './create-logger.ts';
import { exitCodeForSignal } from './exit-codes.ts';
import { createSource, createTarget } from './create-connectors.ts';

export interface RunFlags {
  config: string;
  logLevel?: string;
  /** `--wait-lock <seconds>`: wait this long for another run's checkpoint lock instead of failing at once. */
  waitLock?: number;
}

export interface OpenRun {
  config: Config;
  logger: Logger;
  source: Source;
  target: Target;
  checkpoints: CheckpointStore;
  /** Aborted on the first SIGINT/SIGTERM: the engine stops starting new writes and the run winds down cleanly. */
  signal: AbortSignal;
  /** The signal that stopped the run, if one did: it decides the exit code (130 or 143). */
  stoppedBy(): NodeJS.Signals | undefined;
  /**
   * The end of the run for the checkpoint: every change durable and the journal folded into the checkpoint file.
   * Resolves to the error when that write failed (the caller reports it as the run's outcome), once: close() does
   * not try again.
   */
  saveCheckpoint(): Promise<unknown>;
  /** Leaves the checkpoint as it is (its journal holds what was flushed): close() writes no more to it. */
  abandonCheckpoint(): void;
  close(): Promise<void>;
}

/**
 * Everything one run needs, wired from the config: logger, connectors, checkpoint store and (for runs
 * that write) the checkpoint lock. close() flushes, releases and unhooks in the right order.
 */
export async function openRun(flags: RunFlags, options: { lock: boolean }): Promise<OpenRun> {
  const { config, secrets } = await loadConfig(flags.config);
  const logger = createLogger({ level: flags.logLevel ?? config.logging.level, secrets });
  const source = createSource(config, logger);
  const target = await createTarget(config, logger);
  const lockPath = checkpointPaths(config.checkpoints.dir, source.system, config.job.name).lock;
  const lock = options.lock
    ? await waitForLock(lockPath, {
        waitMs: (flags.waitLock ?? 0) * 1000,
        onWarning: (m) => logger.warn(m),
        onWait: (held) => logger.warn(`${held.message}; waiting up to ${flags.waitLock ?? 0} s for it`),
      })
    : undefined;
  let checkpoints: CheckpointStore;
  try {
    checkpoints = await openCheckpointStore({
      dir: config.checkpoints.dir,
      sourceSystem: source.system,
      flushEvery: config.checkpoints.flushEvery,
      flushIntervalMs: config.checkpoints.flushIntervalMs,
      backups: config.checkpoints.backups,
      compression: config.checkpoints.compression,
      onWarning: (m) => logger.warn(m),
      onEvent: (event) => logger.debug(event, 'checkpoint written'),
      // The checkpoint belongs to this job and target and refuses any other; runs that write nothing change no file.
      owner: { job: config.job.name, target: target.identity },
      readOnly: !options.lock,
    });
  } catch (error) {
    await lock?.release();
    throw error;
  }

  const controller = new AbortController();
  let signals = 0;
  let firstSignal: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    firstSignal ??= signal;
    if (signals === 1) {
      logger.warn({ signal }, 'stopping: finishing writes in flight, then saving the checkpoint (send again to stop at once)');
      controller.abort();
      return;
    }
    // Second signal: make the confirmed entries durable and leave now.
    void checkpoints.flush().finally(async () => {
      await lock?.release();
      process.exit(exitCodeForSignal(signal));
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let saving: Promise<unknown> | undefined;
  const saveCheckpoint = (): Promise<unknown> =>
    (saving ??= (checkpoints.close ? checkpoints.close() : checkpoints.flush()).then(
      () => undefined,
      (error: unknown) => error,
    ));

  return {
    config,
    logger,
    source,
    target,
    checkpoints,
    signal: controller.signal,
    stoppedBy: () => firstSignal,
    saveCheckpoint,
    abandonCheckpoint() {
      saving ??= Promise.resolve(undefined);
    },
    async close() {
      try {
        // The end of the run: the journal is folded into the snapshot (a second signal only flushes: see above).
        if (!saving) {
          const error = await saveCheckpoint();
          if (error !== undefined) throw error;
        }
        await target.close?.();
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await lock?.release();
        logger.flush();
      }
    },
  };
}
