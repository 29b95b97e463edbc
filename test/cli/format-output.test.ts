import { describe, expect, it } from 'vitest';
import { createColours } from '../../src/cli/colour.ts';
import { formatPlan } from '../../src/cli/format-plan.ts';
import { formatSummary } from '../../src/cli/format-summary.ts';
import type { RunAction, RunSummary } from '../../src/engine/run-summary.ts';

function summary(over: Partial<RunSummary> = {}): RunSummary {
  const figures = { requests: 1, bytesSent: 0, bytesReceived: 2048 };
  return {
    runId: 'r1',
    startedAt: '2025-05-01T10:00:00.000Z',
    finishedAt: '2025-05-01T10:00:01.000Z',
    durationMs: 1000,
    dryRun: false,
    mode: 'incremental',
    status: 'ok',
    source: { type: 'csn-files', spaces: ['SALES'], incompleteSpaces: [] },
    target: { type: 'file' },
    changes: { created: 1, modified: 0, schemaChanged: 0, metadataChanged: 1, deleted: 0, unchanged: 4 },
    strategies: { full: 1, delta: 0, metadataOnly: 1, deletion: 0, skipped: 4 },
    applied: { created: 1, updated: 1, deprecated: 0, deleted: 0, recorded: 0, failed: 0 },
    actions: [],
    failed: [],
    warnings: [],
    drift: [],
    verified: { checked: 1, matched: 1 },
    traffic: { source: { ...figures, byOperation: {} }, target: { ...figures, writes: 1, byOperation: {} } },
    fullSyncBytes: 4096,
    savingsPercent: 50,
    ...over,
  };
}

const created: RunAction = { assetId: 'SALES/Orders', table: 'ds_sales.orders', change: 'CREATED', action: 'create', strategy: 'full', facets: [], outcome: 'done' };
const relabelled: RunAction = {
  assetId: 'SALES/Items',
  table: 'ds_sales.items',
  change: 'METADATA_CHANGED',
  action: 'update',
  strategy: 'metadata-only',
  facets: ['metadata'],
  outcome: 'planned',
  diff: [
    { path: 'column id comment', kind: 'changed', before: '"ID"', after: '"Item"' },
    { path: 'column tax', kind: 'added', after: 'int' },
    { path: 'column note', kind: 'removed', before: 'string' },
  ],
};

describe('plan output', () => {
  it('lists each table with its field diff and counts in the right number', () => {
    const text = formatPlan(summary({ dryRun: true, planOnly: true, actions: [relabelled] }));
    expect(text).toContain('~ update  ds_sales.items  METADATA_CHANGED  SALES/Items  metadata-only (metadata)');
    expect(text).toContain('      ~ column id comment: "ID" → "Item"');
    expect(text).toContain('      + column tax: int');
    expect(text).toContain('      - column note: string');
    expect(text).toContain('Plan: 1 table to update; 4 unchanged.');
    expect(text).not.toMatch(/\u001b\[/);
  });

  it('colours additions green, removals red and changes yellow on request', () => {
    const text = formatPlan(summary({ actions: [relabelled] }), { colours: createColours(true) });
    expect(text).toContain('\u001b[33m~ column id comment: "ID" → "Item"\u001b[39m');
    expect(text).toContain('\u001b[32m+ column tax: int\u001b[39m');
    expect(text).toContain('\u001b[31m- column note: string\u001b[39m');
  });

  it('cuts a long diff and says how much is left', () => {
    const diff = Array.from({ length: 40 }, (_, i) => ({ path: `column c${i}`, kind: 'added' as const, after: 'int' }));
    const text = formatPlan(summary({ actions: [{ ...created, outcome: 'planned', diff }] }));
    expect(text).toContain('+ column c14: int');
    expect(text).not.toContain('column c15:');
    expect(text).toContain('… 25 more changes (see --json)');
  });

  it('says when there is nothing to do, in the right number', () => {
    expect(formatPlan(summary({ changes: { ...summary().changes, unchanged: 1 } }))).toContain('No changes: 1 table up to date.');
    expect(formatPlan(summary())).toContain('No changes: 4 tables up to date.');
  });

  it('under --quiet prints nothing without problems, and the problems otherwise', () => {
    expect(formatPlan(summary({ actions: [relabelled] }), { quiet: true })).toBe('');
    const text = formatPlan(
      summary({
        actions: [relabelled],
        guard: { code: 'GUARD_STOPPED', message: 'would delete 3 tables, deletion.maxCount is 2', wouldStop: true },
        source: { type: 'csn-files', spaces: ['SALES'], incompleteSpaces: [{ space: 'SALES', reason: 'could not read a.json' }] },
      }),
      { quiet: true },
    );
    expect(text.split('\n')).toEqual([
      '  GUARD sync would stop here: would delete 3 tables, deletion.maxCount is 2',
      '  INCOMPLETE SALES: could not read a.json (no deletions there)',
    ]);
  });
});

describe('sync summary', () => {
  it('lists what was done to each table and pluralises its figures', () => {
    const text = formatSummary(summary({ actions: [created, { ...relabelled, outcome: 'done', diff: undefined }] }));
    expect(text).toContain('+ created  ds_sales.orders  CREATED           SALES/Orders  full');
    expect(text).toContain('~ updated  ds_sales.items   METADATA_CHANGED  SALES/Items   metadata-only (metadata)');
    expect(text).toContain('done:       1 table created, 1 updated');
    expect(text).toContain('target:     1 request, 1 write, 0 bytes sent, 2.0 KiB received');
    expect(text).toContain('source:     1 request, 2.0 KiB received');
    expect(text).toContain('verified:   1/1 written table matches');
    expect(formatSummary(summary({ verified: { checked: 2, matched: 2 } }))).toContain('verified:   2/2 written tables match');
  });

  it('shows a failed write once, with its error, and under --quiet only the failure', () => {
    const failed: RunAction = { ...created, outcome: 'failed', error: 'AccessDenied' };
    const s = summary({ status: 'partial', actions: [failed], failed: [{ assetId: 'SALES/Orders', error: 'AccessDenied' }, { assetId: 'SALES/Broken', error: 'bad CSN' }] });
    const text = formatSummary(s);
    expect(text).toContain('! failed  ds_sales.orders  CREATED  SALES/Orders  create full: AccessDenied');
    expect(text).toContain('  FAILED SALES/Broken: bad CSN');
    expect(text).not.toContain('FAILED SALES/Orders');
    expect(formatSummary(s, { quiet: true }).split('\n')).toEqual(['  FAILED SALES/Orders: AccessDenied', '  FAILED SALES/Broken: bad CSN']);
    expect(formatSummary(summary({ actions: [created] }), { quiet: true })).toBe('');
  });

  it('a dry run shows the field diff of each table', () => {
    const text = formatSummary(summary({ dryRun: true, actions: [relabelled] }));
    expect(text).toContain('Dry run (nothing written)');
    expect(text).toContain('~ column id comment: "ID" → "Item"');
    expect(text).toContain('would do:   1 table to update');
    expect(text).not.toContain('verified');
  });
});
