import { describe, expect, it } from 'vitest';
import { AdaptiveConcurrency } from './adaptive-concurrency.ts';

describe('adaptive concurrency (AIMD on per-row batch cost)', () => {
  it('grows by one after a window of batches near the best cost, up to max', () => {
    const c = new AdaptiveConcurrency({ max: 3, initial: 1, window: 2 });
    expect(c.record(100, 1000)).toBeUndefined();
    expect(c.record(100, 1000)).toEqual({ from: 1, to: 2, reason: 'latency-steady', costMsPerKRow: 100, baselineMsPerKRow: 100 });
    c.record(100, 1000);
    expect(c.record(110, 1000)?.to).toBe(3);
    c.record(100, 1000);
    expect(c.record(100, 1000)).toBeUndefined();
    expect(c.limit).toBe(3);
  });

  it('halves when batches get slower than twice the best, never below min', () => {
    const c = new AdaptiveConcurrency({ max: 8, initial: 8 });
    c.record(10, 1000);
    // EWMA 0.3·50 + 0.7·10 = 22 > 2 × 10
    expect(c.record(50, 1000)).toEqual({ from: 8, to: 4, reason: 'latency-rose', costMsPerKRow: 50, baselineMsPerKRow: 10 });
    expect(c.record(60, 1000)?.to).toBe(2);
    expect(c.record(60, 1000)?.to).toBe(1);
    expect(c.record(60, 1000)).toBeUndefined();
    expect(c.limit).toBe(1);
  });

  it('holds steady while batches cost between 1.5 and 2 times the best', () => {
    const c = new AdaptiveConcurrency({ max: 8, initial: 2, window: 2 });
    c.record(100, 1000);
    // The average takes a few batches to climb from 100 past 150 (it may grow meanwhile)…
    for (let i = 0; i < 6; i++) c.record(170, 1000);
    const settled = c.limit;
    // …then 1.7 × the best neither grows nor halves the limit.
    for (let i = 0; i < 10; i++) expect(c.record(170, 1000)).toBeUndefined();
    expect(c.limit).toBe(settled);
  });

  it('judges cost per row, so a short last batch is not mistaken for a fast one', () => {
    const c = new AdaptiveConcurrency({ max: 4, initial: 4 });
    c.record(100, 1000);
    expect(c.record(10, 100)).toBeUndefined();
    expect(c.limit).toBe(4);
  });

  it('ignores empty or nonsensical samples', () => {
    const c = new AdaptiveConcurrency({ max: 4, initial: 2 });
    expect(c.record(5, 0)).toBeUndefined();
    expect(c.record(Number.NaN, 10)).toBeUndefined();
    expect(c.limit).toBe(2);
  });
});
