import type { Command } from 'commander';
import type { CheckpointEntry } from '../../catalog/checkpoint.ts';
import { loadConfig } from '../../config/load-config.ts';
import { openCheckpointStore } from '../../state/file-checkpoint-store.ts';
import { createSource } from '../create-connectors.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ExitCodeValue } from '../exit-codes.ts';

interface Flags {
  config: string;
  json?: boolean;
  space?: string;
}

async function openStore(flags: Flags) {
  const { config } = await loadConfig(flags.config);
  const source = createSource(config);
  const warnings: string[] = [];
  const store = await openCheckpointStore({
    dir: config.checkpoints.dir,
    sourceSystem: source.system,
    flushEvery: config.checkpoints.flushEvery,
    backups: config.checkpoints.backups,
    onWarning: (m) => warnings.push(m),
  });
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
  return store;
}

function row(e: CheckpointEntry): string {
  const table = `${e.target.database}.${e.target.table}`;
  return [e.assetId.padEnd(44), e.assetType.padEnd(15), table.padEnd(40), `v${e.syncVersion}`.padEnd(5), e.lastSyncAt, e.deprecatedAt ? ` deprecated ${e.deprecatedAt}` : ''].join(' ');
}

export function registerCheckpointCommands(program: Command, setExit: (code: ExitCodeValue) => void): void {
  const group = program.command('checkpoints').description('inspect the checkpoint of the configured source');

  group
    .command('list')
    .description('one line per synced asset')
    .option('-c, --config <file>', 'configuration file', 'config.json')
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
        process.stdout.write(`${entries.length} entries\n`);
      }
      setExit(ExitCode.ok);
    });

  group
    .command('show <assetId>')
    .description('the whole checkpoint entry of one asset')
    .option('-c, --config <file>', 'configuration file', 'config.json')
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
}
