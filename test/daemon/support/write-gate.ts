import type { Target, WriteRequest } from '../../../src/catalog/target.ts';

/**
 * Holds target writes at a chosen point, so a test can act (cancel, submit, send a signal) while a job is provably
 * mid-run, then let it go on. Counts writes per database (= per space).
 */
export class WriteGate {
  readonly #written = new Map<string, number>();
  readonly #holdAfter = new Map<string, number>();
  readonly #waiters: { database: string; count: number; resolve: () => void }[] = [];
  #open: Promise<void> = Promise.resolve();
  #release: () => void = () => {};

  /** From now on, the write after the `count`-th one into `database` waits until release(). */
  holdAfter(database: string, count: number): void {
    if (this.#holdAfter.size === 0) {
      this.#open = new Promise((resolve) => {
        this.#release = resolve;
      });
    }
    this.#holdAfter.set(database, count);
  }

  release(): void {
    this.#holdAfter.clear();
    this.#release();
  }

  written(database: string): number {
    return this.#written.get(database) ?? 0;
  }

  /** Resolves once `count` writes into `database` have been confirmed. */
  reached(database: string, count: number): Promise<void> {
    if (this.written(database) >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ database, count, resolve }));
  }

  /** The target with its writes passing through the gate; every other member is the target's own. */
  wrap(target: Target): Target {
    return new Proxy(target, {
      get: (inner, property) => {
        if (property === 'write') {
          return async (request: WriteRequest) => {
            const database = request.ref.database;
            const limit = this.#holdAfter.get(database);
            if (limit !== undefined && this.written(database) >= limit) await this.#open;
            const result = await inner.write(request);
            this.#written.set(database, this.written(database) + 1);
            for (const waiter of [...this.#waiters]) {
              if (waiter.database === database && this.written(database) >= waiter.count) {
                this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
                waiter.resolve();
              }
            }
            return result;
          };
        }
        const value: unknown = Reflect.get(inner, property, inner);
        return typeof value === 'function' ? value.bind(inner) : value;
      },
    });
  }
}
