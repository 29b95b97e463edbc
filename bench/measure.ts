export interface Measured<T> {
  value: T;
  wallMs: number;
  cpuMs: number;
  /** Highest resident set size sampled while the work ran (every 20 ms, plus before and after). */
  peakRssBytes: number;
}

/** Wall time, CPU time (user + system) and sampled peak RSS of one piece of work in this process. */
export async function measure<T>(work: () => Promise<T>): Promise<Measured<T>> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const cpu = process.cpuUsage();
  const start = performance.now();
  try {
    const value = await work();
    const wallMs = performance.now() - start;
    const used = process.cpuUsage(cpu);
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, wallMs, cpuMs: (used.user + used.system) / 1000, peakRssBytes: peak };
  } finally {
    clearInterval(timer);
  }
}
