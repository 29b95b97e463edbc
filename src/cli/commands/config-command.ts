import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';
import { configOption } from '../config-option.ts';

interface ValidateFlags {
  config: string;
  json?: boolean;
}

/** `config schema` and `config validate`. The config module (zod) loads only when one of them runs. */
export function registerConfigCommands(program: Command, setExit: (code: ExitCodeValue) => void): void {
  const group = program.command('config').description('the configuration file: its JSON Schema, and a check of one file');

  group
    .command('schema')
    .description('print the JSON Schema of the configuration file (a copy ships as schema/catalog-sync.schema.json)')
    .action(async () => {
      const { configJsonSchema } = await import('../../config/config-json-schema.ts');
      process.stdout.write(JSON.stringify(configJsonSchema(), null, 2) + '\n');
      setExit(ExitCode.ok);
    });

  group
    .command('validate')
    .description('check a configuration file; prints it as it will be used (defaults filled in, secrets redacted) or what is wrong')
    .addOption(configOption())
    .option('--json', 'print the result as one JSON object')
    .action(async (flags: ValidateFlags) => setExit(await validate(flags)));
}

async function validate(flags: ValidateFlags): Promise<ExitCodeValue> {
  const { loadConfig } = await import('../../config/load-config.ts');
  const { ConfigError } = await import('../../config/config-error.ts');
  const { redactConfig } = await import('../../config/redact-config.ts');
  const { printJson } = await import('../json-output.ts');
  const path = await import('node:path');
  const file = path.resolve(flags.config);
  try {
    const { config, secrets } = await loadConfig(file);
    const shown = redactConfig(config, secrets);
    if (flags.json) printJson({ valid: true, file, config: shown });
    else {
      process.stdout.write(`${file}: valid (source ${config.source.type}, target ${config.target.type}). As it will be used, defaults filled in and secrets redacted:\n`);
      process.stdout.write(JSON.stringify(shown, null, 2) + '\n');
    }
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (flags.json) {
      const { line, column } = error.location ?? {};
      const where = line !== undefined ? { line, column } : {};
      printJson({ valid: false, file, code: error.code, error: error.message, ...where, problems: error.problems });
    } else process.stderr.write(`catalog-sync: ${error.message}\n`);
    return ExitCode.fatal;
  }
}
