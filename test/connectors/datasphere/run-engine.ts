import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Source } from '../../../src/catalog/source.ts';
import type { Target } from '../../../src/catalog/target.ts';
import { defaultChangeOptions } from '../../../src/change/change-options.ts';
import { FileTarget } from '../../../src/connectors/file/file-target.ts';
import type { EngineLogger } from '../../../src/engine/engine-logger.ts';
import { silentLogger } from '../../../src/engine/engine-logger.ts';
import { runSync } from '../../../src/engine/run-sync.ts';
import type { SyncOutcome } from '../../../src/engine/run-sync.ts';
import { loadMapping } from '../../../src/mapping/load-mapping.ts';
import { openCheckpointStore } from '../../../src/state/file-checkpoint-store.ts';
import type { FileCheckpointStore } from '../../../src/state/file-checkpoint-store.ts';

export const JOB = 'catalog-sync';

/** Temp folders for one scenario: the file target's catalog and the checkpoints. */
export interface EngineDirs {
  root: string;
  target: string;
  checkpoints: string;
}

export async function makeDirs(prefix = 'ds-e2e-'): Promise<EngineDirs> {
  const root = await mkdtemp(path.join(tmpdir(), prefix));
  return { root, target: path.join(root, 'catalog'), checkpoints: path.join(root, 'checkpoints') };
}

export async function removeDirs(dirs: EngineDirs | undefined): Promise<void> {
  if (dirs) await rm(dirs.root, { recursive: true, force: true });
}

export interface RunOptions {
  force?: boolean;
  mode?: 'incremental' | 'full';
  spaces?: string[];
  logger?: EngineLogger;
  maxCount?: number;
  maxPercent?: number;
  /** Another target than the file target in dirs.target (e.g. Glue on moto). */
  target?: Target;
  dryRun?: boolean;
  /** The whole-catalog refresh (SyncOptions.refresh). */
  refresh?: boolean;
}

/**
 * One real engine run — runSync from a source into a FileTarget with the file checkpoint store — as the CLI
 * would wire it, in the given folders. The store is closed at the end, as the CLI closes it, and reopened per run,
 * so a second call sees exactly what the first made durable.
 */
export async function runEngine(source: Source, dirs: EngineDirs, options: RunOptions = {}): Promise<SyncOutcome & { checkpoints: FileCheckpointStore }> {
  const mapping = await loadMapping();
  const target = options.target ?? new FileTarget({ path: dirs.target, databasePrefix: 'ds_', job: JOB, mapping });
  const checkpoints = await openCheckpointStore({
    dir: dirs.checkpoints,
    sourceSystem: source.system,
    flushEvery: 25,
    backups: { keep: 5, maxAgeDays: 0 },
  });
  try {
    const outcome = await runSync(
      {
        job: JOB,
        spaces: options.spaces ?? [],
        mode: options.mode ?? 'incremental',
        dryRun: options.dryRun ?? false,
        ...(options.refresh ? { refresh: true } : {}),
        force: options.force ?? false,
        concurrency: 4,
        change: defaultChangeOptions,
        deletion: { policy: 'delete', maxCount: options.maxCount ?? 50, maxPercent: options.maxPercent ?? 100 },
        conflictPolicy: 'source-wins',
      },
      { source, target, checkpoints, logger: options.logger ?? silentLogger },
    );
    return { ...outcome, checkpoints };
  } finally {
    // As the CLI ends a run: the journal folded into the snapshot (its entries stay readable for the test).
    await checkpoints.close();
  }
}
