import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunSummary } from '../engine/run-summary.ts';

/** Per-list cap of a history record: a run that fails 100k assets must not write a 100 MB line. */
export const HISTORY_LIST_CAP = 100;

/** The record a run leaves in the history: its figures, without the per-table actions, lists capped. */
export type HistoryRecord = Omit<RunSummary, 'actions'> & { omitted?: Record<string, number> };

export function historyRecord(summary: RunSummary): HistoryRecord {
  const { actions: _actions, ...record } = summary;
  const omitted: Record<string, number> = {};
  const cap = <T>(name: string, list: T[]): T[] => {
    if (list.length <= HISTORY_LIST_CAP) return list;
    omitted[name] = list.length - HISTORY_LIST_CAP;
    return list.slice(0, HISTORY_LIST_CAP);
  };
  const out: HistoryRecord = { ...record, failed: cap('failed', record.failed), warnings: cap('warnings', record.warnings), drift: cap('drift', record.drift) };
  if (Object.keys(omitted).length > 0) out.omitted = omitted;
  return out;
}

/** Appends one run's record as a JSON line; the savings report reads the history back. */
export async function appendRunHistory(file: string, summary: RunSummary): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, JSON.stringify(historyRecord(summary)) + '\n', 'utf8');
}

export async function readRunHistory(file: string): Promise<HistoryRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs: HistoryRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      runs.push(JSON.parse(line) as HistoryRecord);
    } catch {
      // A line cut short by a crash mid-append is skipped; the runs before and after it still count.
    }
  }
  return runs;
}
