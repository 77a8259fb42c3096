import { describe, expect, it } from 'vitest';
import { ShardThrottle } from './shard-throttle.ts';

describe('per-shard throttle (token bucket of rows per second)', () => {
  it('lets a shard spend its bucket, then makes it wait for refills; shards are independent', async () => {
    let now = 0;
    const slept: number[] = [];
    const t = new ShardThrottle({
      rowsPerSecond: 1000,
      clock: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    });
    expect(await t.take(0, 1000)).toBe(0);
    expect(t.delayFor(0, 500)).toBe(500);
    expect(t.delayFor(1, 500)).toBe(0);
    expect(await t.take(0, 500)).toBe(500);
    now += 250;
    expect(t.delayFor(0, 500)).toBe(250);
    expect(slept).toEqual([500]);
  });

  it('is a no-op when unthrottled', async () => {
    const t = new ShardThrottle();
    expect(t.enabled).toBe(false);
    expect(await t.take(3, 1e9)).toBe(0);
  });

  it('lets a batch larger than the bucket through once the bucket is full, leaving a debt', async () => {
    let now = 0;
    const t = new ShardThrottle({ rowsPerSecond: 100, clock: () => now, sleep: async (ms) => void (now += ms) });
    expect(await t.take(0, 250)).toBe(0);
    expect(t.delayFor(0, 100)).toBe(2500);
  });
});
