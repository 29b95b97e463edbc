import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunSummary } from '../engine/run-summary.ts';

/** Appends one run's summary as a JSON line; the savings report reads the history back. */
export async function appendRunHistory(file: string, summary: RunSummary): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, JSON.stringify(summary) + '\n', 'utf8');
}

export async function readRunHistory(file: string): Promise<RunSummary[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs: RunSummary[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      runs.push(JSON.parse(line) as RunSummary);
    } catch {
      // A line cut short by a crash mid-append is skipped; the runs before and after it still count.
    }
  }
  return runs;
}
