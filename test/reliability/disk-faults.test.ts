import { chmod } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readCheckpointFile } from '../../src/state/checkpoint-file.ts';
import { validateCheckpointFile } from '../../src/state/validate-checkpoint-file.ts';
import { chmodStopsWrites, DiskScenario, escapeRegExp, JOB } from './support/disk-fault-scenario.ts';
import type { FaultSpec, TableState } from './support/disk-fault-scenario.ts';

/*
 * A checkpoint write that fails — a full disk (ENOSPC), a failing device (EIO), a read-only folder (EACCES) — in the
 * real CLI (a child process, the real file system; the fault injected at the fs layer by a preload module, or by
 * chmod where that stops this user). Every time:
 *  - exit 1 with CHECKPOINT_WRITE_FAILED, one --json object and a stderr line that name the file, say what the run
 *    wrote to the target and what to do;
 *  - the previous checkpoint is intact and validates; no backup, temp or lock file is left behind;
 *  - the run is in the history (or says why it could not be);
 *  - once the fault is gone, the next run converges: every changed table written exactly once across both runs
 *    (its version moved by one), the checkpoint agrees with every table, and a third run has nothing to do.
 */
const TABLES = 60;
const CHANGED = 40;

interface DiskCase {
  name: string;
  /** A first run (no checkpoint yet) rather than a change to a synced catalog. */
  first?: boolean;
  fault: (s: DiskScenario) => FaultSpec | Promise<FaultSpec | undefined>;
  /** Undoes a fault made on the file system itself (chmod). */
  clear?: (s: DiskScenario) => Promise<void>;
  /** The file the message must name. */
  names: (s: DiskScenario) => string;
  advice: RegExp;
  /** The history could not be written either. */
  historyLost?: boolean;
  /** The run stopped before it read or wrote anything. */
  beforeRun?: boolean;
  /** Run into the same fault twice (a nightly job on a full disk): the second failure leaves nothing behind either. */
  twice?: boolean;
}

const snapshotTemp = (s: DiskScenario) => `^${escapeRegExp(s.checkpointDir)}/\\.${JOB}@datasphere_checkpoints\\.json\\.\\d+\\.[0-9a-f]+\\.tmp$`;

/** chmod 0555 where that stops this process, else the same refusal injected (root ignores file modes). */
async function readOnly(folder: string, injected: FaultSpec): Promise<FaultSpec | undefined> {
  if (!(await chmodStopsWrites(folder))) return injected;
  await chmod(folder, 0o555);
  return undefined;
}

const CASES: DiskCase[] = [
  {
    name: 'ENOSPC appending to the journal mid-run',
    fault: (s) => ({ paths: `${escapeRegExp(s.journalFile)}$`, code: 'ENOSPC', ops: ['write'], after: 2 }),
    names: (s) => s.journalFile,
    advice: /Free space on that file system/,
  },
  {
    name: 'ENOSPC writing the new checkpoint file at the end of the run',
    twice: true,
    fault: (s) => ({ paths: snapshotTemp(s), code: 'ENOSPC', ops: ['write'] }),
    names: (s) => s.checkpointFile,
    advice: /Free space on that file system/,
  },
  {
    name: 'ENOSPC writing the first checkpoint file of a new job',
    first: true,
    fault: (s) => ({ paths: snapshotTemp(s), code: 'ENOSPC', ops: ['write'] }),
    names: (s) => s.checkpointFile,
    advice: /Free space on that file system/,
  },
  {
    name: 'ENOSPC taking the checkpoint lock',
    fault: (s) => ({ paths: `${escapeRegExp(s.lockFile)}$`, code: 'ENOSPC', ops: ['write'] }),
    names: (s) => s.lockFile,
    advice: /Free space on that file system/,
    beforeRun: true,
  },
  {
    name: 'ENOSPC for the lock and the run history alike',
    fault: (s) => ({ paths: `(${escapeRegExp(s.lockFile)}$|^${escapeRegExp(s.historyDir)}/)`, code: 'ENOSPC', ops: ['write'] }),
    names: (s) => s.lockFile,
    advice: /Free space on that file system/,
    beforeRun: true,
    historyLost: true,
  },
  {
    name: 'ENOSPC for the journal and the run history alike',
    fault: (s) => ({ paths: `(${escapeRegExp(s.journalFile)}$|^${escapeRegExp(s.historyDir)}/)`, code: 'ENOSPC', ops: ['write'], after: 2 }),
    names: (s) => s.journalFile,
    advice: /Free space on that file system/,
    historyLost: true,
  },
  {
    name: 'EIO syncing the journal',
    fault: (s) => ({ paths: `${escapeRegExp(s.journalFile)}$`, code: 'EIO', ops: ['fsync'], after: 1 }),
    names: (s) => s.journalFile,
    advice: /I\/O error: check it/,
  },
  {
    name: 'EIO syncing the new checkpoint file',
    fault: (s) => ({ paths: snapshotTemp(s), code: 'EIO', ops: ['fsync'] }),
    names: (s) => s.checkpointFile,
    advice: /I\/O error: check it/,
  },
  {
    name: 'EIO renaming the new checkpoint file into place',
    fault: (s) => ({ paths: `${escapeRegExp(s.checkpointFile)}$`, code: 'EIO', ops: ['rename'] }),
    names: (s) => s.checkpointFile,
    advice: /I\/O error: check it/,
  },
  {
    name: 'EIO syncing the checkpoint folder after a rename',
    fault: (s) => ({ paths: `^${escapeRegExp(s.checkpointDir)}$`, code: 'EIO', ops: ['fsync'] }),
    names: (s) => s.journalFile,
    advice: /I\/O error: check it/,
  },
  {
    name: 'a read-only backup folder',
    twice: true,
    fault: (s) => readOnly(s.backupDir, { paths: `^${escapeRegExp(s.backupDir)}(/|$)`, code: 'EACCES', ops: ['create', 'rename', 'write', 'remove'] }),
    clear: (s) => chmod(s.backupDir, 0o755),
    names: (s) => s.backupDir,
    advice: /writable for the user running catalog-sync/,
  },
  {
    name: 'a read-only checkpoint folder',
    fault: (s) => readOnly(s.checkpointDir, { paths: `^${escapeRegExp(s.checkpointDir)}/[^/]+$`, code: 'EACCES', ops: ['create', 'rename', 'remove'] }),
    clear: (s) => chmod(s.checkpointDir, 0o755),
    names: (s) => s.lockFile,
    advice: /writable for the user running catalog-sync/,
    beforeRun: true,
  },
];

let scenario: DiskScenario | undefined;

afterEach(async () => {
  await chmod(scenario?.backupDir ?? '/nonexistent', 0o755).catch(() => {});
  await chmod(scenario?.checkpointDir ?? '/nonexistent', 0o755).catch(() => {});
  await scenario?.cleanup();
  scenario = undefined;
});

describe('a checkpoint write that fails', () => {
  it.each(CASES)('$name: reported with the file, counts and remedy; nothing lost, nothing left behind, the rerun converges', { timeout: 60_000 }, async (c) => {
    const s = (scenario = await DiskScenario.create(TABLES));
    let before = new Map<string, TableState>();
    let changed = TABLES;
    if (!c.first) {
      const initial = await s.runHere();
      expect(initial.code, initial.stderr).toBe(0);
      before = await s.tables();
      await s.change(CHANGED, 'Relabelled');
      changed = CHANGED;
    }
    const snapshotBefore = await s.checkpointBytes();
    const filesBefore = await s.stateFiles();
    const historyBefore = (await s.historyRecords()).length;

    const fault = await c.fault(s);
    const failed = await s.run(['sync', '--json'], fault);
    if (c.twice) {
      const again = await s.run(['sync', '--json'], fault);
      expect(again.code).toBe(1);
      expect(again.json?.['error'].code).toBe('CHECKPOINT_WRITE_FAILED');
      expect(again.json?.['error'].message).toContain('This run wrote nothing to the target');
    }
    await c.clear?.(s);

    // The fault really happened: injected calls logged, or the folder really was read-only for this user.
    if (fault) expect(failed.faults.length, 'no injected fault fired').toBeGreaterThan(0);
    expect(failed.code, failed.stderr).toBe(1);
    expect(failed.json, `stdout is not one JSON object: ${failed.stdout}`).toBeDefined();
    const json = failed.json!;
    expect(json['status']).toBe('failed');
    expect(json['error'].code).toBe('CHECKPOINT_WRITE_FAILED');
    const message = json['error'].message as string;
    expect(message).toContain(c.names(s));
    expect(message).toMatch(c.advice);
    expect(failed.stderr).toContain(message);

    let written = 0;
    if (c.beforeRun) {
      expect(message).toContain('the run did not start: nothing was read or written');
    } else {
      written = json['applied'].created + json['applied'].updated;
      const said = written === 0 ? 'This run wrote nothing to the target' : `This run wrote ${written} table${written === 1 ? '' : 's'} in the target`;
      expect(message).toContain(said);
      if (written > 0) expect(message).toContain('records them without writing again');
    }

    // The previous checkpoint is intact and valid; no backup, temp or lock file was added.
    expect(await s.checkpointBytes()).toEqual(snapshotBefore);
    if (snapshotBefore) expect((await validateCheckpointFile(s.checkpointFile)).ok).toBe(true);
    const filesAfter = await s.stateFiles();
    expect(filesAfter.filter((f) => f.startsWith('backup/'))).toEqual(filesBefore.filter((f) => f.startsWith('backup/')));
    expect(filesAfter.filter((f) => /\.(tmp|new|lock|takeover)$/.test(f))).toEqual([]);

    const history = await s.historyRecords();
    if (c.historyLost) {
      expect(history).toHaveLength(historyBefore);
      expect(failed.stderr).toMatch(/[Tt]he run history .*history\.jsonl could not be written either \(ENOSPC/);
      // A run that failed before it started has no summary: its object says so in a field of its own.
      if (c.beforeRun) expect(json['history']).toMatchObject({ recorded: false, file: s.historyFile, reason: expect.stringContaining('ENOSPC') });
      else expect(message).toMatch(/The run history .* could not be written either \(ENOSPC/);
    } else {
      expect(history).toHaveLength(historyBefore + (c.twice ? 2 : 1));
      expect(history.at(-1)).toMatchObject({ status: 'failed', error: { code: 'CHECKPOINT_WRITE_FAILED' } });
    }

    // The fault gone, the next run converges without writing anything twice.
    const rerun = await s.runHere();
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.json?.['status']).toBe('ok');
    expect(rerun.json?.['applied'].created + rerun.json?.['applied'].updated).toBe(changed - written);
    expect(rerun.json?.['verified'].matched).toBe(rerun.json?.['verified'].checked);
    const after = await s.tables();
    expect(after.size).toBe(TABLES);
    for (const [name, table] of after) {
      const previous = before.get(name)?.version ?? 0;
      const index = Number(name.slice(2));
      expect(table.version, `${name} written ${table.version - previous} times`).toBe(previous + (c.first || index < CHANGED ? 1 : 0));
    }
    const read = await readCheckpointFile(s.checkpointFile, 'datasphere');
    expect(read.exists && read.ok).toBe(true);
    if (!read.exists || !read.ok) return;
    expect(read.document.entries.size).toBe(TABLES);
    for (const { entry } of read.document.entries.values()) {
      const table = after.get(entry.target.table);
      expect(entry.hashes, entry.assetId).toEqual(table?.hashes);
      expect(entry.target.version, entry.assetId).toBe(String(table?.version));
    }
    const third = await s.runHere();
    expect(third.json?.['traffic'].target.writes).toBe(0);
    expect(third.json?.['changes'].unchanged).toBe(TABLES);
  });
});
