import { Command, CommanderError } from 'commander';
import { registerCheckpointCommands } from './commands/checkpoints-command.ts';
import { registerConfigCommands } from './commands/config-command.ts';
import { registerDaemonCommand } from './commands/daemon-command.ts';
import { registerHistoryCommand } from './commands/history-command.ts';
import { registerInitCommand } from './commands/init-command.ts';
import { registerReportCommand } from './commands/report-command.ts';
import { registerRollbackCommand } from './commands/rollback-command.ts';
import { registerSyncCommands } from './commands/sync-command.ts';
import { registerVerifyCommand } from './commands/verify-command.ts';
import { ignoreClosedOutput } from './closed-output.ts';
import { errorCodeOf, ExitCode, exitCodeFor } from './exit-codes.ts';
import { boundHeapGrowth } from './heap-growth.ts';
import { failureJson, jsonPrinted, printJson, resetJsonOutput } from './json-output.ts';
import type { ExitCodeValue } from './exit-codes.ts';

/*
 * Startup rule (`catalog-sync --help` must start in under 300 ms): this file and every registration file in
 * commands/ import only commander (plus `import type`, and tiny helpers such as exit-codes.ts and config-option.ts);
 * everything an action needs (engine, connectors, config loading, pino, lowdb, axios, the AWS SDK…) is loaded inside
 * the action handler with `await import()`. test/cli/startup-imports.test.ts holds every command to it.
 */

/** Builds the command tree; commands are thin and report their exit code through setExit. */
export function buildProgram(setExit: (code: ExitCodeValue) => void): Command {
  const program = new Command('catalog-sync')
    .description('Keep the AWS Glue Data Catalog in step with SAP Datasphere (incremental, checkpointed).')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();
  registerSyncCommands(program, setExit);
  registerCheckpointCommands(program, setExit);
  registerInitCommand(program, setExit);
  registerConfigCommands(program, setExit);
  registerDaemonCommand(program, setExit);
  registerHistoryCommand(program, setExit);
  registerReportCommand(program, setExit);
  registerRollbackCommand(program, setExit);
  registerVerifyCommand(program, setExit);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  boundHeapGrowth();
  ignoreClosedOutput();
  let code: ExitCodeValue = ExitCode.ok;
  resetJsonOutput();
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return ExitCode.ok;
    const exitCode = error instanceof CommanderError ? ExitCode.fatal : exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    // Commander has already printed its own usage error on stderr.
    if (!(error instanceof CommanderError)) process.stderr.write(`catalog-sync: ${message}\n`);
    if (argv.includes('--json') && !jsonPrinted()) {
      const code = error instanceof CommanderError ? 'USAGE' : (errorCodeOf(error) ?? 'FATAL');
      printJson(failureJson({ code, message }, exitCode));
    }
    return exitCode;
  }
}
