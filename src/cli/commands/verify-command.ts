import type { Command } from 'commander';
import { Option } from 'commander';
import { configOption } from '../config-option.ts';
import type { ExitCodeValue } from '../exit-codes.ts';

interface Flags {
  config: string;
  space: string[];
  json?: boolean;
  logLevel?: string;
}

export function registerVerifyCommand(program: Command, setExit: (code: ExitCodeValue) => void): void {
  program
    .command('verify')
    .description('compare every owned table in the target with the checkpoint, writing nothing: exit 0 = in sync, 2 = drift found (changed behind our back, missing, taken over, untracked)')
    .addOption(configOption())
    .option('-s, --space <space>', 'only this space (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print one JSON object')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .action(async (flags: Flags) => {
      const { verifyAction, formatVerify } = await import('../verify-action.ts');
      const { report, exit } = await verifyAction(flags);
      if (flags.json) (await import('../json-output.ts')).printJson(report);
      else process.stdout.write(formatVerify(report) + '\n');
      setExit(exit);
    });
}
