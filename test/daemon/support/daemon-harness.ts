import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSource, createTarget } from '../../../src/cli/create-connectors.ts';
import { syncOptionsFromConfig } from '../../../src/cli/sync-options.ts';
import type { Config } from '../../../src/config/config-schema.ts';
import { parseConfig } from '../../../src/config/load-config.ts';
import { daemonCheckpointAccess } from '../../../src/daemon/daemon-checkpoints.ts';
import type { Daemon, DaemonLogger } from '../../../src/daemon/start-daemon.ts';
import { startDaemon } from '../../../src/daemon/start-daemon.ts';
import { appendRunHistory } from '../../../src/report/run-history.ts';
import { checkpointPaths } from '../../../src/state/checkpoint-paths.ts';
import { writeSpacesExport } from './spaces-export.ts';
import { WriteGate } from './write-gate.ts';

export const silentLogger: DaemonLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/** A logger that keeps every line (level, fields and message, as JSON) in `lines`. */
export function capturingLogger(): DaemonLogger & { lines: string[] } {
  const lines: string[] = [];
  const make = (bindings: Record<string, unknown>): DaemonLogger => {
    const log = (level: string) => (obj: object, msg?: string) => void lines.push(JSON.stringify({ level, ...bindings, ...obj, msg }));
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: (more) => make({ ...bindings, ...more }) };
  };
  return Object.assign(make({}), { lines });
}

export interface Harness {
  root: string;
  configFile: string;
  config: Config;
  daemon: Daemon;
  url: string;
  gate: WriteGate;
  /** JSON request against the daemon's API; answers with status and parsed body (text for /metrics). */
  request(method: string, pathname: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  /** Polls a job until `done(job)` holds (or it finished), and returns it. */
  waitForJob(id: string, done?: (job: any) => boolean): Promise<any>;
  checkpointFile(): string;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  spaces?: Record<string, number>;
  /** Merged over the harness's config (api on a free loopback port, no schedules, silent logs). */
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Receives everything the daemon logs (default: nothing is kept). */
  logger?: DaemonLogger;
}

/** The config a harness runs with, written to `<root>/config.json` so the CLI can use the same one. */
export function harnessConfig(root: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, any> = {
    source: { type: 'csn-files', path: path.join(root, 'export'), space: 'A' },
    target: { type: 'file', path: path.join(root, 'target') },
    checkpoints: { dir: path.join(root, 'checkpoints'), flushEvery: 5, flushIntervalMs: 0 },
    history: { file: path.join(root, 'history.jsonl') },
    sync: { concurrency: 1 },
    deletion: { maxPercent: 100 },
    schedule: { cron: null, refresh: null },
    api: { host: '127.0.0.1', port: 0 },
    logging: { level: 'silent' },
  };
  for (const [key, value] of Object.entries(extra)) {
    base[key] = typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...(base[key] ?? {}), ...value } : value;
  }
  return base;
}

/** A real daemon (real engine, csn-files source, file target, checkpoint store and lock) on a free loopback port. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const root = await mkdtemp(path.join(tmpdir(), 'catalog-sync-daemon-'));
  await writeSpacesExport(path.join(root, 'export'), options.spaces ?? { A: 12, B: 12 });
  const raw = harnessConfig(root, options.config);
  const configFile = path.join(root, 'config.json');
  await writeFile(configFile, JSON.stringify(raw, null, 2));
  const env = options.env ?? {};
  const { config, secrets } = parseConfig(raw, configFile, env);
  const gate = new WriteGate();
  const connectors = async () => ({ source: createSource(config), target: gate.wrap(await createTarget(config)) });
  const logger = options.logger ?? silentLogger;
  const access = await daemonCheckpointAccess(config, connectors, logger);
  const daemon = await startDaemon({
    config,
    logger,
    secrets,
    env,
    connectors,
    syncOptions: (request) => syncOptionsFromConfig(config, { spaces: request.spaces, mode: request.mode, dryRun: request.dryRun }),
    lock: access.lock,
    openCheckpoints: access.open,
    appendHistory: (summary) => appendRunHistory(config.history.file, summary),
  });
  const url = daemon.url;

  const request: Harness['request'] = async (method, pathname, body, headers = {}) => {
    const response = await fetch(`${url}${pathname}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const isJson = response.headers.get('content-type')?.includes('application/json') === true;
    return { status: response.status, body: isJson ? JSON.parse(text) : text, headers: response.headers };
  };

  return {
    root,
    configFile,
    config,
    daemon,
    url,
    gate,
    request,
    async waitForJob(id, done = () => false) {
      for (;;) {
        const { body } = await request('GET', `/api/v1/sync/${id}`);
        if (done(body) || body.finishedAt !== null) return body;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    checkpointFile: () => checkpointPaths(config.checkpoints.dir, 'datasphere', config.job.name).file,
    async stop() {
      gate.release();
      await daemon.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
