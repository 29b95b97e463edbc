import type { Command } from 'commander';
import { configOption } from '../config-option.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';

interface Flags {
  config: string;
  dryRun?: boolean;
  json?: boolean;
  space: string[];
}

/*
 * The repairing `checkpoints` subcommands. Registered onto the `checkpoints` group by checkpoints-command.ts; like
 * every registration file, this one imports only commander and tiny helpers: the work is loaded when it runs.
 */
async function print(flags: Flags, report: object, text: () => Promise<string>): Promise<void> {
  if (flags.json) (await import('../json-output.ts')).printJson(report);
  else process.stdout.write((await text()) + '\n');
}

export function registerCheckpointRepairCommands(group: Command, setExit: (code: ExitCodeValue) => void): void {
  group
    .command('rebuild')
    .description('rebuild the checkpoint from the tables this job owns in the target and the hashes they carry (backs up first; takes the lock)')
    .addOption(configOption())
    .option('-s, --space <space>', 'only this space (repeatable); other entries are kept', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--dry-run', 'show what it would write, change nothing')
    .option('--json', 'print one JSON object')
    .action(async (flags: Flags) => {
      const { rebuildCheckpoint } = await import('../checkpoint-repair.ts');
      const report = await rebuildCheckpoint(flags);
      await print(flags, report, async () => (await import('../format-checkpoint-repair.ts')).formatRebuild(report));
      setExit(ExitCode.ok);
    });

  group
    .command('diff <a> [b]')
    .description('compare two checkpoint files, or a backup (by name) and the current one ("current", the default b): added, removed, changed entries and which hash moved')
    .addOption(configOption())
    .option('--json', 'print one JSON object')
    .action(async (a: string, b: string | undefined, flags: Flags) => {
      const { diffCheckpointFiles } = await import('../checkpoint-repair.ts');
      const report = await diffCheckpointFiles(a, b, flags);
      await print(flags, report, async () => (await import('../format-checkpoint-repair.ts')).formatDiff(report));
      setExit(ExitCode.ok);
    });

  group
    .command('forget <assetId>')
    .description('drop one entry, so the next run treats the asset as new (backs up first; takes the lock)')
    .addOption(configOption())
    .option('--dry-run', 'show what it would drop, change nothing')
    .option('--json', 'print one JSON object')
    .action(async (assetId: string, flags: Flags) => {
      const { forgetEntry } = await import('../checkpoint-repair.ts');
      const report = await forgetEntry(assetId, flags);
      await print(flags, report, async () => (await import('../format-checkpoint-repair.ts')).formatForget(report));
      setExit(ExitCode.ok);
    });

  group
    .command('prune')
    .description('apply the backup retention (checkpoints.backups) now, after a fresh backup (takes the lock)')
    .addOption(configOption())
    .option('--dry-run', 'show what it would delete, change nothing')
    .option('--json', 'print one JSON object')
    .action(async (flags: Flags) => {
      const { pruneCheckpointBackups } = await import('../checkpoint-repair.ts');
      const report = await pruneCheckpointBackups(flags);
      await print(flags, report, async () => (await import('../format-checkpoint-repair.ts')).formatPrune(report));
      setExit(ExitCode.ok);
    });
}
