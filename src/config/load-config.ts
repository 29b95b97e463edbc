import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config-schema.ts';
import { configSchema } from './config-schema.ts';
import { ConfigError } from './config-error.ts';
import { substituteEnv } from './substitute-env.ts';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file it came from; relative paths in it were resolved against its folder. */
  file: string;
  /** Values that came from the environment: redacted from every log line. */
  secrets: string[];
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${absolute}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${absolute} is not valid JSON: ${(error as Error).message}`);
  }
  return parseConfig(raw, absolute, env);
}

/** Validates an already-parsed config object; relative paths resolve against `file`'s folder. */
export function parseConfig(raw: unknown, file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const { value, secrets } = substituteEnv(stripComments(raw), env);
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError(`invalid configuration in ${file}`, issues);
  }
  return { config: resolvePaths(parsed.data, path.dirname(file)), file, secrets };
}

/** Keys starting with `//` or `$comment` document the file (config.example.json uses them) and are dropped. */
function stripComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripComments);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key.startsWith('//') || key === '$comment') continue;
      out[key] = stripComments(child);
    }
    return out;
  }
  return value;
}

function resolvePaths(config: Config, base: string): Config {
  const at = (p: string) => path.resolve(base, p);
  return {
    ...config,
    source: config.source.type === 'csn-files' ? { ...config.source, path: at(config.source.path) } : config.source,
    target: config.target.type === 'file' ? { ...config.target, path: at(config.target.path) } : config.target,
    checkpoints: { ...config.checkpoints, dir: at(config.checkpoints.dir) },
    mapping: config.mapping.file === undefined ? config.mapping : { ...config.mapping, file: at(config.mapping.file) },
    history: { ...config.history, file: at(config.history.file) },
  };
}
