import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUTATION_KINDS } from './fuzz/csn-mutations.ts';
import type { ChildReply, ChildRequest } from './fuzz/fuzz-child.ts';

/*
 * Seeded fuzzing of the CSN export path: mutated corpus exports (dropped, retyped and duplicated nodes, huge
 * strings, deep nesting, invalid UTF-8, hostile names and spaces, names that collide once lowercased) through
 * the csn-files source, then in rounds through runSync into the file target. Never a crash or a hang, every
 * bad asset reported with its reason, good assets synced, nothing written outside the target folder.
 *
 * FUZZ_CASES (default 1000) and FUZZ_SEED choose the cases; `npm run test:soak` runs many more. A failing
 * case is replayed alone with its seed and number (makeCase(seed, index) in fuzz/csn-mutations.ts).
 */
const CASES = positiveInt(process.env['FUZZ_CASES'], 1000);
const SEED = positiveInt(process.env['FUZZ_SEED'], 20_250_601);
const ROUND_SIZE = 100;
/**
 * The guard: a round that has not answered by then hangs, and its process is killed; its cases are then run
 * one by one, each under CASE_LIMIT_MS, to name the one that hangs. No case can take longer than its round.
 */
const CASE_LIMIT_MS = 20_000;
const ROUND_LIMIT_MS = 90_000;
const CHILD = fileURLToPath(new URL('./fuzz/fuzz-child.ts', import.meta.url));

function positiveInt(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

let sandbox: string;

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(tmpdir(), 'catalog-sync-fuzz-'));
});

afterAll(async () => {
  await rm(sandbox, { recursive: true, force: true });
});

/** The child process that runs the cases; replaced when a case kills or hangs it. */
class Runner {
  private child: ChildProcess | undefined;

  async ask(request: ChildRequest, limitMs: number): Promise<ChildReply | { type: 'lost'; why: string }> {
    const child = await this.ensure();
    return new Promise((resolve) => {
      const finish = (reply: ChildReply | { type: 'lost'; why: string }) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(reply);
      };
      const onMessage = (reply: ChildReply) => finish(reply);
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        this.child = undefined;
        finish({ type: 'lost', why: `the process died (exit ${code ?? signal})` });
      };
      const timer = setTimeout(() => {
        this.kill();
        finish({ type: 'lost', why: `no answer within ${limitMs / 1000} s (a hang); the process was killed` });
      }, limitMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(request);
    });
  }

  kill(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }

  private async ensure(): Promise<ChildProcess> {
    if (this.child) return this.child;
    const child = fork(CHILD, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, FUZZ_SEED_VALUE: String(SEED), FUZZ_SANDBOX: sandbox },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`fuzz process exited (${code}) before it was ready`)));
    });
    this.child = child;
    return child;
  }
}

async function leftovers(root: string, relative = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, relative), { withFileTypes: true })) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await leftovers(root, child)));
    else out.push(child);
  }
  return out;
}

describe(`${CASES} mutated CSN exports (seed ${SEED})`, () => {
  it(
    'never crash or hang the run; bad assets are reported with a reason, good ones synced, nothing lands outside the target',
    async () => {
      const runner = new Runner();
      const problems: string[] = [];
      const kinds = new Map<string, number>();
      let finished = 0;
      let written = 0;
      try {
        for (let start = 0; start < CASES; start += ROUND_SIZE) {
          const indices = Array.from({ length: Math.min(ROUND_SIZE, CASES - start) }, (_, i) => start + i);
          const round = start / ROUND_SIZE;
          const reply = await runner.ask({ type: 'round', round, indices }, ROUND_LIMIT_MS);
          if (reply.type === 'round-done') {
            finished += indices.length;
            written += reply.written;
            for (const kind of reply.kinds) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
            problems.push(...reply.problems);
          } else {
            // The round hung or died: each of its cases alone, each under its own limit, names the culprit.
            problems.push(`round ${round}: ${reply.type === 'lost' ? reply.why : 'unexpected answer'}`);
            for (const index of indices) {
              const alone = await runner.ask({ type: 'case', index }, CASE_LIMIT_MS);
              if (alone.type === 'lost') problems.push(`case ${index}: ${alone.why}`);
              else if (alone.type === 'case-done') problems.push(...alone.problems);
            }
          }
          // Whatever a round wrote stays inside its own folder, which is gone now: the sandbox holds nothing.
          const stray = await leftovers(sandbox);
          if (stray.length > 0) problems.push(`round ${round} left files outside its folder: ${stray.slice(0, 5).join(', ')}`);
          if (problems.length > 50) break;
        }
      } finally {
        runner.kill();
      }

      expect(problems).toEqual([]);
      expect(finished).toBe(CASES);
      // Every kind of mutation was exercised, and the runs did write (the control assets at the least).
      if (CASES >= 200) expect([...kinds.keys()].sort()).toEqual([...MUTATION_KINDS].sort());
      expect(written).toBeGreaterThan(0);
    },
    Math.max(300_000, CASES * 500),
  );
});
