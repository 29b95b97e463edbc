import { Option } from 'commander';

/** `-c, --config <file>`, the same on every command that reads the configuration. */
export function configOption(): Option {
  return new Option('-c, --config <file>', 'configuration file').default('config.json');
}
