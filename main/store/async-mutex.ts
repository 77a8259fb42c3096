/**
 * A FIFO async mutex: callers queue in order and run one at a time. The SQLite client
 * uses it so that one connection never interleaves statements of two transactions.
 */
export class AsyncMutex {
  #tail: Promise<void> = Promise.resolve();
  #held = false;

  get held(): boolean {
    return this.#held;
  }

  /** Runs fn when every earlier caller has finished; the lock is released even if fn throws. */
  async run<T>(fn: () => Promise<T> | T): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.#held = true;
    try {
      return await fn();
    } finally {
      this.#held = false;
      release();
    }
  }
}
