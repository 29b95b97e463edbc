import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunSummary } from '../engine/run-summary.ts';
import type { Job } from './job.ts';

export interface DaemonMetrics {
  readonly registry: Registry;
  /** Counts one finished job: its outcome, and (when it ran) its changes, traffic and duration. */
  jobFinished(job: Job): void;
  scheduleSkipped(schedule: string, reason: string): void;
  text(): Promise<string>;
  readonly contentType: string;
}

const CHANGE_LABELS: Record<keyof RunSummary['changes'], string> = {
  created: 'created',
  modified: 'modified',
  schemaChanged: 'schema_changed',
  metadataChanged: 'metadata_changed',
  deleted: 'deleted',
  unchanged: 'unchanged',
};

/**
 * The daemon's Prometheus metrics, in a registry of its own (never prom-client's global one, so two daemons in
 * one test process do not share counters). Label values are bounded: outcomes, change types, connector types,
 * directions, space names from the config or the source, schedule names.
 */
export function createDaemonMetrics(state: { queueDepth(): number; running(): number }): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'catalog_sync_' });
  const runs = new Counter({
    name: 'catalog_sync_runs_total',
    help: 'Finished daemon jobs by outcome (succeeded, partial, failed, cancelled, stopped) and trigger (api, schedule).',
    labelNames: ['outcome', 'trigger'] as const,
    registers: [registry],
  });
  const assets = new Counter({
    name: 'catalog_sync_assets_total',
    help: 'Assets seen by real (not dry-run) runs, by change type.',
    labelNames: ['change'] as const,
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'catalog_sync_bytes_total',
    help: 'Bytes exchanged with each system (source or target connector type), by direction (sent, received).',
    labelNames: ['system', 'direction'] as const,
    registers: [registry],
  });
  const requests = new Counter({
    name: 'catalog_sync_requests_total',
    help: 'Requests made to each system (source or target connector type), by direction (read, write).',
    labelNames: ['system', 'direction'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'catalog_sync_run_duration_seconds',
    help: 'Duration of the runs of daemon jobs.',
    buckets: [0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  });
  const lastSuccess = new Gauge({
    name: 'catalog_sync_last_success_timestamp_seconds',
    help: 'Unix time at which the last successful (status ok, not dry-run) run of each space finished.',
    labelNames: ['space'] as const,
    registers: [registry],
  });
  const skipped = new Counter({
    name: 'catalog_sync_schedule_skipped_total',
    help: 'Schedule firings that started no job (previous-still-active, no-spaces, listing-failed, closed).',
    labelNames: ['schedule', 'reason'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'catalog_sync_queue_depth',
    help: 'Jobs waiting to start.',
    registers: [registry],
    collect() {
      this.set(state.queueDepth());
    },
  });
  new Gauge({
    name: 'catalog_sync_jobs_running',
    help: 'Jobs running now.',
    registers: [registry],
    collect() {
      this.set(state.running());
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    scheduleSkipped(schedule, reason) {
      skipped.inc({ schedule, reason });
    },
    jobFinished(job) {
      runs.inc({ outcome: job.status, trigger: job.request.trigger.startsWith('schedule:') ? 'schedule' : 'api' });
      const summary = job.summary;
      if (!summary) return;
      if (!summary.dryRun) {
        for (const [key, label] of Object.entries(CHANGE_LABELS)) {
          const count = summary.changes[key as keyof RunSummary['changes']];
          if (count > 0) assets.inc({ change: label }, count);
        }
      }
      const { source, target } = summary.traffic;
      bytes.inc({ system: summary.source.type, direction: 'sent' }, source.bytesSent);
      bytes.inc({ system: summary.source.type, direction: 'received' }, source.bytesReceived);
      bytes.inc({ system: summary.target.type, direction: 'sent' }, target.bytesSent);
      bytes.inc({ system: summary.target.type, direction: 'received' }, target.bytesReceived);
      requests.inc({ system: summary.source.type, direction: 'read' }, source.requests);
      requests.inc({ system: summary.target.type, direction: 'read' }, Math.max(0, target.requests - target.writes));
      requests.inc({ system: summary.target.type, direction: 'write' }, target.writes);
      duration.observe(summary.durationMs / 1000);
      if (job.status === 'succeeded' && !summary.dryRun) {
        const at = Date.parse(summary.finishedAt) / 1000;
        for (const space of job.request.spaces) lastSuccess.set({ space }, at);
      }
    },
  };
}
