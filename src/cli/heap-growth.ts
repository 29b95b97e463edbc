import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what survived the last full collection, in per cent.
 *
 * V8's own choice is dynamic, up to 4× the live heap on a machine with memory to spare. That suits a browser tab; it
 * does not suit a batch job whose live set is large and long-lived (a million checkpoint entries, about 1 GB), where it
 * let the heap reach 2.5 GB over a 1 GB live set (bench/README.md, "Scale"). Capped at 1.5×, a 1M-asset unchanged run
 * peaked at 1.86 GB instead of 2.75 GB, in the same wall time. The price is more full collections (17 instead of 7 in
 * that run); V8 marks concurrently, on another core, and where little is live, as in a small run, each is short.
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Applies HEAP_GROWING_PERCENT to this process, unless Node was started with its own `--heap-growing-percent` (then
 * that one stands). Called once, first thing, by the CLI (which the daemon runs in) and by the benchmark, which
 * measures what users get. Returns the percentage it set, or undefined when it left Node's own.
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): number | undefined {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent(=|$)/.test(arg))) return undefined;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return HEAP_GROWING_PERCENT;
}
