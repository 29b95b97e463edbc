import type { Config } from '../config/config-schema.ts';
import type { SyncOptions } from '../engine/run-sync.ts';

/** The engine's options for one run, from the config plus what the command line says. */
export function syncOptionsFromConfig(config: Config, flags: Partial<Pick<SyncOptions, 'spaces' | 'mode' | 'dryRun' | 'force' | 'planOnly' | 'refresh' | 'checksum'>> = {}): SyncOptions {
  return {
    job: config.job.name,
    spaces: flags.spaces ?? [],
    mode: flags.mode ?? 'incremental',
    dryRun: flags.dryRun ?? false,
    force: flags.force ?? false,
    ...(flags.planOnly !== undefined ? { planOnly: flags.planOnly } : {}),
    ...(flags.refresh ? { refresh: true } : {}),
    ...(flags.checksum ? { checksum: true } : {}),
    concurrency: config.sync.concurrency,
    change: config.change,
    deletion: config.deletion,
    conflictPolicy: config.conflicts.policy,
    fullSyncThreshold: config.sync.fullSyncThreshold,
  };
}
