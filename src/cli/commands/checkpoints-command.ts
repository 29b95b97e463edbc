import type { Command } from 'commander';
import type { CheckpointEntry } from '../../catalog/checkpoint.ts';
import type { CheckpointOwner } from '../../state/checkpoint-identity.ts';
import type { CheckpointInspection } from '../../state/inspect-checkpoint.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';
import { configOption } from '../config-option.ts';
import { registerCheckpointRepairCommands } from './checkpoints-repair-command.ts';
import { plural } from '../../catalog/plural.ts';

interface Flags {
  config: string;
  json?: boolean;
  space?: string;
}

/*
 * `list`, `show`, `validate` and `backups` only read: they open the checkpoint read-only, so a corrupt file is
 * reported (and its backup shown) but never repaired, moved aside or renamed — that is left to `sync` and
 * `restore`, which hold the lock. Every action loads what it needs when it runs (`await import`): registering these
 * commands must stay cheap.
 */

/** The config, the source system and this job's checkpoint paths. */
async function locate(flags: Flags) {
  const [{ loadConfig }, { createSource }, { checkpointPaths }] = await Promise.all([
    import('../../config/load-config.ts'),
    import('../create-connectors.ts'),
    import('../../state/checkpoint-paths.ts'),
  ]);
  const { config } = await loadConfig(flags.config);
  const { system } = createSource(config);
  return { config, system, paths: checkpointPaths(config.checkpoints.dir, system, config.job.name) };
}

/** The job and target this config's checkpoint must belong to; the target is built only to ask its identity. */
async function ownerOf(config: Awaited<ReturnType<typeof locate>>['config']): Promise<CheckpointOwner> {
  const { createTarget } = await import('../create-connectors.ts');
  const target = await createTarget(config);
  try {
    return { job: config.job.name, target: target.identity };
  } finally {
    await target.close?.();
  }
}

async function openStore(flags: Flags) {
  const { config, system } = await locate(flags);
  const { openCheckpointStore } = await import('../../state/file-checkpoint-store.ts');
  const warnings: string[] = [];
  const store = await openCheckpointStore({
    dir: config.checkpoints.dir,
    sourceSystem: system,
    flushEvery: config.checkpoints.flushEvery,
    backups: config.checkpoints.backups,
    owner: await ownerOf(config),
    readOnly: true,
    onWarning: (m) => warnings.push(m),
  });
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  return store;
}

function row(e: CheckpointEntry): string {
  const table = `${e.target.database}.${e.target.table}`;
  return [e.assetId.padEnd(44), e.assetType.padEnd(15), table.padEnd(40), `v${e.syncVersion}`.padEnd(5), e.lastSyncAt, e.deprecatedAt ? ` deprecated ${e.deprecatedAt}` : ''].join(' ');
}

async function printInspection(report: CheckpointInspection, owner: CheckpointOwner): Promise<void> {
  const { describeOwner } = await import('../../state/describe-owner.ts');
  const out = (line: string) => process.stdout.write(line + '\n');
  if (!report.exists) {
    out(`${report.path}: no checkpoint yet`);
    return;
  }
  out(`${report.path}: ${report.ok ? 'valid' : 'INVALID'}, ${plural(report.entryCount, 'entry', 'entries')}`);
  if (report.legacy) out(`  under the name earlier versions used; the next sync of job "${owner.job}" renames it to its own`);
  if (report.ownership === 'match') out(`  belongs to ${describeOwner(report.owner ?? {})}`);
  if (report.ownership === 'unrecorded') out(`  records no job or target yet; the next sync records ${describeOwner(owner)}`);
  for (const problem of report.problems) out(`  - ${problem}`);
  if (report.ownershipProblem) out(`  - ${report.ownershipProblem}`);
  if (report.fallback) {
    const { fileName, entryCount, updatedAt } = report.fallback;
    out(
      `  the next sync, or \`catalog-sync checkpoints restore\`, replaces it with backup ${fileName} ` +
        `(${plural(entryCount, 'entry', 'entries')}${updatedAt ? `, written ${updatedAt}` : ''})`,
    );
  }
  if (report.advice) out(`  to go on: ${report.advice}`);
}

export function registerCheckpointCommands(program: Command, setExit: (code: ExitCodeValue) => void): void {
  const group = program.command('checkpoints').description('inspect and repair the checkpoint of the configured job');
  registerCheckpointRepairCommands(group, setExit);

  group
    .command('list')
    .description('one line per synced asset')
    .addOption(configOption())
    .option('-s, --space <space>', 'only this space')
    .option('--json', 'print the entries as JSON')
    .action(async (flags: Flags) => {
      const store = await openStore(flags);
      const entries = store
        .all()
        .filter((e) => !flags.space || e.assetId.startsWith(`${flags.space}/`))
        .sort((a, b) => a.assetId.localeCompare(b.assetId));
      if (flags.json) process.stdout.write(JSON.stringify(entries, null, 2) + '\n');
      else {
        for (const e of entries) process.stdout.write(row(e) + '\n');
        process.stdout.write(`${plural(entries.length, 'entry', 'entries')}\n`);
      }
      setExit(ExitCode.ok);
    });

  group
    .command('show <assetId>')
    .description('the whole checkpoint entry of one asset')
    .addOption(configOption())
    .action(async (assetId: string, flags: Flags) => {
      const store = await openStore(flags);
      const entry = store.get(assetId);
      if (!entry) {
        process.stderr.write(`no checkpoint entry for ${assetId}\n`);
        setExit(ExitCode.fatal);
        return;
      }
      process.stdout.write(JSON.stringify(entry, null, 2) + '\n');
      setExit(ExitCode.ok);
    });

  group
    .command('validate')
    .description('check the checkpoint file: checksum, every entry, and that it belongs to this job and target; exit 0 = valid, 1 = problems')
    .addOption(configOption())
    .action(async (flags: Flags) => {
      const { config, system } = await locate(flags);
      const { inspectCheckpoint } = await import('../../state/inspect-checkpoint.ts');
      const owner = await ownerOf(config);
      const report = await inspectCheckpoint({ dir: config.checkpoints.dir, sourceSystem: system, owner });
      await printInspection(report, owner);
      const good = !report.exists || (report.ok && report.ownership !== 'mismatch');
      setExit(good ? ExitCode.ok : ExitCode.fatal);
    });

  group
    .command('backups')
    .description('the backups of the checkpoint, newest first, with their validity')
    .addOption(configOption())
    .action(async (flags: Flags) => {
      const { config, system } = await locate(flags);
      const { listBackups } = await import('../../state/backups.ts');
      const backups = await listBackups(config.checkpoints.dir, system, config.job.name);
      for (const b of backups) {
        process.stdout.write(`${b.fileName}  ${b.valid ? 'valid  ' : 'INVALID'}  ${String(b.entryCount).padStart(6)} ${b.entryCount === 1 ? 'entry  ' : 'entries'}  ${b.updatedAt ?? ''}\n`);
      }
      process.stdout.write(`${backups.length} backups\n`);
      setExit(ExitCode.ok);
    });

  group
    .command('restore [backup]')
    .description('replace the checkpoint with a backup (file name, or "latest" valid one); the current file is backed up first')
    .addOption(configOption())
    .action(async (backup: string | undefined, flags: Flags) => {
      const { config, system, paths } = await locate(flags);
      const [{ acquireLock }, { restoreBackup }] = await Promise.all([import('../../state/lock-file.ts'), import('../../state/restore-backup.ts')]);
      // Restoring under a running sync would be overwritten by its next flush: take the same lock.
      const lock = await acquireLock(paths.lock);
      try {
        const result = await restoreBackup({
          dir: config.checkpoints.dir,
          sourceSystem: system,
          job: config.job.name,
          backup: backup ?? 'latest',
        });
        process.stdout.write(`restored ${plural(result.entryCount, 'entry', 'entries')} from ${result.restoredFrom}\n`);
      } finally {
        await lock.release();
      }
      setExit(ExitCode.ok);
    });
}
