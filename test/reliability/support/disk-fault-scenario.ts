import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../support/run-cli.ts';

/**
 * A CSN export synced into a file target by the real CLI binary (bin/catalog-sync.js, a child process), with file
 * system faults injected into that process through fs-fault-preload.mjs: the real code on the real file system,
 * where chosen calls fail as a full disk, a failing device or a read-only folder makes them fail.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = path.join(REPO_ROOT, 'bin/catalog-sync.js');
const PRELOAD = fileURLToPath(new URL('./fs-fault-preload.mjs', import.meta.url));

export const JOB = 'catalog-sync';
export const SPACE = 'DISK';
export const DATABASE = 'ds_disk';

export interface FaultSpec {
  /** Regular expression (source) a failing call's path must match. */
  paths: string;
  code: 'ENOSPC' | 'EIO' | 'EACCES' | 'EROFS';
  /** write, fsync, rename, create, remove (see fs-fault-preload.mjs). */
  ops: string[];
  /** Matching calls that still succeed first. */
  after?: number;
  times?: number;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The one JSON object `--json` printed (undefined when stdout is not exactly one JSON line). */
  json: Record<string, any> | undefined;
  /** The calls the preload made fail, `<op> <path>` each. */
  faults: string[];
}

export interface TableState {
  version: number;
  hashes: { content: string; schema: string; metadata: string };
}

export class DiskScenario {
  readonly exportDir: string;
  readonly targetDir: string;
  readonly checkpointDir: string;
  readonly backupDir: string;
  readonly checkpointFile: string;
  readonly journalFile: string;
  readonly lockFile: string;
  readonly historyDir: string;
  readonly historyFile: string;
  readonly configFile: string;
  #runs = 0;

  constructor(readonly root: string) {
    this.exportDir = path.join(root, 'export');
    this.targetDir = path.join(root, 'target');
    this.checkpointDir = path.join(root, 'state');
    this.backupDir = path.join(this.checkpointDir, 'backup');
    this.checkpointFile = path.join(this.checkpointDir, `${JOB}@datasphere_checkpoints.json`);
    this.journalFile = path.join(this.checkpointDir, `${JOB}@datasphere_checkpoints.journal`);
    this.lockFile = path.join(this.checkpointDir, `${JOB}@datasphere_checkpoints.lock`);
    this.historyDir = path.join(root, 'history');
    this.historyFile = path.join(this.historyDir, 'history.jsonl');
    this.configFile = path.join(root, 'config.json');
  }

  static async create(tables: number): Promise<DiskScenario> {
    const scenario = new DiskScenario(await mkdtemp(path.join(tmpdir(), 'reliability-disk-')));
    await mkdir(scenario.exportDir, { recursive: true });
    for (let i = 0; i < tables; i++) await scenario.writeTable(i, `Table ${i}`);
    await writeFile(
      scenario.configFile,
      JSON.stringify({
        job: { name: JOB },
        source: { type: 'csn-files', path: scenario.exportDir, space: SPACE },
        target: { type: 'file', path: scenario.targetDir },
        // Flushes every 10 confirmed writes, whatever the time: a run makes several, so a fault can land mid-run.
        checkpoints: { dir: scenario.checkpointDir, flushEvery: 10, flushIntervalMs: 0, backups: { keep: 5, maxAgeDays: 0 } },
        history: { file: scenario.historyFile, changeLog: path.join(scenario.historyDir, 'change-log.jsonl') },
        logging: { level: 'warn' },
      }),
    );
    return scenario;
  }

  /** One export file per table, so changing a table re-reads only its file. */
  async writeTable(index: number, label: string): Promise<void> {
    const name = `T_${String(index).padStart(4, '0')}`;
    const definition = {
      kind: 'entity',
      '@EndUserText.label': label,
      '@ObjectModel.modelingPattern': { '#': 'DATA_STRUCTURE' },
      elements: {
        ID: { type: 'cds.Integer64', key: true, notNull: true },
        NAME: { type: 'cds.String', length: 100, '@EndUserText.label': 'Name' },
        AMOUNT: { type: 'cds.Decimal', precision: 15, scale: 2 },
      },
    };
    await writeFile(path.join(this.exportDir, `${name}.json`), JSON.stringify({ definitions: { [name]: definition }, version: { csn: '1.0' } }));
  }

  /** Relabels tables [0, count): each becomes a change to write. */
  async change(count: number, label: string): Promise<void> {
    for (let i = 0; i < count; i++) await this.writeTable(i, `${label} ${i}`);
  }

  /** A run of the CLI in this process (the same entry point, without a process's start-up cost): no fault. */
  async runHere(args: string[] = ['sync', '--json']): Promise<CliRun> {
    const result = await runCli([...args, '--config', this.configFile]);
    return { code: result.code, stdout: result.stdout, stderr: result.stderr, json: oneJsonObject(result.stdout), faults: [] };
  }

  /** A run of the real binary in a child process, with `fault` injected into its file system calls. */
  async run(args: string[] = ['sync', '--json'], fault?: FaultSpec): Promise<CliRun> {
    const faultLog = path.join(this.root, `faults-${++this.#runs}.log`);
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const execArgv: string[] = [];
    if (fault) {
      execArgv.push('--import', PRELOAD);
      Object.assign(env, {
        FS_FAULT_PATHS: fault.paths,
        FS_FAULT_CODE: fault.code,
        FS_FAULT_OPS: fault.ops.join(','),
        FS_FAULT_AFTER: String(fault.after ?? 0),
        FS_FAULT_LOG: faultLog,
        ...(fault.times !== undefined ? { FS_FAULT_TIMES: String(fault.times) } : {}),
      });
    }
    const child = spawn(process.execPath, [...execArgv, BIN, ...args, '--config', this.configFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const faults = (await readFile(faultLog, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    return { code, stdout, stderr, json: oneJsonObject(stdout), faults };
  }

  /** Every table's version and hashes, by table name. */
  async tables(): Promise<Map<string, TableState>> {
    const out = new Map<string, TableState>();
    const folder = path.join(this.targetDir, DATABASE);
    for (const name of (await readdir(folder)).sort()) {
      if (!name.endsWith('.json') || name.startsWith('_') || name.startsWith('.')) continue;
      const table = JSON.parse(await readFile(path.join(folder, name), 'utf8')) as { VersionId: string; Parameters: Record<string, string> };
      out.set(name.slice(0, -5), {
        version: Number(table.VersionId),
        hashes: {
          content: table.Parameters['catalog_sync.hash.content']!,
          schema: table.Parameters['catalog_sync.hash.schema']!,
          metadata: table.Parameters['catalog_sync.hash.metadata']!,
        },
      });
    }
    return out;
  }

  /** Names in the checkpoint folder and its backup folder (`backup/<name>`). */
  async stateFiles(): Promise<string[]> {
    const top = await readdir(this.checkpointDir).catch(() => [] as string[]);
    const backups = await readdir(this.backupDir).catch(() => [] as string[]);
    return [...top.filter((n) => n !== 'backup'), ...backups.map((n) => `backup/${n}`)].sort();
  }

  async checkpointBytes(): Promise<Buffer | undefined> {
    return readFile(this.checkpointFile).catch(() => undefined);
  }

  async historyRecords(): Promise<Array<Record<string, any>>> {
    const text = await readFile(this.historyFile, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, any>);
  }

  cleanup(): Promise<void> {
    return rm(this.root, { recursive: true, force: true });
  }
}

/** The one JSON object on stdout, or undefined when stdout is anything else. */
function oneJsonObject(stdout: string): Record<string, any> | undefined {
  const lines = stdout.trim() === '' ? [] : stdout.trim().split('\n');
  if (lines.length !== 1) return undefined;
  try {
    return JSON.parse(lines[0]!) as Record<string, any>;
  } catch {
    return undefined;
  }
}

/** A path as a regular expression source. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a folder made read-only (0555) really refuses this process: not when it runs as root or with
 * CAP_DAC_OVERRIDE. Tried with a probe file, then the mode is put back.
 */
export async function chmodStopsWrites(folder: string): Promise<boolean> {
  await chmod(folder, 0o555);
  const probe = path.join(folder, '.write-probe');
  try {
    await writeFile(probe, 'x');
    await rm(probe, { force: true });
    return false;
  } catch {
    return true;
  } finally {
    await chmod(folder, 0o755);
  }
}
