import fs from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { CLIENT_ID, CLIENT_SECRET, TENANT_URL, TOKEN_URL } from './fake-tenant.ts';
import type { EngineDirs } from './run-engine.ts';

export const ID_VARIABLE = 'DS_E2E_CLIENT_ID';
export const SECRET_VARIABLE = 'DS_E2E_CLIENT_SECRET';

/** A config file for the fake tenant, with the credentials as `${ENV}` references, as a user would write it. */
export async function writeConfig(dirs: EngineDirs, source: Record<string, unknown> = {}): Promise<string> {
  const file = path.join(dirs.root, 'config.json');
  const config = {
    job: { name: 'catalog-sync' },
    source: {
      type: 'datasphere',
      tenantUrl: TENANT_URL,
      tokenUrl: TOKEN_URL,
      clientId: `\${${ID_VARIABLE}}`,
      clientSecret: `\${${SECRET_VARIABLE}}`,
      // The CLI wires no sleep: no retries keeps the test free of real waiting.
      maxRetries: 0,
      ...source,
    },
    target: { type: 'file', path: dirs.target },
    checkpoints: { dir: dirs.checkpoints },
    history: { file: path.join(dirs.root, 'history.jsonl') },
  };
  await writeFile(file, JSON.stringify(config, null, 2));
  return file;
}

export interface CliResult {
  code: number;
  stdout: string;
  /** Everything the logger wrote to file descriptor 2. */
  stderr: string;
}

/**
 * Runs the real CLI entry in-process (nock only intercepts this process). pino writes its lines to fd 2
 * with fs.writeSync, so that is where they are captured; stdout carries the `--json` summary.
 */
export async function runCli(args: string[], env: { clientId?: string; clientSecret?: string } = {}): Promise<CliResult> {
  const previous = { id: process.env[ID_VARIABLE], secret: process.env[SECRET_VARIABLE] };
  process.env[ID_VARIABLE] = env.clientId ?? CLIENT_ID;
  process.env[SECRET_VARIABLE] = env.clientSecret ?? CLIENT_SECRET;
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  const realWriteSync = fs.writeSync;
  const writeSync = vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd === 2) {
      err.push(typeof data === 'string' ? data : Buffer.from(data as Uint8Array).toString('utf8'));
      return typeof data === 'string' ? Buffer.byteLength(data) : (data as Uint8Array).byteLength;
    }
    return (realWriteSync as (...a: unknown[]) => number)(fd, data, ...rest);
  }) as typeof fs.writeSync);
  try {
    const code = await main(['node', 'catalog-sync', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    writeSync.mockRestore();
    restore(ID_VARIABLE, previous.id);
    restore(SECRET_VARIABLE, previous.secret);
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
