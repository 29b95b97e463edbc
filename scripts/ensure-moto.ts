/**
 * Finds moto_server, the Glue-compatible server the integration tests run against — or, on a developer's machine
 * without it, installs the pinned version into the git-ignored `.venv/` of the repository.
 *
 *   node --import tsx scripts/ensure-moto.ts        prints the path of moto_server (installing it if needed)
 *
 * Where it looks, in order: $MOTO_SERVER (an explicit path), `moto_server` on PATH, `.venv/bin/moto_server`.
 * It installs only when allowed (never under CI=true: CI machines have moto, and a CI run that quietly
 * installs things hides a broken machine) and fails with an explanation otherwise.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MOTO_REQUIREMENT = 'moto[server]==5.2.1';
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export class MotoUnavailableError extends Error {
  override readonly name = 'MotoUnavailableError';
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

const venvServer = (root: string): string => path.join(root, '.venv', 'bin', 'moto_server');

export async function findMotoServer(root = REPO_ROOT, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const explicit = env['MOTO_SERVER'];
  if (explicit) {
    if (await isExecutable(explicit)) return explicit;
    throw new MotoUnavailableError(`MOTO_SERVER=${explicit} is not an executable file`);
  }
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir && (await isExecutable(path.join(dir, 'moto_server')))) return path.join(dir, 'moto_server');
  }
  return (await isExecutable(venvServer(root))) ? venvServer(root) : undefined;
}

function run(command: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    log(`$ ${command} ${args.join(' ')}`);
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    const shown = `${path.basename(command)} ${args.slice(0, 3).join(' ')}`;
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${shown} exited with ${code}`))));
  });
}

/** python3 -m venv .venv && .venv/bin/python -m pip install moto[server]==5.2.1 */
export async function installMotoServer(root = REPO_ROOT, log: (line: string) => void = console.error): Promise<string> {
  const venv = path.join(root, '.venv');
  if (!(await isExecutable(path.join(venv, 'bin', 'python')))) await run('python3', ['-m', 'venv', venv], log);
  await run(path.join(venv, 'bin', 'python'), ['-m', 'pip', 'install', '--disable-pip-version-check', MOTO_REQUIREMENT], log);
  if (!(await isExecutable(venvServer(root)))) throw new Error(`pip finished but ${venvServer(root)} is missing`);
  return venvServer(root);
}

export interface EnsureOptions {
  root?: string;
  env?: NodeJS.ProcessEnv;
  /** Install into .venv when moto is missing; default: not under CI. */
  install?: boolean;
  log?: (line: string) => void;
}

/** The path of a runnable moto_server, or a MotoUnavailableError saying why there is none and what to do. */
export async function ensureMotoServer(options: EnsureOptions = {}): Promise<string> {
  const root = options.root ?? REPO_ROOT;
  const env = options.env ?? process.env;
  const found = await findMotoServer(root, env);
  if (found) return found;
  const install = options.install ?? env['CI'] !== 'true';
  const how =
    `Install it with \`pip install '${MOTO_REQUIREMENT}'\` (moto_server on PATH), or point MOTO_SERVER at a ` +
    'moto_server executable, or run `node --import tsx scripts/ensure-moto.ts` to install it into .venv/.';
  if (!install) {
    throw new MotoUnavailableError(
      `moto_server was not found (looked at $MOTO_SERVER, PATH and ${venvServer(root)}), and CI=true forbids ` +
        `installing it on the fly. The Glue integration tests need it. ${how}`,
    );
  }
  (options.log ?? console.error)(`moto_server not found; installing ${MOTO_REQUIREMENT} into ${path.join(root, '.venv')}`);
  try {
    return await installMotoServer(root, options.log);
  } catch (error) {
    throw new MotoUnavailableError(
      `moto_server was not found and installing ${MOTO_REQUIREMENT} into .venv/ failed (${(error as Error).message}). ` +
        `The Glue integration tests need it; they are not skipped. ${how}`,
    );
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureMotoServer({ install: true })
    .then((file) => console.log(file))
    .catch((error: Error) => {
      console.error(error.message);
      process.exit(1);
    });
}
