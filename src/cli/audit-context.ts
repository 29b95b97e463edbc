import type { Config } from '../config/config-schema.ts';
import { loadConfig } from '../config/load-config.ts';
import { loadChangeLog, loadHistory } from '../report/history-schema.ts';
import type { HistoryRun } from '../report/history-schema.ts';
import type { ChangeLogEntry } from '../report/change-log.ts';
import type { BackupStamp } from '../report/rollback-plan.ts';
import { scanBackups } from '../state/backups.ts';
import { checkpointPaths } from '../state/checkpoint-paths.ts';
import type { CheckpointPaths } from '../state/checkpoint-paths.ts';
import { locateCheckpoint } from '../state/locate-checkpoint.ts';
import { createSource } from './create-connectors.ts';

export interface AuditContext {
  config: Config;
  sourceSystem: string;
  paths: CheckpointPaths;
  runs: HistoryRun[];
  changeLog: ChangeLogEntry[];
  backups: BackupStamp[];
  /** Records or lines that failed validation and were left out. */
  invalid: number;
}

/** Everything `history`, `report` and `rollback` read: the config, the audit trail and the checkpoint backups. */
export async function loadAuditContext(configFile: string): Promise<AuditContext> {
  const { config } = await loadConfig(configFile);
  const sourceSystem = createSource(config).system;
  const { paths } = await locateCheckpoint(checkpointPaths(config.checkpoints.dir, sourceSystem, config.job.name));
  const [history, changes, backups] = await Promise.all([
    loadHistory(config.history.file),
    loadChangeLog(config.history.changeLog),
    scanBackups(paths),
  ]);
  return {
    config,
    sourceSystem,
    paths,
    runs: history.runs,
    changeLog: changes.entries,
    backups: backups.map((b) => ({ fileName: b.fileName, createdAt: b.createdAt })),
    invalid: history.invalid + changes.invalid,
  };
}
