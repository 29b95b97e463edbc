import type { MicroResults } from './micro.ts';
import type { RunRecord } from './sync-bench.ts';

/** The figures the issue sets targets for, per target and size; null where the part did not run. */
export interface SizeSummary {
  target: string;
  assets: number;
  /** Bytes both ways saved against `--full` at a 10 % change (target ≥ 88 %). */
  bytesSavedAt10: number | null;
  /** Wall time saved against `--full` at a 10 % change (target ≥ 85 %). */
  timeSavedAt10: number | null;
  /** Bytes saved against `--full` for metadata-only changes to 5 % (target ≥ 95 %). */
  bytesSavedMeta5: number | null;
  /** The unchanged rerun: its bytes as a percentage of a full run's (target ≤ 1 %), its writes and requests. */
  unchangedBytesPercentOfFull: number | null;
  unchangedWrites: number | null;
  unchangedRequests: number | null;
  databases: number;
  /** At every rate: table writes = changed tables, deletions batched. */
  writesEqualChanged: boolean | null;
  /** At every rate: (Glue) requests ≤ 1.2 × the floor (one read and one write per changed table). */
  worstRequestsVsFloor: number | null;
}

export interface BenchSummary {
  sizes: SizeSummary[];
  hashAssetsPerSecond: number | null;
  checkpointSave100kMs: number | null;
  peakRss100kBytes: number | null;
}

const total = (r: RunRecord) => r.bytesSent + r.bytesReceived;

function groups(runs: RunRecord[]): { target: string; size: number; runs: RunRecord[] }[] {
  const out: { target: string; size: number; runs: RunRecord[] }[] = [];
  for (const initial of runs.filter((r) => r.name === 'initial sync' && r.mode !== 'naive')) {
    if (out.some((g) => g.target === initial.target && g.size === initial.assets)) continue;
    const near = (r: RunRecord) => r.target === initial.target && Math.abs(r.assets - initial.assets) <= initial.assets * 0.1;
    out.push({ target: initial.target, size: initial.assets, runs: runs.filter(near) });
  }
  return out;
}

const pick = (runs: RunRecord[], name: string, mode: RunRecord['mode']) => runs.find((r) => r.name === name && r.mode === mode);

/** The floor of a step: one read and one write of each changed table (bytes: see RunRecord.floorBytes). */
export function floorOf(run: RunRecord): { requests: number; bytes: number | null } {
  return { requests: 2 * run.changed, bytes: run.floorBytes ?? null };
}

function percentSaved(part: number, whole: number): number | null {
  return whole > 0 ? round1((1 - part / whole) * 100) : null;
}

export function summarise(runs: RunRecord[], micro: MicroResults | null): BenchSummary {
  const sizes: SizeSummary[] = [];
  for (const g of groups(runs)) {
    const at10 = pick(g.runs, 'incremental 10%', 'incremental');
    const full10 = pick(g.runs, 'incremental 10%', 'full');
    const meta = pick(g.runs, 'metadata-only 5%', 'incremental');
    const fullMeta = pick(g.runs, 'metadata-only 5%', 'full');
    const unchanged = pick(g.runs, 'unchanged rerun', 'incremental');
    const fullUnchanged = pick(g.runs, 'unchanged rerun', 'full');
    let writesEqualChanged: boolean | null = null;
    let worst: number | null = null;
    for (const r of g.runs.filter((x) => x.mode === 'incremental' && x.name !== 'initial sync')) {
      const m = r.mutation ?? { metadata: 0, content: 0, schema: 0, deleted: 0, created: 0 };
      const tableWrites = (r.byOperation.UpdateTable ?? 0) + (r.byOperation.CreateTable ?? 0);
      const deleteCalls = r.byOperation.BatchDeleteTable ?? r.byOperation.DeleteTable ?? 0;
      // Glue deletes up to 100 names per call and database; the file target one by one.
      const deletesOk = g.target === 'moto' ? deleteCalls >= Math.ceil(m.deleted / 100) && deleteCalls <= m.deleted : deleteCalls === m.deleted;
      const ok = tableWrites === m.metadata + m.content + m.schema + m.created && deletesOk;
      writesEqualChanged = (writesEqualChanged ?? true) && ok;
      const floor = floorOf(r);
      if (floor.requests > 0) worst = Math.max(worst ?? 0, round2(r.glueRequests / floor.requests));
    }
    sizes.push({
      target: g.target,
      assets: g.size,
      bytesSavedAt10: at10 && full10 ? percentSaved(total(at10), total(full10)) : null,
      timeSavedAt10: at10 && full10 ? percentSaved(at10.wallMs, full10.wallMs) : null,
      bytesSavedMeta5: meta && fullMeta ? percentSaved(total(meta), total(fullMeta)) : null,
      unchangedBytesPercentOfFull: unchanged && fullUnchanged && total(fullUnchanged) > 0 ? round3((total(unchanged) / total(fullUnchanged)) * 100) : null,
      unchangedWrites: unchanged?.writes ?? null,
      unchangedRequests: unchanged?.glueRequests ?? null,
      databases: g.runs[0]?.databases ?? 1,
      writesEqualChanged,
      worstRequestsVsFloor: worst,
    });
  }
  const file100k = runs.filter((r) => r.target === 'file' && r.assets >= 90_000);
  return {
    sizes,
    hashAssetsPerSecond: micro && micro.assets >= 100_000 ? micro.hashAssetsPerSecond : null,
    checkpointSave100kMs: micro && micro.assets >= 100_000 ? micro.checkpointSaveMs : null,
    peakRss100kBytes: file100k.length > 0 ? Math.max(...file100k.map((r) => r.peakRssBytes)) : null,
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(2);
const ratio = (a: number, b: number | null | undefined) => (b && b > 0 ? (a / b).toFixed(3) : '—');
const MODE_LABEL: Record<RunRecord['mode'], string> = { incremental: 'incremental', full: '--full', naive: 'naive upsert' };

function table(head: string[], rows: string[][], left: number): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < left ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

export function printTable(runs: RunRecord[], micro: MicroResults | null, s: BenchSummary): string {
  const out: string[] = [];
  const head = ['step', 'run', 'requests', 'glue req', 'writes', 'sent MB', 'recv MB', 'total MB', 'wall ms', 'bytes/full', 'time/full', 'bytes/floor', 'req/floor', 'summary savings'];
  for (const g of groups(runs)) {
    out.push('', `${g.target}, ${g.size} assets (${g.runs[0]?.databases ?? 1} database${(g.runs[0]?.databases ?? 1) === 1 ? '' : 's'})`);
    const rows: string[][] = [];
    let previous = '';
    for (const r of g.runs) {
      const full = pick(g.runs, r.name, 'full');
      const floor = floorOf(r);
      const incremental = r.mode === 'incremental';
      rows.push([
        r.name === previous ? '' : r.name,
        MODE_LABEL[r.mode],
        String(r.requests),
        String(r.glueRequests),
        String(r.writes),
        mb(r.bytesSent),
        mb(r.bytesReceived),
        mb(total(r)),
        String(r.wallMs),
        incremental && full ? ratio(total(r), total(full)) : '',
        incremental && full ? ratio(r.wallMs, full.wallMs) : '',
        incremental ? ratio(total(r), floor.bytes) : '',
        incremental ? ratio(r.glueRequests, floor.requests) : '',
        r.savingsPercent === undefined ? '' : `${r.savingsPercent} %`,
      ]);
      previous = r.name;
    }
    out.push(...table(head, rows, 2));
  }
  if (micro) {
    out.push('', `micro (${micro.assets} assets): hash+classify ${micro.hashAssetsPerSecond} assets/s (${micro.hashClassifyMs} ms; cold, no fingerprints: ${micro.hashColdAssetsPerSecond}/s); plan ${micro.planMs} ms (${micro.planChangesPerSecond} changes/s); checkpoint put ${micro.checkpointPutMs} ms, save ${micro.checkpointSaveMs} ms, load ${micro.checkpointLoadMs} ms (${mb(micro.checkpointFileBytes)} MB)`);
  }
  out.push('', 'against the targets:');
  for (const z of s.sizes) {
    out.push(`  ${z.target} ${z.assets}:`);
    out.push(`    10 % change, bytes saved vs --full:     ${z.bytesSavedAt10} %   (target >= 88 %)`);
    out.push(`    10 % change, wall time saved vs --full: ${z.timeSavedAt10} %   (target >= 85 %)`);
    out.push(`    metadata-only 5 %, bytes saved:         ${z.bytesSavedMeta5} %   (target >= 95 %)`);
    out.push(`    unchanged rerun: ${z.unchangedBytesPercentOfFull} % of a full run's bytes (target <= 1 %), ${z.unchangedWrites} writes (0), ${z.unchangedRequests} requests (<= ${z.databases})`);
    out.push(`    writes = changed tables at every rate:  ${z.writesEqualChanged}`);
    out.push(`    worst requests / floor:                 ${z.worstRequestsVsFloor}   (target <= 1.2)`);
  }
  out.push(`  hash + classify:                 ${s.hashAssetsPerSecond} assets/s   (target >= 50,000)`);
  out.push(`  checkpoint save, 100k entries:   ${s.checkpointSave100kMs} ms   (target < 1,000)`);
  out.push(`  peak RSS of a 100k-asset run:    ${s.peakRss100kBytes === null ? null : mb(s.peakRss100kBytes) + ' MB'}   (target < 1,024 MB)`);
  return out.join('\n');
}

