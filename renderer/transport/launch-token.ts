/** Where the launch token lives after it leaves the address bar: this tab only, gone when it closes. */
export const TOKEN_STORAGE_KEY = 'workbench.launchToken';

export interface LaunchTokenEnv {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * The launch URL carries the per-launch token in the fragment (`#token=…`), which browsers
 * never send to servers. Take it out of the address bar at once, so it does not end up in
 * bookmarks, screenshots or shared links, and keep it for this tab in sessionStorage so a
 * reload still works.
 */
export function takeLaunchToken(env: LaunchTokenEnv): string | undefined {
  const hash = env.location.hash.startsWith('#') ? env.location.hash.slice(1) : env.location.hash;
  const fromHash = hash.startsWith('token=') ? new URLSearchParams(hash).get('token') : null;
  if (fromHash) {
    env.storage.setItem(TOKEN_STORAGE_KEY, fromHash);
    env.history.replaceState(env.history.state, '', env.location.pathname + env.location.search);
    return fromHash;
  }
  return env.storage.getItem(TOKEN_STORAGE_KEY) ?? undefined;
}
