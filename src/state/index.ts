/** The checkpoint state: what the CLI wires in. See checkpoint-file.ts for the file format. */
export { openCheckpointStore, FileCheckpointStore } from './file-checkpoint-store.ts';
export type { CheckpointStoreOptions } from './file-checkpoint-store.ts';
export { acquireLock } from './lock-file.ts';
export type { AcquireLockOptions, Lock, LockInfo } from './lock-file.ts';
export { flushOnSignals, SIGNAL_EXIT_CODES } from './signal-flush.ts';
export type { FlushOnSignalsOptions, FlushSignal } from './signal-flush.ts';
export { validateCheckpointFile } from './validate-checkpoint-file.ts';
export type { CheckpointFileReport } from './validate-checkpoint-file.ts';
export { listBackups, pruneBackups, scanBackups } from './backups.ts';
export type { BackupFile, BackupInfo, BackupRetention } from './backups.ts';
export { restoreBackup } from './restore-backup.ts';
export type { RestoreBackupOptions, RestoreBackupResult } from './restore-backup.ts';
export { checkpointPaths } from './checkpoint-paths.ts';
export type { CheckpointPaths } from './checkpoint-paths.ts';
export { CHECKPOINT_FORMAT_VERSION } from './checkpoint-schema.ts';
export { CheckpointCorruptError, CheckpointVersionError, LockHeldError } from './state-errors.ts';
export type { StateErrorCode } from './state-errors.ts';
