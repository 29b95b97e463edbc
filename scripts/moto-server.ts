/**
 * Starts moto_server on a free loopback port and stops it again, leaving nothing behind. Used by the vitest global
 * setup (test/setup/moto-global-setup.ts) and by scripts that measure against a real Glue-compatible server.
 *
 * moto runs under scripts/moto-supervisor.mjs as the leader of its own process group: stop() kills the whole group,
 * hooks on exit and on SIGINT/SIGTERM/SIGHUP do the same if the caller never gets to stop(), and the supervisor
 * stops moto by itself if this process vanishes without any of that (SIGKILL).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from './ensure-moto.ts';

export const MOTO_HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const START_ATTEMPTS = 3;

export interface RunningMoto {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Process group of the supervisor and moto. */
  pid: number;
  stop(): Promise<void>;
}

export class MotoStartError extends Error {
  override readonly name = 'MotoStartError';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, MOTO_HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Resolves when moto answers on its API; rejects when the process exits first or the time is up. */
async function waitUntilReady(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new MotoStartError(`moto_server exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new MotoStartError(`moto_server did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000}s:\n${output()}`);
}

async function startOnce(command: string): Promise<RunningMoto> {
  const port = await freePort();
  const endpoint = `http://${MOTO_HOST}:${port}`;
  const supervisor = path.join(REPO_ROOT, 'scripts', 'moto-supervisor.mjs');
  const child = spawn(process.execPath, [supervisor, String(process.pid), command, '-H', MOTO_HOST, '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Keep only the tail of what moto prints (it logs every request): enough to explain a failed start.
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawned = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid as number));
    child.once('error', reject);
  });

  const cleanupSync = (): void => killGroup(spawned, 'SIGKILL');
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanupSync();
    process.off(signal, onSignal);
    // Ours was the only listener: restore the default (terminate) that adding it had switched off.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  process.on('exit', cleanupSync);
  for (const signal of signals) process.on(signal, onSignal);
  const unhook = (): void => {
    process.off('exit', cleanupSync);
    for (const signal of signals) process.off(signal, onSignal);
  };

  const stop = async (): Promise<void> => {
    unhook();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(spawned, 'SIGTERM');
    const timer = setTimeout(() => killGroup(spawned, 'SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    // moto may have left a thread's process behind in the group; make sure the group is empty.
    killGroup(spawned, 'SIGKILL');
    child.stdout?.destroy();
    child.stderr?.destroy();
  };

  try {
    await waitUntilReady(endpoint, child, () => tail);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, pid: spawned, stop };
}

/** Starts moto_server (the path from ensureMotoServer) and waits until it answers. */
export async function startMotoServer(command: string): Promise<RunningMoto> {
  let last: unknown;
  // A port found free can be taken before moto binds it; another port usually fixes that.
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    try {
      return await startOnce(command);
    } catch (error) {
      last = error;
    }
  }
  throw last instanceof Error ? last : new MotoStartError(String(last));
}
