/**
 * How many shard lanes may run batches at once, adjusted by what batches cost (AIMD, as in
 * TCP congestion control). Cost is per row, so a short last batch does not look fast. The
 * best cost seen is the baseline: when the recent average climbs past `backoffFactor` ×
 * baseline (the store is busy: other writers, a slow disk, a saturated server), the limit
 * halves; after `window` batches at or near the baseline it grows by one.
 */
export interface ConcurrencyOptions {
  min?: number;
  max: number;
  initial?: number;
  /** Back off when recent cost exceeds this multiple of the best cost seen (default 2). */
  backoffFactor?: number;
  /** Grow when recent cost is within this multiple of the best (default 1.5). */
  growFactor?: number;
  /** Batches between increases (default 4). */
  window?: number;
  /** Smoothing of the recent cost, 0..1 (default 0.3: the last few batches dominate). */
  alpha?: number;
}

export interface ConcurrencyChange {
  from: number;
  to: number;
  reason: 'latency-rose' | 'latency-steady';
  costMsPerKRow: number;
  baselineMsPerKRow: number;
}

export class AdaptiveConcurrency {
  readonly #min: number;
  readonly #max: number;
  readonly #backoff: number;
  readonly #grow: number;
  readonly #window: number;
  readonly #alpha: number;
  #limit: number;
  #ewma: number | undefined;
  #baseline = Infinity;
  #sinceChange = 0;

  constructor(options: ConcurrencyOptions) {
    this.#min = Math.max(1, options.min ?? 1);
    this.#max = Math.max(this.#min, options.max);
    this.#limit = Math.min(this.#max, Math.max(this.#min, options.initial ?? this.#min));
    this.#backoff = options.backoffFactor ?? 2;
    this.#grow = options.growFactor ?? 1.5;
    this.#window = options.window ?? 4;
    this.#alpha = options.alpha ?? 0.3;
  }

  get limit(): number {
    return this.#limit;
  }

  /** Records one batch; returns the change it caused, if any. */
  record(latencyMs: number, rows: number): ConcurrencyChange | undefined {
    if (rows <= 0 || !Number.isFinite(latencyMs) || latencyMs < 0) return undefined;
    const cost = (latencyMs / rows) * 1000;
    this.#ewma = this.#ewma === undefined ? cost : this.#alpha * cost + (1 - this.#alpha) * this.#ewma;
    this.#baseline = Math.min(this.#baseline, cost);
    this.#sinceChange++;
    const from = this.#limit;
    if (this.#ewma > this.#backoff * this.#baseline && this.#limit > this.#min) {
      this.#limit = Math.max(this.#min, Math.floor(this.#limit / 2));
      this.#sinceChange = 0;
      // Start the average afresh so one slow spell is not punished twice.
      this.#ewma = undefined;
      return { from, to: this.#limit, reason: 'latency-rose', costMsPerKRow: cost, baselineMsPerKRow: this.#baseline };
    }
    if (this.#sinceChange >= this.#window && this.#ewma <= this.#grow * this.#baseline && this.#limit < this.#max) {
      this.#limit++;
      this.#sinceChange = 0;
      return { from, to: this.#limit, reason: 'latency-steady', costMsPerKRow: cost, baselineMsPerKRow: this.#baseline };
    }
    return undefined;
  }
}
