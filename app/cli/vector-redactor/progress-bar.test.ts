import { describe, expect, it } from 'vitest';
import { ProgressBar, formatDuration, renderProgress } from './progress-bar.ts';

describe('the apply progress bar', () => {
  it('shows fraction, counts, rate, ETA and concurrency', () => {
    expect(renderProgress({ done: 523_000, total: 1_000_000, rate: 412_345.6, etaSeconds: 1.2, concurrency: 2 }, 10)).toBe(
      '[█████░░░░░]  52.3%  523,000/1,000,000 vectors  412,346/s  ETA 1s  2 shards at once',
    );
    expect(renderProgress({ done: 0, total: 10, rate: 0, etaSeconds: null, concurrency: 1 }, 4)).toBe('[░░░░]   0.0%  0/10 vectors  0/s  ETA –  1 shard at once');
    expect(renderProgress({ done: 0, total: 0, rate: 0, etaSeconds: 0, concurrency: 1 }, 2)).toBe('[██] 100.0%  0/0 vectors  0/s  ETA 0s  1 shard at once');
  });

  it('writes ETAs as seconds, minutes or hours', () => {
    expect([formatDuration(59.4), formatDuration(61), formatDuration(3599), formatDuration(7380)]).toEqual(['59s', '1m01s', '59m59s', '2h03m']);
  });

  it('redraws in place on a terminal at most ten times a second, and prints a line every two seconds elsewhere', () => {
    let t = 0;
    const out: string[] = [];
    const p = { done: 1, total: 2, rate: 1, etaSeconds: 1, concurrency: 1 };
    const tty = new ProgressBar((s) => out.push(s), true, () => t);
    tty.update(p);
    t = 50;
    tty.update(p);
    t = 150;
    tty.update(p);
    tty.end();
    expect(out).toHaveLength(3);
    expect(out[0]!.startsWith('\r[')).toBe(true);
    expect(out[0]!.endsWith('\u001b[K')).toBe(true);
    expect(out[2]).toBe('\n');
    out.length = 0;
    const plain = new ProgressBar((s) => out.push(s), false, () => t);
    plain.update(p);
    t = 1000;
    plain.update(p);
    t = 2200;
    plain.update(p);
    plain.end();
    expect(out.map((s) => s.endsWith('\n') && !s.includes('\r'))).toEqual([true, true]);
  });
});
