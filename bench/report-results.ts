import type { MicroResults } from './micro.ts';
import type { RunRecord } from './sync-bench.ts';

export interface BenchSummary {
  unchangedRerunWrites: number | null;
  savingsPercentAt10: number | null;
  writesAt10EqualChanged: boolean | null;
  hashAssetsPerSecond: number | null;
  checkpointSave100kMs: number | null;
  /** Extra figures behind the targets. Bytes sent by the unchanged rerun, as a percentage of the initial sync's. */
  unchangedRerunBytesSentPercentOfInitial: number | null;
  /** The same with bytes received counted too (the rerun's one bulk read of the target state). */
  unchangedRerunBytesPercentOfInitial: number | null;
  unchangedRerunReadCalls: number | null;
  unchangedRerunReadCallBudget: number | null;
  peakRss100kBytes: number | null;
}

const find = (runs: RunRecord[], target: string, name: string, assets?: number) =>
  runs.filter((r) => r.target === target && r.name === name && (assets === undefined || Math.abs(r.assets - assets) <= assets * 0.1)).at(-1);

/** The figures the issue sets targets for, from the largest moto size that ran (else the file target). */
export function summarise(runs: RunRecord[], micro: MicroResults | null): BenchSummary {
  const target = runs.some((r) => r.target === 'moto') ? 'moto' : 'file';
  const sizes = runs.filter((r) => r.target === target && r.name === 'initial sync').map((r) => r.assets);
  const size = sizes.length > 0 ? Math.max(...sizes) : undefined;
  const initial = size === undefined ? undefined : find(runs, target, 'initial sync', size);
  const unchanged = size === undefined ? undefined : find(runs, target, 'unchanged rerun', size);
  const at10 = size === undefined ? undefined : find(runs, target, 'incremental 10%', size);
  const base10 = size === undefined ? undefined : find(runs, target, 'incremental 10% (baseline)', size);
  let writesAt10EqualChanged: boolean | null = null;
  if (at10?.mutation) {
    const m = at10.mutation;
    const tableWrites = (at10.byOperation.UpdateTable ?? 0) + (at10.byOperation.CreateTable ?? 0);
    const deleteCalls = at10.byOperation.BatchDeleteTable ?? at10.byOperation.DeleteTable ?? 0;
    // Glue deletes in batches of up to 100 names per database, so the deleted assets take between
    // ⌈deleted/100⌉ calls (one database) and one call per asset; the file target deletes one by one.
    const deletesOk = target === 'moto' ? deleteCalls >= Math.ceil(m.deleted / 100) && deleteCalls <= m.deleted : deleteCalls === m.deleted;
    writesAt10EqualChanged = tableWrites === m.metadata + m.content + m.schema + m.created && deletesOk;
  }
  const databases = size === undefined ? 0 : Math.max(1, Math.round(size / 1000));
  const readCalls = unchanged ? (unchanged.byOperation.GetTables ?? 0) + (unchanged.byOperation.GetTable ?? 0) + (unchanged.byOperation.GetDatabase ?? 0) : null;
  const file100k = runs.filter((r) => r.target === 'file' && r.assets >= 90_000);
  return {
    unchangedRerunWrites: unchanged?.writes ?? null,
    savingsPercentAt10: at10 && base10 ? round1((1 - at10.bytesSent / base10.bytesSent) * 100) : null,
    writesAt10EqualChanged,
    hashAssetsPerSecond: micro && micro.assets >= 100_000 ? micro.hashAssetsPerSecond : null,
    checkpointSave100kMs: micro && micro.assets >= 100_000 ? micro.checkpointSaveMs : null,
    unchangedRerunBytesSentPercentOfInitial: unchanged && initial ? round3((unchanged.bytesSent / initial.bytesSent) * 100) : null,
    unchangedRerunBytesPercentOfInitial: unchanged && initial ? round1(((unchanged.bytesSent + unchanged.bytesReceived) / (initial.bytesSent + initial.bytesReceived)) * 100) : null,
    unchangedRerunReadCalls: readCalls,
    unchangedRerunReadCallBudget: size === undefined ? null : Math.ceil(size / 100) + databases,
    peakRss100kBytes: file100k.length > 0 ? Math.max(...file100k.map((r) => r.peakRssBytes)) : null,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(1);

export function printTable(runs: RunRecord[], micro: MicroResults | null, s: BenchSummary): string {
  const head = ['target', 'assets', 'run', 'wall ms', 'cpu ms', 'peak RSS MB', 'requests', 'writes', 'sent MB', 'recv MB', 'assets/s', 'sent vs baseline'];
  const rows: string[][] = [];
  for (const r of runs) {
    const base = r.name.endsWith('(baseline)') ? undefined : runs.find((b) => b.target === r.target && b.name === `${r.name} (baseline)` && b.assets === r.assets);
    rows.push([
      r.target, String(r.assets), r.name, String(r.wallMs), String(r.cpuMs), mb(r.peakRssBytes), String(r.requests), String(r.writes),
      mb(r.bytesSent), mb(r.bytesReceived), String(r.assetsPerSecond),
      base && base.bytesSent > 0 ? `${((r.bytesSent / base.bytesSent) * 100).toFixed(1)} %` : '',
    ]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  if (micro) {
    out.push('', `micro (${micro.assets} assets): hash+classify ${micro.hashAssetsPerSecond} assets/s (${micro.hashClassifyMs} ms; cold, no fingerprints: ${micro.hashColdAssetsPerSecond}/s); plan ${micro.planMs} ms (${micro.planChangesPerSecond} changes/s); checkpoint put ${micro.checkpointPutMs} ms, save ${micro.checkpointSaveMs} ms, load ${micro.checkpointLoadMs} ms (${mb(micro.checkpointFileBytes)} MB)`);
  }
  out.push('', 'summary (against targets):');
  out.push(`  unchanged rerun writes:              ${s.unchangedRerunWrites}   (target 0)`);
  out.push(`  unchanged rerun read calls:          ${s.unchangedRerunReadCalls} of budget ${s.unchangedRerunReadCallBudget}`);
  out.push(`  unchanged rerun bytes sent vs initial: ${s.unchangedRerunBytesSentPercentOfInitial} %   (target < 5 %)`);
  out.push(`  ... sent + received vs initial:      ${s.unchangedRerunBytesPercentOfInitial} %   (the bulk GetTables read of the target state)`);
  out.push(`  bytes saved at 10 % changed:         ${s.savingsPercentAt10} %   (target >= 88 %)`);
  out.push(`  writes at 10 % = changed assets:     ${s.writesAt10EqualChanged}`);
  out.push(`  hash + classify:                     ${s.hashAssetsPerSecond} assets/s   (target >= 50,000)`);
  out.push(`  checkpoint save, 100k entries:       ${s.checkpointSave100kMs} ms   (target < 1,000)`);
  out.push(`  peak RSS of a 100k-asset run:        ${s.peakRss100kBytes === null ? null : mb(s.peakRss100kBytes) + ' MB'}   (target < 1,024 MB)`);
  return out.join('\n');
}
