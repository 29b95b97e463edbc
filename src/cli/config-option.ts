import { Option } from 'commander';

/** Read when no `--config` is given, from the current folder; `catalog-sync init` writes it. */
export const DEFAULT_CONFIG_FILE = 'catalog-sync.json';

/**
 * `-c, --config <file>`, the same on every command that reads the configuration. When the file is missing, the
 * loader's message says how to create one (`catalog-sync init`) or name another.
 */
export function configOption(): Option {
  return new Option('-c, --config <file>', 'configuration file').default(DEFAULT_CONFIG_FILE);
}
