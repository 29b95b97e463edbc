import type { Command } from 'commander';
import { Option } from 'commander';
import { ExitCode } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';
import { DEFAULT_CONFIG_FILE } from '../config-option.ts';

/**
 * What init offers. A type offered here but not (yet) in the config schema is refused with a clear message
 * rather than written as an invalid file. Enabling one takes the schema variant and examples for its required
 * keys (REQUIRED_EXAMPLES in init-template.ts); the Glue source has none (every key has a default).
 */
export const INIT_SOURCES = ['csn-files', 'datasphere', 'glue'] as const;
export const INIT_TARGETS = ['file', 'glue'] as const;

interface InitFlags {
  source: (typeof INIT_SOURCES)[number];
  target: (typeof INIT_TARGETS)[number];
  out: string;
  force?: boolean;
}

export function registerInitCommand(program: Command, setExit: (code: ExitCodeValue) => void): void {
  program
    .command('init')
    .description(`write a commented starter configuration (${DEFAULT_CONFIG_FILE} here unless --out)`)
    .addOption(new Option('--source <type>', 'where assets come from').choices(INIT_SOURCES).default('csn-files'))
    .addOption(new Option('--target <type>', 'where tables go').choices(INIT_TARGETS).default('file'))
    .option('-o, --out <file>', 'file to write ("-" prints it)', DEFAULT_CONFIG_FILE)
    .option('--force', 'overwrite the file if it exists')
    .action(async (flags: InitFlags) => setExit(await init(flags)));
}

async function init(flags: InitFlags): Promise<ExitCodeValue> {
  const path = await import('node:path');
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { pathToFileURL } = await import('node:url');
  const { configJsonSchema, variantsOf, CONFIG_SCHEMA_FILE } = await import('../../config/config-json-schema.ts');
  const { starterConfig } = await import('../init-template.ts');

  const schema = configJsonSchema();
  for (const [block, wanted] of [['source', flags.source], ['target', flags.target]] as const) {
    const available = variantsOf(schema, block);
    if (!available.includes(wanted)) {
      process.stderr.write(
        `catalog-sync: --${block} ${wanted} is not available yet: this version has no ${block}.type "${wanted}" in its configuration. ` +
          `Available: ${available.join(', ')}.\n`,
      );
      return ExitCode.fatal;
    }
  }

  const toStdout = flags.out === '-';
  const out = path.resolve(toStdout ? DEFAULT_CONFIG_FILE : flags.out);
  // Relative, so that the reference holds wherever the project (and its node_modules) is checked out.
  let schemaRef = path.relative(path.dirname(out), CONFIG_SCHEMA_FILE).split(path.sep).join('/');
  if (path.isAbsolute(schemaRef)) schemaRef = pathToFileURL(CONFIG_SCHEMA_FILE).href; // on another drive
  else if (!schemaRef.startsWith('../')) schemaRef = `./${schemaRef}`;
  const text = starterConfig(schema, { source: flags.source, target: flags.target, schemaRef });

  if (toStdout) {
    process.stdout.write(text);
    return ExitCode.ok;
  }
  await mkdir(path.dirname(out), { recursive: true });
  try {
    // 'wx' refuses an existing file atomically: no window between a check and the write.
    await writeFile(out, text, { flag: flags.force ? 'w' : 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    process.stderr.write(`catalog-sync: ${out} already exists and was left as it is: pass --force to replace it, or --out <file> to write another\n`);
    return ExitCode.fatal;
  }
  process.stdout.write(nextSteps(out, flags, path.relative(process.cwd(), out)));
  return ExitCode.ok;
}

function nextSteps(out: string, flags: InitFlags, shown: string): string {
  const withConfig = shown === DEFAULT_CONFIG_FILE ? '' : ` --config ${shown}`;
  const lines = [`wrote ${out} (source ${flags.source}, target ${flags.target}); every setting in it is explained by a // comment.`, 'Next:'];
  if (flags.source === 'csn-files') lines.push('  - put your Datasphere CSN export files (*.json) into the folder named by source.path, and set source.space');
  if (flags.source === 'datasphere') {
    lines.push('  - fill in source.tenantUrl and source.tokenUrl (docs/datasphere-setup.md says where to find them)');
    lines.push('  - export DATASPHERE_CLIENT_ID=... DATASPHERE_CLIENT_SECRET=...   (read from the environment, never stored in the file)');
  }
  if (flags.target === 'glue') lines.push('  - AWS credentials come from the environment, a profile or a role, as for the AWS CLI; set target.region');
  lines.push(`  - catalog-sync config validate${withConfig}   # check the file`);
  lines.push(`  - catalog-sync plan${withConfig}              # see what a sync would write, writing nothing`);
  lines.push(`  - catalog-sync sync${withConfig}`);
  return lines.join('\n') + '\n';
}
