import { describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY, takeLaunchToken, type LaunchTokenEnv } from './launch-token.ts';

function env(hash: string, stored?: string) {
  const storage = new Map<string, string>(stored ? [[TOKEN_STORAGE_KEY, stored]] : []);
  const replaced: string[] = [];
  const e: LaunchTokenEnv = {
    location: { hash, pathname: '/', search: '' },
    history: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
  };
  return { e, storage, replaced };
}

describe('takeLaunchToken', () => {
  it('takes the token from #token=…, keeps it for the tab and clears the address bar', () => {
    const { e, storage, replaced } = env('#token=abc_DEF-123');
    expect(takeLaunchToken(e)).toBe('abc_DEF-123');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('abc_DEF-123');
    expect(replaced).toEqual(['/']);
  });

  it('a new launch link replaces the token kept from an earlier one', () => {
    const { e, storage } = env('#token=new', 'old');
    expect(takeLaunchToken(e)).toBe('new');
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('new');
  });

  it('falls back to the kept token on a reload, leaving the route in the address bar alone', () => {
    const { e, replaced } = env('#/verify', 'kept');
    expect(takeLaunchToken(e)).toBe('kept');
    expect(replaced).toEqual([]);
  });

  it('has no token when neither the link nor the tab has one', () => {
    expect(takeLaunchToken(env('').e)).toBeUndefined();
    expect(takeLaunchToken(env('#token=').e)).toBeUndefined();
  });
});
