import { describe, expect, it } from 'vitest';
import { DecisionCache, decisionKey } from './decision-cache.ts';
import type { PolicyDecision } from './pdp.ts';

const d = (reason: string, epoch = 1): PolicyDecision => ({ allow: true, policyIds: ['p'], reason, epoch });

describe('DecisionCache', () => {
  it('serves a decision only under the epoch it was stored in', () => {
    const c = new DecisionCache();
    c.setEpoch(1);
    c.set('k', 1, d('a'));
    expect(c.get('k', 1)).toEqual(d('a'));
    expect(c.get('k', 2)).toBeUndefined();
    c.setEpoch(2);
    expect(c.get('k', 2)).toBeUndefined();
    expect(c.size).toBe(0);
    expect([c.hits, c.misses]).toEqual([1, 2]);
  });

  it('drops a decision computed under an epoch that has since moved', () => {
    const c = new DecisionCache();
    c.setEpoch(5);
    c.set('k', 4, d('stale', 4));
    expect(c.size).toBe(0);
  });

  it('evicts the least recently used entry beyond its bound', () => {
    const c = new DecisionCache(2);
    c.setEpoch(1);
    c.set('a', 1, d('a'));
    c.set('b', 1, d('b'));
    c.get('a', 1);
    c.set('c', 1, d('c'));
    expect([c.get('a', 1)?.reason, c.get('b', 1), c.get('c', 1)?.reason]).toEqual(['a', undefined, 'c']);
  });

  it('rejects a non-positive bound', () => {
    expect(() => new DecisionCache(0)).toThrow('DecisionCache: maxEntries must be a positive integer, got 0');
  });

  it('keys are unambiguous whatever the parts contain', () => {
    expect(decisionKey(['a|b', 'c'])).not.toBe(decisionKey(['a', 'b|c']));
    expect(decisionKey(['a', 'b'])).toBe('["a","b"]');
  });
});
