import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/cli/format-summary.ts';
import type { RunSummary } from '../../src/engine/run-summary.ts';

const figures = { requests: 3, bytesSent: 100, bytesReceived: 2048 };
const base: RunSummary = {
  runId: 'r1',
  startedAt: '2025-05-01T10:00:00.000Z',
  finishedAt: '2025-05-01T10:00:01.000Z',
  durationMs: 1000,
  dryRun: false,
  mode: 'incremental',
  status: 'ok',
  source: { type: 'glue', spaces: ['sales'], incompleteSpaces: [] },
  target: { type: 'glue' },
  changes: { created: 0, modified: 0, schemaChanged: 0, metadataChanged: 0, deleted: 0, unchanged: 200 },
  strategies: { full: 0, delta: 0, metadataOnly: 0, deletion: 0, skipped: 200 },
  applied: { created: 0, updated: 0, deprecated: 0, deleted: 0, recorded: 0, failed: 0 },
  actions: [],
  failed: [],
  warnings: [],
  drift: [],
  verified: { checked: 0, matched: 0 },
  traffic: { source: { ...figures, byOperation: {} }, target: { ...figures, writes: 2, byOperation: {} } },
  fullSyncBytes: 0,
  savingsPercent: 0,
};
const partitions = { tables: 45, partitions: 1181, compared: 1, planned: { create: 10, update: 0, delete: 5 }, applied: { created: 10, updated: 0, deleted: 5, failed: 0 } };

describe('the partitions line of the sync summary', () => {
  it('says what was done to partitions, and how many tables had to be compared', () => {
    expect(formatSummary({ ...base, partitions })).toContain('  partitions: 1,181 in 45 tables (1 compared): 10 created, 0 updated, 5 deleted');
  });

  it('says what would be done in a dry run, and names failures', () => {
    expect(formatSummary({ ...base, dryRun: true, partitions })).toContain('partitions: 1,181 in 45 tables (1 compared): 10 to create, 0 to update, 5 to delete');
    const failed = { ...partitions, applied: { created: 9, updated: 0, deleted: 5, failed: 1 } };
    expect(formatSummary({ ...base, partitions: failed })).toContain('9 created, 0 updated, 5 deleted, 1 failed');
  });

  it('is absent where the source has no partitions', () => {
    expect(formatSummary(base)).not.toContain('partitions:');
  });
});
