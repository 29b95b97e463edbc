import type { CheckpointStore } from '../catalog/checkpoint.ts';

export type FlushSignal = 'SIGINT' | 'SIGTERM';

export interface FlushOnSignalsOptions {
  /** Called first, e.g. to log "interrupted, saving checkpoints". */
  onSignal?: (signal: FlushSignal) => void;
  /** Called when the flush fails; the process still exits with the signal's code. */
  onError?: (error: unknown) => void;
  /** Replaces process.exit, for tests. */
  exit?: (code: number) => void;
}

/** The shell convention: 128 + signal number. */
export const SIGNAL_EXIT_CODES: Readonly<Record<FlushSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * On SIGINT/SIGTERM: flush the store, then exit with 130/143. Installing a listener replaces Node's default
 * "exit at once", which would drop every staged-but-unflushed checkpoint entry and make the next run redo (or, for
 * writes already confirmed by the target, merely re-record) that work. A second signal while the flush runs exits
 * at once — the atomic write means that can never leave a broken file, and a user pressing Ctrl-C twice means it.
 *
 * Returns a function that removes the listeners again (call it when the run ends normally).
 */
export function flushOnSignals(store: Pick<CheckpointStore, 'flush'>, options: FlushOnSignalsOptions = {}): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let flushing = false;

  const handle = (signal: FlushSignal) => {
    const code = SIGNAL_EXIT_CODES[signal];
    if (flushing) {
      exit(code);
      return;
    }
    flushing = true;
    try {
      options.onSignal?.(signal);
    } catch {
      // a failing logger must not cost the checkpoints
    }
    store.flush().then(
      () => exit(code),
      (error: unknown) => {
        options.onError?.(error);
        exit(code);
      },
    );
  };
  const onSigint = () => handle('SIGINT');
  const onSigterm = () => handle('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  return () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  };
}
