import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config-schema.ts';
import { configSchema } from './config-schema.ts';
import { stripComments } from './config-comments.ts';
import { ConfigError } from './config-error.ts';
import { configProblems } from './config-problems.ts';
import { locateJsonError } from './json-error-location.ts';
import { substituteEnv } from './substitute-env.ts';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file it came from; relative paths in it were resolved against its folder. */
  file: string;
  /** Values that came from the environment, and the source's credentials: redacted from every log line. */
  secrets: string[];
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedConfig> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(absolute);
    throw new ConfigError(`cannot read config file ${absolute}: ${(error as Error).message}`);
  }
  return parseConfig(parseJson(text, absolute), absolute, env);
}

/** JSON.parse with the line and column of a syntax error, and the line itself, in the message. */
export function parseJson(text: string, file: string): unknown {
  // Editors on Windows may save a byte-order mark, which JSON.parse rejects as an unexpected token.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    const { location, reason } = locateJsonError(body, (error as Error).message);
    throw new ConfigError(`${file}:${location.line}:${location.column}: not valid JSON: ${reason}\n${location.excerpt}`, [], { location });
  }
}

function notFound(file: string): ConfigError {
  return new ConfigError(
    `no config file at ${file}: create one with \`catalog-sync init\` (--out <file> to name it), or pass --config <file>`,
    [],
    { code: 'CONFIG_NOT_FOUND' },
  );
}

/** Validates an already-parsed config object; relative paths resolve against `file`'s folder. */
export function parseConfig(raw: unknown, file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const { value, secrets } = substituteEnv(stripComments(raw), env);
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    throw new ConfigError(`invalid configuration in ${file}`, configProblems(parsed.error.issues));
  }
  return { config: resolvePaths(parsed.data, path.dirname(file)), file, secrets: [...secrets, ...credentialsOf(parsed.data)] };
}

/**
 * The source's credentials stay out of logs whether they came from the environment or were written into the
 * file: the client id too, which names the technical user and is half of the credentials.
 */
function credentialsOf(config: Config): string[] {
  return config.source.type === 'datasphere' ? [config.source.clientId, config.source.clientSecret] : [];
}

function resolvePaths(config: Config, base: string): Config {
  const at = (p: string) => path.resolve(base, p);
  return {
    ...config,
    source: config.source.type === 'csn-files' ? { ...config.source, path: at(config.source.path) } : config.source,
    target: config.target.type === 'file' ? { ...config.target, path: at(config.target.path) } : config.target,
    checkpoints: { ...config.checkpoints, dir: at(config.checkpoints.dir) },
    mapping: config.mapping.file === undefined ? config.mapping : { ...config.mapping, file: at(config.mapping.file) },
    history: { ...config.history, file: at(config.history.file), changeLog: at(config.history.changeLog) },
  };
}
