import { describe, expect, it } from 'vitest';
import { nextNavIndex } from './nav-keys.ts';

describe('nextNavIndex', () => {
  it('arrows move by one and wrap; Home and End jump', () => {
    expect(nextNavIndex('ArrowDown', 0, 8)).toBe(1);
    expect(nextNavIndex('ArrowRight', 7, 8)).toBe(0);
    expect(nextNavIndex('ArrowUp', 0, 8)).toBe(7);
    expect(nextNavIndex('ArrowLeft', 3, 8)).toBe(2);
    expect(nextNavIndex('Home', 5, 8)).toBe(0);
    expect(nextNavIndex('End', 2, 8)).toBe(7);
  });

  it('other keys, and an empty nav, are not handled', () => {
    expect(nextNavIndex('Enter', 0, 8)).toBeUndefined();
    expect(nextNavIndex('Tab', 0, 8)).toBeUndefined();
    expect(nextNavIndex('ArrowDown', 0, 0)).toBeUndefined();
  });
});
