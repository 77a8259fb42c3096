import { describe, expect, it } from 'vitest';
import type { UsageMinute } from '../../../shared/api/costguard.ts';
import type { CostguardRepo } from '../store/costguard-repo.ts';
import { RateLimiter } from './rate-limiter.ts';
import { minuteOf, UsageRecorder } from './usage-recorder.ts';

function fakeRepo(failFirst = false) {
  const written: UsageMinute[][] = [];
  let calls = 0;
  const repo = {
    addUsage: async (rows: readonly UsageMinute[]) => {
      calls++;
      if (failFirst && calls === 1) throw new Error('store is down');
      written.push([...rows]);
    },
  } as unknown as CostguardRepo;
  return { repo, written };
}

describe('UsageRecorder', () => {
  it('counts per namespace per minute and writes a minute once the next one starts', async () => {
    let t = Date.parse('2026-11-28T12:00:59.000Z');
    const { repo, written } = fakeRepo();
    const recorder = new UsageRecorder(repo);
    const limiter = new RateLimiter({ default: { quota: 2, windowSeconds: 60 } }, () => t);
    limiter.observe(recorder.observer);
    limiter.check('a');
    limiter.check('a');
    limiter.check('a');
    limiter.check('b');
    t += 2000;
    limiter.check('b');
    await recorder.flush();
    expect(written).toEqual([
      [
        { namespace: 'a', minute: '2026-11-28T12:00:00.000Z', allowed: 2, limited: 1 },
        { namespace: 'b', minute: '2026-11-28T12:00:00.000Z', allowed: 1, limited: 0 },
      ],
      [{ namespace: 'b', minute: '2026-11-28T12:01:00.000Z', allowed: 1, limited: 0 }],
    ]);
    expect(recorder.pending()).toEqual([]);
  });

  it('keeps the counts when a write fails, and writes them with the next flush', async () => {
    const { repo, written } = fakeRepo(true);
    const recorder = new UsageRecorder(repo);
    const limiter = new RateLimiter({ default: { quota: 5, windowSeconds: 60 } }, () => 0);
    limiter.observe(recorder.observer);
    limiter.check('a');
    await expect(recorder.flush()).rejects.toThrow('store is down');
    expect(recorder.lastError?.message).toBe('store is down');
    limiter.check('a');
    await recorder.flush();
    expect(written).toEqual([[{ namespace: 'a', minute: '1970-01-01T00:00:00.000Z', allowed: 2, limited: 0 }]]);
    expect(recorder.lastError).toBeNull();
  });

  it('names minutes by their start', () => {
    expect(minuteOf(Date.parse('2026-11-28T12:34:56.789Z'))).toBe('2026-11-28T12:34:00.000Z');
  });
});
