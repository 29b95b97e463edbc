import { setTimeout as delay } from 'node:timers/promises';
import type { AcquireLockOptions, Lock } from './lock-file.ts';
import { acquireLock } from './lock-file.ts';
import { LockHeldError } from './state-errors.ts';

export interface WaitForLockOptions extends AcquireLockOptions {
  /** How long to wait for another run to release the lock; 0 = fail at once with LockHeldError. */
  waitMs: number;
  /** Between attempts; injectable so tests need not wait. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<unknown>;
  /** Called once, when the lock is first found held and the wait begins. */
  onWait?: (error: LockHeldError) => void;
}

/** `--wait-lock`: takes the checkpoint lock, waiting up to `waitMs` for a run that holds it to finish. */
export async function waitForLock(lockPath: string, options: WaitForLockOptions): Promise<Lock> {
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const now = () => (options.now ?? (() => new Date()))().getTime();
  const deadline = now() + options.waitMs;
  let waiting = false;
  for (;;) {
    try {
      return await acquireLock(lockPath, options);
    } catch (error) {
      if (!(error instanceof LockHeldError) || now() >= deadline) throw error;
      if (!waiting) options.onWait?.(error);
      waiting = true;
      await sleep(Math.min(options.pollMs ?? 500, Math.max(1, deadline - now())));
    }
  }
}
