import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { configOption } from '../config-option.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';
import { positiveInteger } from './history-command.ts';

interface ReportFlags {
  config: string;
  last?: number;
  since?: Date;
  space?: string;
  format: 'text' | 'json' | 'html';
  out?: string;
}

function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('a date or time, e.g. 2026-11-01 or 2026-11-01T02:00:00Z');
  return date;
}

export function registerReportCommand(program: Command, setExit: (code: ExitCodeValue) => void): void {
  program
    .command('report')
    .description('the bandwidth savings of the recorded runs: per run and in total, against what --full runs would have moved')
    .addOption(configOption())
    .option('-n, --last <n>', 'only the last n runs', positiveInteger)
    .option('--since <date>', 'only runs started at or after this date (ISO-8601)', parseDate)
    .option('-s, --space <space>', 'only runs that covered this space')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'html']).default('text'))
    .option('-o, --out <file>', 'write the report to this file instead of stdout')
    .action(async (flags: ReportFlags) => {
      const [{ loadConfig }, { loadHistory }, { buildSavingsReport }] = await Promise.all([
        import('../../config/load-config.ts'),
        import('../../report/history-schema.ts'),
        import('../../report/savings-report.ts'),
      ]);
      const { config } = await loadConfig(flags.config);
      const { runs, invalid } = await loadHistory(config.history.file);
      if (invalid > 0) process.stderr.write(`warning: ${invalid} unreadable record(s) in ${config.history.file} were left out\n`);
      const report = buildSavingsReport(runs, {
        ...(flags.last !== undefined ? { last: flags.last } : {}),
        ...(flags.since ? { since: flags.since } : {}),
        ...(flags.space !== undefined ? { space: flags.space } : {}),
      });
      let text: string;
      if (flags.format === 'json') text = JSON.stringify(report, null, flags.out ? 2 : undefined);
      else if (flags.format === 'html') text = (await import('../../report/render-report-html.ts')).renderReportHtml(report);
      else text = (await import('../../report/format-report-text.ts')).formatReportText(report);
      if (flags.out) {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(flags.out, text.endsWith('\n') ? text : text + '\n', 'utf8');
        process.stderr.write(`report of ${report.runs.length} run(s) written to ${flags.out}\n`);
      } else {
        // JSON through the one-object printer, so a failure cannot print a second object.
        if (flags.format === 'json') (await import('../json-output.ts')).printJson(report);
        else process.stdout.write(text.endsWith('\n') ? text : text + '\n');
      }
      setExit(ExitCode.ok);
    });
}
