import type { AssetFailure, AssetWarning } from '../catalog/source.ts';
import type { StrategyCounts } from './sync-plan.ts';

export interface TrafficFigures {
  requests: number;
  bytesSent: number;
  bytesReceived: number;
}

/** The one JSON object `sync --json` prints, and the record appended to the run history. */
export interface RunSummary {
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  dryRun: boolean;
  mode: 'incremental' | 'full';
  status: 'ok' | 'partial' | 'stopped';
  source: { type: string; spaces: string[]; incompleteSpaces: { space: string; reason: string }[] };
  target: { type: string };
  changes: {
    created: number;
    modified: number;
    schemaChanged: number;
    metadataChanged: number;
    deleted: number;
    unchanged: number;
  };
  strategies: StrategyCounts;
  failed: AssetFailure[];
  warnings: AssetWarning[];
  drift: { assetId: string; table: string; expectedVersion: string; actualVersion: string }[];
  verified: { checked: number; matched: number };
  traffic: {
    source: TrafficFigures & { byOperation: Record<string, TrafficFigures> };
    target: TrafficFigures & { writes: number; byOperation: Record<string, TrafficFigures> };
  };
  fullSyncBytes: number;
  savingsPercent: number;
}

/** Percent of the full-sync bytes this run did not send; 0 when there was nothing to compare with. */
export function savingsPercent(fullSyncBytes: number, bytesSent: number): number {
  if (fullSyncBytes <= 0) return 0;
  const saved = (1 - bytesSent / fullSyncBytes) * 100;
  return Math.round(saved * 10) / 10;
}
