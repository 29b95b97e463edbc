import { z } from 'zod';
import type { ChangeLogEntry } from './change-log.ts';
import { readJsonLines } from './change-log.ts';

/**
 * What `history`, `report` and `rollback` read back from the audit trail: files on disk, so validated rather than
 * trusted. Loose objects: a newer writer's extra fields pass through, and figures an older writer did not record
 * (`applied`, per-direction traffic) default to zero instead of dropping the run.
 */
const count = z.number().int().min(0).catch(0);
const bytes = z.number().min(0).catch(0);

/** An object whose every field has a fallback: missing or malformed as a whole, it reads as all fallbacks. */
function lenient<T extends z.ZodRawShape>(shape: T) {
  const schema = z.looseObject(shape);
  return schema.catch(() => schema.parse({}));
}

const traffic = lenient({ requests: count, bytesSent: bytes, bytesReceived: bytes });

export const historyRunSchema = z.looseObject({
  runId: z.string().min(1),
  startedAt: z.string().min(1),
  finishedAt: z.string().min(1),
  durationMs: z.number().min(0).catch(0),
  dryRun: z.boolean().catch(false),
  planOnly: z.boolean().optional().catch(undefined),
  mode: z.string().catch('incremental'),
  status: z.string().catch('ok'),
  source: lenient({ type: z.string().catch('?'), spaces: z.array(z.string()).catch([]) }),
  target: lenient({ type: z.string().catch('?') }),
  changes: lenient({ created: count, modified: count, schemaChanged: count, metadataChanged: count, deleted: count, unchanged: count }),
  strategies: lenient({ full: count, delta: count, metadataOnly: count, deletion: count, skipped: count }),
  applied: lenient({ created: count, updated: count, deprecated: count, deleted: count, recorded: count, failed: count }),
  failed: z.array(z.unknown()).catch([]),
  omitted: z.record(z.string(), z.number()).optional().catch(undefined),
  guard: z.looseObject({ code: z.string(), message: z.string() }).optional().catch(undefined),
  error: z.looseObject({ code: z.string(), message: z.string() }).optional().catch(undefined),
  traffic: lenient({
    source: traffic,
    target: lenient({ requests: count, writes: count, bytesSent: bytes, bytesReceived: bytes }),
  }),
  fullSyncBytes: bytes,
  savingsPercent: z.number().catch(0),
  /** Set on the record of a rollback: the run it undid. */
  rollbackOf: z.string().optional().catch(undefined),
});

export type HistoryRun = z.infer<typeof historyRunSchema>;

export const changeLogEntrySchema = z.looseObject({
  runId: z.string().min(1),
  at: z.string().min(1),
  assetId: z.string().min(1),
  table: z.string().optional(),
  change: z.enum(['CREATED', 'SCHEMA_CHANGED', 'MODIFIED', 'METADATA_CHANGED', 'UNCHANGED', 'DELETED']),
  action: z.enum(['create', 'update', 'deprecate', 'delete', 'log-deletion', 'record', 'forget', 'blocked', 'conflict']),
  facets: z.array(z.enum(['schema', 'content', 'metadata'])).catch([]),
  strategy: z.enum(['full', 'delta', 'metadata-only', 'deletion']).optional().catch(undefined),
  versionBefore: z.string().optional(),
  versionAfter: z.string().optional(),
  outcome: z.enum(['done', 'failed']),
  error: z.string().optional(),
  rollbackOf: z.string().optional(),
});

/** The run history, oldest first; records that fail validation are counted and left out. */
export async function loadHistory(file: string): Promise<{ runs: HistoryRun[]; invalid: number }> {
  const runs: HistoryRun[] = [];
  let invalid = 0;
  for (const raw of await readJsonLines<unknown>(file)) {
    const parsed = historyRunSchema.safeParse(raw);
    if (parsed.success) runs.push(parsed.data);
    else invalid += 1;
  }
  return { runs, invalid };
}

/** The change log, oldest first; lines that fail validation are counted and left out. */
export async function loadChangeLog(file: string): Promise<{ entries: ChangeLogEntry[]; invalid: number }> {
  const entries: ChangeLogEntry[] = [];
  let invalid = 0;
  for (const raw of await readJsonLines<unknown>(file)) {
    const parsed = changeLogEntrySchema.safeParse(raw);
    if (parsed.success) entries.push(parsed.data as ChangeLogEntry);
    else invalid += 1;
  }
  return { entries, invalid };
}

/** What kind of run a record is, as `history` and `report` name it. */
export function runKind(run: HistoryRun): 'sync' | 'dry-run' | 'plan' | 'rollback' {
  if (run.rollbackOf !== undefined) return 'rollback';
  if (run.planOnly) return 'plan';
  if (run.dryRun) return 'dry-run';
  return 'sync';
}
