/**
 * Runs loads so that only the newest one lands: an answer to a request that a newer load
 * has superseded (a policy change reloads while a load is still out) is dropped, whether it
 * succeeds or fails, instead of overwriting what the newer one shows.
 */
export function latestOnly(): <T>(load: () => Promise<T>, onValue: (value: T) => void, onError: (error: unknown) => void | Promise<void>) => Promise<void> {
  let generation = 0;
  return async (load, onValue, onError) => {
    const gen = ++generation;
    try {
      const value = await load();
      if (gen === generation) onValue(value);
    } catch (e) {
      if (gen === generation) await onError(e);
    }
  };
}
