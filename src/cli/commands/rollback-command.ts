import type { Command } from 'commander';
import { configOption } from '../config-option.ts';
import type { ExitCodeValue } from '../exit-codes.ts';

interface Flags {
  config: string;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
}

export function registerRollbackCommand(program: Command, setExit: (code: ExitCodeValue) => void): void {
  program
    .command('rollback <runId>')
    .description('undo a run: tables it updated go back to their previous version, tables it created are deleted, tables it deleted come back; the checkpoint follows (`history` shows which runs can be rolled back)')
    .addOption(configOption())
    .option('--dry-run', 'show what it would do, change nothing')
    .option('--force', 'override the max-delete guard')
    .option('--json', 'print one JSON object')
    .action(async (runId: string, flags: Flags) => {
      const { rollbackAction, formatRollback } = await import('../rollback-action.ts');
      const { report, exit } = await rollbackAction(runId, flags);
      if (flags.json) (await import('../json-output.ts')).printJson(report);
      else process.stdout.write(formatRollback(report) + '\n');
      if (report.guard) process.stderr.write(`catalog-sync: ${report.guard.wouldStop ? 'a real rollback would stop here' : 'stopped by a safety guard, nothing was changed'}: ${report.guard.message}\n`);
      setExit(exit);
    });
}
