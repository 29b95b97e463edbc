import type { EngineLogger } from '../engine/engine-logger.ts';

export type CheckState = 'ok' | 'unreachable';

export interface ReadinessReport {
  ready: boolean;
  checks: { config: 'ok'; source: CheckState; target: CheckState };
}

export interface ReadinessDeps {
  /** Cheap calls that fail when the system cannot be reached (listing the spaces, reading one database). */
  checkSource(): Promise<void>;
  checkTarget(): Promise<void>;
  logger: EngineLogger;
  /** A report is reused for this long: probes every few seconds must not turn into a stream of source requests. */
  cacheMs: number;
  /** A check that takes longer counts as unreachable. */
  timeoutMs: number;
  now?: () => number;
}

/**
 * `/readyz`: the config was loaded (or the daemon would not run), and the source and the target answer. Why a check
 * failed goes to the log, not into the answer, which anyone who can reach the port may read.
 */
export function createReadiness(deps: ReadinessDeps): () => Promise<ReadinessReport> {
  const now = deps.now ?? Date.now;
  let cached: { at: number; report: Promise<ReadinessReport> } | undefined;
  const check = async (name: 'source' | 'target', probe: () => Promise<void>): Promise<CheckState> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${deps.timeoutMs} ms`)), deps.timeoutMs);
        }),
      ]);
      return 'ok';
    } catch (error) {
      deps.logger.warn({ check: name, err: error instanceof Error ? error.message : String(error) }, 'readiness check failed');
      return 'unreachable';
    } finally {
      clearTimeout(timer);
    }
  };
  return () => {
    if (cached && now() - cached.at < deps.cacheMs) return cached.report;
    const report = Promise.all([check('source', deps.checkSource), check('target', deps.checkTarget)]).then(([source, target]) => ({
      ready: source === 'ok' && target === 'ok',
      checks: { config: 'ok' as const, source, target },
    }));
    cached = { at: now(), report };
    return report;
  };
}
