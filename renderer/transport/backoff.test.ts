import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './backoff.ts';

describe('reconnectDelayMs', () => {
  it('doubles from 500 ms and stops at 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100].map(reconnectDelayMs)).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('refuses a negative or fractional attempt', () => {
    expect(() => reconnectDelayMs(-1)).toThrow('attempt must be a non-negative integer, got -1');
    expect(() => reconnectDelayMs(1.5)).toThrow(RangeError);
  });
});
