import { describe, expect, it } from 'vitest';
import { AsyncMutex } from './async-mutex.ts';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('AsyncMutex', () => {
  it('runs callers one at a time in arrival order', async () => {
    const mutex = new AsyncMutex();
    const log: string[] = [];
    const job = (name: string) =>
      mutex.run(async () => {
        log.push(`${name}:start`);
        await tick();
        await tick();
        log.push(`${name}:end`);
        return name;
      });
    const results = await Promise.all([job('a'), job('b'), job('c')]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('releases the lock when the holder throws', async () => {
    const mutex = new AsyncMutex();
    await expect(
      mutex.run(async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(mutex.held).toBe(false);
    await expect(mutex.run(() => 42)).resolves.toBe(42);
  });
});
