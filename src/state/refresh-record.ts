import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.ts';
import { checkpointPaths } from './checkpoint-paths.ts';

/**
 * When a job last refreshed (read the whole target and compared every table with its checkpoint), and how many
 * runs it made since: `<dir>/<job>@<sourceSystem>_refresh.json`, beside the checkpoint it belongs to. The CLI
 * reads it to decide whether a run refreshes (`sync.refresh`) and writes it after each run; the engine never sees
 * it. A file that is missing or unreadable counts as "never refreshed": the worst it can cause is one refresh early.
 */
export interface RefreshRecord {
  /** ISO-8601 time of the last refresh that covered every space; undefined: none yet. */
  lastRefreshAt?: string;
  /** Runs since then (refreshing or not), the one that refreshed not counted. */
  runsSinceRefresh: number;
}

const recordSchema = z.looseObject({
  lastRefreshAt: z.iso.datetime({ offset: true }).optional(),
  runsSinceRefresh: z.int().min(0),
});

export function refreshRecordPath(dir: string, sourceSystem: string, job: string): string {
  // Validates the names the way the checkpoint's own paths do (no separators in a job or system name).
  checkpointPaths(dir, sourceSystem, job);
  return path.join(dir, `${job}@${sourceSystem}_refresh.json`);
}

export async function readRefreshRecord(file: string): Promise<RefreshRecord> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { runsSinceRefresh: 0 };
  }
  try {
    const parsed = recordSchema.safeParse(JSON.parse(text) as unknown);
    if (parsed.success) {
      const { lastRefreshAt, runsSinceRefresh } = parsed.data;
      return lastRefreshAt === undefined ? { runsSinceRefresh } : { lastRefreshAt, runsSinceRefresh };
    }
  } catch {
    // Not JSON: as if there were none.
  }
  return { runsSinceRefresh: 0 };
}

export async function writeRefreshRecord(file: string, record: RefreshRecord): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
}

/** The record after a finished run: reset by a refresh that covered every space, else one more run counted. */
export function afterRun(record: RefreshRecord, run: { refreshed: boolean; allSpaces: boolean; at: Date }): RefreshRecord {
  if (run.refreshed && run.allSpaces) return { lastRefreshAt: run.at.toISOString(), runsSinceRefresh: 0 };
  return { ...record, runsSinceRefresh: record.runsSinceRefresh + 1 };
}
