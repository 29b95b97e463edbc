import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { configOption } from '../config-option.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';

interface HistoryFlags {
  config: string;
  last: number;
  asset?: string;
  json?: boolean;
}

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number, 1 or more');
  return n;
}

export function registerHistoryCommand(program: Command, setExit: (code: ExitCodeValue) => void): void {
  program
    .command('history')
    .description('the recorded runs (and which can still be rolled back); with --asset, what each run did to that asset')
    .addOption(configOption())
    .option('-n, --last <n>', 'only the last n runs', positiveInteger, 20)
    .option('-a, --asset <assetId>', 'the change-log lines of one asset (SPACE/Name)')
    .option('--json', 'print one JSON object')
    .action(async (flags: HistoryFlags) => {
      const [{ loadAuditContext }, { planRollback }, { formatAssetChanges, formatHistory }, { printJson }] = await Promise.all([
        import('../audit-context.ts'),
        import('../../report/rollback-plan.ts'),
        import('../format-history.ts'),
        import('../json-output.ts'),
      ]);
      const audit = await loadAuditContext(flags.config);
      if (audit.invalid > 0) process.stderr.write(`warning: ${audit.invalid} unreadable line(s) in the run history or change log were left out\n`);
      if (flags.asset !== undefined) {
        const asset = flags.asset;
        const runIds = new Set(audit.runs.slice(-flags.last).map((r) => r.runId));
        const entries = audit.changeLog.filter((e) => e.assetId === asset && runIds.has(e.runId));
        if (flags.json) printJson({ assetId: asset, changes: entries });
        else process.stdout.write(formatAssetChanges(asset, entries) + '\n');
        setExit(ExitCode.ok);
        return;
      }
      const rows = audit.runs.slice(-flags.last).map((run) => ({ run, rollback: planRollback(run.runId, audit.runs, audit.changeLog, audit.backups) }));
      if (flags.json) {
        printJson({
          runs: rows.map(({ run, rollback }) => ({
            ...run,
            rollback: { possible: rollback.refusals.length === 0, refusals: rollback.refusals, tables: rollback.steps.length },
          })),
        });
      } else process.stdout.write(formatHistory(rows) + '\n');
      setExit(ExitCode.ok);
    });
}
