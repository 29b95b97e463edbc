import cliProgress from 'cli-progress';

export interface Progress {
  start(total: number): void;
  update(done: number): void;
  stop(): void;
}

const quiet: Progress = { start() {}, update() {}, stop() {} };

/** A bar on stderr for long runs at a terminal; silent in pipes, CI and `--json`. */
export function createProgress(enabled: boolean, minimum = 50): Progress {
  if (!enabled || process.stderr.isTTY !== true) return quiet;
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(total) {
      if (total < minimum) return;
      bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: 'applying {bar} {value}/{total} assets | {eta_formatted} left', hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
    },
    update(done) {
      bar?.update(done);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
