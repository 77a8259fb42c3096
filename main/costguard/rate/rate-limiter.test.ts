import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { Dispatch } from '../../../shared/api/contract.ts';
import { RateLimiter } from './rate-limiter.ts';
import { namespaceOfMethod, rateLimitedDispatch } from './rate-limited-dispatch.ts';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('RateLimiter (GCRA)', () => {
  it('allows the burst at once, then one call per interval, with IETF headers', () => {
    const c = clock();
    const limiter = new RateLimiter({ default: { quota: 100, windowSeconds: 60 }, namespaces: { costguard: { quota: 6, windowSeconds: 60, burst: 3 } } }, c.now);
    const d1 = limiter.check('costguard');
    expect(d1).toEqual({ namespace: 'costguard', allowed: true, retryAfterMs: 0, remaining: 2, resetSeconds: 10, policyHeader: '"costguard";q=6;w=60', limitHeader: '"costguard";r=2;t=10' });
    expect(limiter.check('costguard').remaining).toBe(1);
    expect(limiter.check('costguard')).toMatchObject({ allowed: true, remaining: 0, limitHeader: '"costguard";r=0;t=30' });
    expect(limiter.check('costguard')).toEqual({ namespace: 'costguard', allowed: false, retryAfterMs: 10_000, remaining: 0, resetSeconds: 30, policyHeader: '"costguard";q=6;w=60', limitHeader: '"costguard";r=0;t=30' });
    c.advance(9_999);
    expect(limiter.check('costguard')).toMatchObject({ allowed: false, retryAfterMs: 1 });
    c.advance(1);
    expect(limiter.check('costguard')).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('gives every namespace its own budget under the default policy', () => {
    const c = clock();
    const limiter = new RateLimiter({ default: { quota: 100, windowSeconds: 60, burst: 50 } }, c.now);
    for (let i = 0; i < 50; i++) expect(limiter.check('evidence').allowed).toBe(true);
    expect(limiter.check('evidence')).toMatchObject({ allowed: false, retryAfterMs: 600, policyHeader: '"default";q=100;w=60' });
    expect(limiter.check('audit')).toMatchObject({ allowed: true, remaining: 49, limitHeader: '"default";r=49;t=1' });
  });

  it('refills at the configured rate: a window after the burst, the whole burst is back', () => {
    const c = clock(1_000_000);
    const limiter = new RateLimiter({ default: { quota: 10, windowSeconds: 10 } }, c.now);
    for (let i = 0; i < 10; i++) limiter.check('x');
    expect(limiter.check('x').allowed).toBe(false);
    c.advance(10_000);
    expect(limiter.check('x')).toMatchObject({ allowed: true, remaining: 9 });
  });

  it('throws RATE_LIMITED with the headers in its details from take()', () => {
    const limiter = new RateLimiter({ default: { quota: 1, windowSeconds: 2 } }, () => 0);
    limiter.take('system');
    let err: unknown;
    try {
      limiter.take('system');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).toPayload()).toEqual({
      code: 'RATE_LIMITED',
      message: 'too many system calls: retry in 2 s',
      details: { retryAfterMs: 2000, policyHeader: '"default";q=1;w=2', limitHeader: '"default";r=0;t=2', namespace: 'system' },
    });
  });

  it('rejects a policy that is not positive integers, naming the field', () => {
    expect(() => new RateLimiter({ default: { quota: 0, windowSeconds: 60 } }, () => 0)).toThrow('default.quota: must be a positive integer, got 0');
    expect(() => new RateLimiter({ default: { quota: 5, windowSeconds: 60 }, namespaces: { a: { quota: 5, windowSeconds: 1.5 } } }, () => 0)).toThrow(
      'namespaces.a.windowSeconds: must be a positive integer, got 1.5',
    );
  });

  it('tells observers about every decision', () => {
    const seen: string[] = [];
    const limiter = new RateLimiter({ default: { quota: 1, windowSeconds: 60 } }, () => 5);
    limiter.observe((d, at) => seen.push(`${d.namespace}:${d.allowed}@${at}`));
    limiter.check('a');
    limiter.check('a');
    expect(seen).toEqual(['a:true@5', 'a:false@5']);
  });
});

describe('rateLimitedDispatch', () => {
  it('shapes every call by its namespace before the service runs', async () => {
    const calls: string[] = [];
    const inner: Dispatch = async (method) => {
      calls.push(method);
      return { ok: method };
    };
    const limiter = new RateLimiter({ default: { quota: 2, windowSeconds: 60 } }, () => 0);
    const dispatch = rateLimitedDispatch(inner, limiter);
    expect(await dispatch('costguard.analyze', {}, { transport: 'http' })).toEqual({ ok: 'costguard.analyze' });
    await dispatch('costguard.usage', {}, { transport: 'http' });
    const err = (await dispatch('costguard.analyze', {}, { transport: 'http' }).catch((e: unknown) => e)) as WorkbenchError;
    expect(err.code).toBe('RATE_LIMITED');
    expect(err.details).toMatchObject({ namespace: 'costguard', retryAfterMs: 30_000 });
    // Another namespace still has its budget; the limited call never reached the service.
    await dispatch('audit.list', {}, { transport: 'ipc' });
    expect(calls).toEqual(['costguard.analyze', 'costguard.usage', 'audit.list']);
  });

  it('leaves calls unshaped when namespaceOf says so', async () => {
    const limiter = new RateLimiter({ default: { quota: 1, windowSeconds: 60 } }, () => 0);
    const dispatch = rateLimitedDispatch(async () => 'ok', limiter, (m) => (m.startsWith('system.') ? null : namespaceOfMethod(m)));
    for (let i = 0; i < 5; i++) expect(await dispatch('system.info', {}, { transport: 'in-process' })).toBe('ok');
    expect(namespaceOfMethod('a.b')).toBe('a');
    expect(namespaceOfMethod('nodot')).toBeNull();
  });
});
