import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/engine/run-summary.ts';
import { appendRunHistory, HISTORY_LIST_CAP, readRunHistory } from '../../src/report/run-history.ts';

function summary(failures: number): RunSummary {
  return {
    runId: 'r1', startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z', durationMs: 1000,
    dryRun: false, mode: 'incremental', status: 'partial',
    source: { type: 'csn-files', spaces: ['S'], incompleteSpaces: [] }, target: { type: 'file' },
    changes: { created: failures, modified: 0, schemaChanged: 0, metadataChanged: 0, deleted: 0, unchanged: 0 },
    strategies: { full: failures, delta: 0, metadataOnly: 0, deletion: 0, skipped: 0 },
    applied: { created: 0, updated: 0, deprecated: 0, deleted: 0, recorded: 0, failed: failures },
    actions: Array.from({ length: failures }, (_, i) => ({ assetId: `S/A${i}`, change: 'CREATED' as const, action: 'create' as const, facets: [], outcome: 'failed' as const })),
    failed: Array.from({ length: failures }, (_, i) => ({ assetId: `S/A${i}`, error: 'boom' })),
    warnings: [], drift: [], verified: { checked: 0, matched: 0 },
    traffic: { source: { requests: 0, bytesSent: 0, bytesReceived: 0, byOperation: {} }, target: { requests: 0, writes: 0, bytesSent: 0, bytesReceived: 0, byOperation: {} } },
    fullSyncBytes: 0, savingsPercent: 0,
  };
}

describe('run history', () => {
  it('keeps the figures, drops the per-table actions and caps long lists, saying how much was left out', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'history-'));
    try {
      const file = path.join(dir, 'h.jsonl');
      await appendRunHistory(file, summary(3));
      await appendRunHistory(file, summary(HISTORY_LIST_CAP + 50));
      const [small, large] = await readRunHistory(file);
      expect(small).not.toHaveProperty('actions');
      expect(small?.failed).toHaveLength(3);
      expect(small).not.toHaveProperty('omitted');
      expect(large?.failed).toHaveLength(HISTORY_LIST_CAP);
      expect(large?.omitted).toEqual({ failed: 50 });
      expect(large?.applied.failed).toBe(HISTORY_LIST_CAP + 50);
      expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
