import type { CheckpointStore } from '../catalog/checkpoint.ts';
import type { Source } from '../catalog/source.ts';
import type { Target } from '../catalog/target.ts';
import type { Config } from '../config/config-schema.ts';
import type { EngineLogger } from '../engine/engine-logger.ts';
import { checkpointPaths } from '../state/checkpoint-paths.ts';
import { openCheckpointStore } from '../state/file-checkpoint-store.ts';
import { acquireLock } from '../state/lock-file.ts';
import type { HeldLock } from './checkpoint-lease.ts';

export interface DaemonCheckpointAccess {
  /** The same lock file a manual `catalog-sync sync` takes. */
  lock(): Promise<HeldLock>;
  /** The same checkpoint a manual run opens (same job, source system and target), read from disk. */
  open(): Promise<CheckpointStore>;
}

/**
 * The checkpoint the daemon shares with the CLI, opened exactly as a manual run opens it (src/cli/open-run.ts):
 * a manual sync and the daemon must meet on one lock and one file.
 */
export async function daemonCheckpointAccess(
  config: Config,
  connectors: () => Promise<{ source: Source; target: Target }>,
  logger: EngineLogger,
): Promise<DaemonCheckpointAccess> {
  const { source, target } = await connectors();
  const identity = target.identity;
  await target.close?.();
  const lockPath = checkpointPaths(config.checkpoints.dir, source.system, config.job.name).lock;
  return {
    lock: () => acquireLock(lockPath, { onWarning: (m) => logger.warn({}, m) }),
    open: () =>
      openCheckpointStore({
        dir: config.checkpoints.dir,
        sourceSystem: source.system,
        flushEvery: config.checkpoints.flushEvery,
        flushIntervalMs: config.checkpoints.flushIntervalMs,
        backups: config.checkpoints.backups,
        compression: config.checkpoints.compression,
        onWarning: (m) => logger.warn({}, m),
        onEvent: (event) => logger.debug({ ...event }, 'checkpoint written'),
        owner: { job: config.job.name, target: identity },
      }),
  };
}
