import cliProgress from 'cli-progress';

/** What the bar is counting: assets read from the source, or actions applied to the target. */
export type ProgressPhase = 'reading' | 'applying';

export interface Progress {
  /** A new bar for `total` items of this phase (none below the minimum); replaces a bar still showing. */
  start(total: number, phase?: ProgressPhase, detail?: string): void;
  /** `done` so far; a changed `total` (the next space being read) resizes the bar. */
  update(done: number, total?: number): void;
  stop(): void;
}

const silent: Progress = { start() {}, update() {}, stop() {} };

/**
 * A bar on stderr for long runs at a terminal, covering both long phases: reading the source (per asset, per
 * space) and applying the plan. Silent in pipes, in CI, under `--json` and `--quiet`, and for runs too short to
 * need one.
 */
export function createProgress(enabled: boolean, minimum = 50, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || stream.isTTY !== true) return silent;
  let bar: cliProgress.SingleBar | undefined;
  let shownTotal = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    start(total, phase = 'applying', detail = '') {
      stop();
      if (total < minimum) return;
      bar = new cliProgress.SingleBar(
        { stream, format: '{phase} {bar} {value}/{total} assets{detail} | {eta_formatted} left', hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      shownTotal = total;
      bar.start(total, 0, { phase, detail: detail ? ` (${detail})` : '' });
    },
    update(done, total) {
      if (!bar) return;
      if (total !== undefined && total !== shownTotal) {
        shownTotal = total;
        bar.setTotal(total);
      }
      bar.update(done);
    },
    stop,
  };
}

/**
 * The source's per-space progress on one bar: each space starts its own count, so a new space (a `done` that
 * went back, or a new `space`) starts the bar again with that space's total.
 */
export function extractProgress(progress: Progress): (done: number, total: number, space?: string) => void {
  let current: string | undefined;
  let last = -1;
  return (done, total, space) => {
    if (space !== current || done < last) {
      current = space;
      progress.start(total, 'reading', space);
    }
    last = done;
    progress.update(done, total);
  };
}
