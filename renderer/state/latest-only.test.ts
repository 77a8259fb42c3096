import { describe, expect, it } from 'vitest';
import { latestOnly } from './latest-only.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('latestOnly', () => {
  it('applies the newest load and drops an older answer that arrives after it', async () => {
    const latest = latestOnly();
    const seen: string[] = [];
    const old = deferred<string>();
    const fresh = deferred<string>();
    const a = latest(() => old.promise, (v) => seen.push(`value ${v}`), (e) => void seen.push(`error ${String(e)}`));
    const b = latest(() => fresh.promise, (v) => seen.push(`value ${v}`), (e) => void seen.push(`error ${String(e)}`));
    fresh.resolve('new');
    await b;
    old.resolve('old');
    await a;
    expect(seen).toEqual(['value new']);
  });

  it('drops a superseded failure too, and reports the newest one', async () => {
    const latest = latestOnly();
    const seen: string[] = [];
    const old = deferred<string>();
    const a = latest(() => old.promise, (v) => seen.push(`value ${v}`), (e) => void seen.push(`error ${String(e)}`));
    const b = latest(() => Promise.reject(new Error('denied')), (v) => seen.push(`value ${v}`), async (e) => void seen.push(`error ${(e as Error).message}`));
    await b;
    old.reject(new Error('stale'));
    await a;
    expect(seen).toEqual(['error denied']);
  });

  it('keeps separate generations per loader', async () => {
    const one = latestOnly();
    const two = latestOnly();
    const seen: string[] = [];
    await Promise.all([one(async () => 1, (v) => seen.push(`one ${v}`), () => undefined), two(async () => 2, (v) => seen.push(`two ${v}`), () => undefined)]);
    expect(seen.sort()).toEqual(['one 1', 'two 2']);
  });
});
