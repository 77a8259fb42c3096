/**
 * Per-shard pacing: each shard gets a token bucket of rows per second, so a purge never takes
 * a shard's write lock back to back for longer than its budget allows and queries on that
 * shard still get their turn. Shards pace independently: one slow shard does not hold the
 * others back.
 */
export interface ThrottleOptions {
  /** Rows per second per shard; undefined or 0 means unthrottled. */
  rowsPerSecond?: number;
  /** Bucket size in rows (default: one second's worth). */
  burstRows?: number;
  /** Monotonic clock in ms (tests pass their own). */
  clock?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class ShardThrottle {
  readonly #rate: number;
  readonly #burst: number;
  readonly #clock: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #buckets = new Map<number, { tokens: number; at: number }>();

  constructor(options: ThrottleOptions = {}) {
    this.#rate = options.rowsPerSecond ?? 0;
    this.#burst = options.burstRows ?? this.#rate;
    this.#clock = options.clock ?? (() => performance.now());
    this.#sleep = options.sleep ?? abortableSleep;
  }

  get enabled(): boolean {
    return this.#rate > 0;
  }

  /** How long a batch of `rows` on `shard` must wait now (ms), without waiting. */
  delayFor(shard: number, rows: number): number {
    if (!this.enabled) return 0;
    const b = this.#refill(shard);
    const need = Math.min(rows, this.#burst) - b.tokens;
    return need <= 0 ? 0 : (need / this.#rate) * 1000;
  }

  /** Waits until the shard's bucket covers the batch, then takes its rows. */
  async take(shard: number, rows: number, signal?: AbortSignal): Promise<number> {
    if (!this.enabled) return 0;
    const wait = this.delayFor(shard, rows);
    if (wait > 0) await this.#sleep(wait, signal);
    const b = this.#refill(shard);
    // A batch bigger than the bucket may run once the bucket is full; it leaves a debt.
    b.tokens -= rows;
    return wait;
  }

  #refill(shard: number): { tokens: number; at: number } {
    const now = this.#clock();
    let b = this.#buckets.get(shard);
    if (!b) {
      b = { tokens: this.#burst, at: now };
      this.#buckets.set(shard, b);
    }
    b.tokens = Math.min(this.#burst, b.tokens + ((now - b.at) / 1000) * this.#rate);
    b.at = now;
    return b;
  }
}
