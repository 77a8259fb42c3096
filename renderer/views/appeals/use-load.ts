import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { asWorkbenchError, type WorkbenchError } from '../../../shared/api/errors.ts';

export interface Loaded<T> {
  /** The latest answer (kept while a reload is under way, so the screen does not flash). */
  value: T | undefined;
  error: WorkbenchError | undefined;
  /** True until the answer for the current key (and reload) arrives. */
  loading: boolean;
  reload(): void;
  /** Adopts a value the caller already has (e.g. the ticket a change returned). */
  replace(value: T): void;
}

/**
 * Loads data for a key and reloads when the key changes or `reload()` is called. An answer
 * that arrives for a key no longer current is dropped. Loading is derived from which key the
 * last answer belongs to, so nothing is set synchronously inside an effect.
 */
export function useLoad<T>(key: string, load: () => Promise<T>): Loaded<T> {
  const [nonce, setNonce] = useState(0);
  const current = `${key}#${nonce}`;
  const [result, setResult] = useState<{ key: string; value?: T; error?: WorkbenchError } | null>(null);
  const run = useEffectEvent(() => load());
  useEffect(() => {
    let live = true;
    run().then(
      (value) => live && setResult({ key: current, value }),
      (e: unknown) => live && setResult({ key: current, error: asWorkbenchError(e) }),
    );
    return () => {
      live = false;
    };
  }, [current]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const replace = useCallback((value: T) => setResult({ key: current, value }), [current]);
  const fresh = result?.key === current;
  return {
    value: result?.value,
    error: fresh ? result?.error : undefined,
    loading: !fresh,
    reload,
    replace,
  };
}
