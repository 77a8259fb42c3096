import { splitMethodName, type Dispatch } from '../../../shared/api/contract.ts';
import type { RateLimiter } from './rate-limiter.ts';

/** The namespace of `ns.method`, or null for a malformed name (left to the dispatcher to reject). */
export function namespaceOfMethod(method: string): string | null {
  return splitMethodName(method)?.[0] ?? null;
}

/**
 * Wraps the one dispatcher every transport uses, so every call is shaped per namespace:
 * a call over its namespace's rate throws RATE_LIMITED (details: retryAfterMs,
 * policyHeader, limitHeader, namespace) before the service runs. `namespaceOf` returning
 * null leaves a call unshaped.
 */
export function rateLimitedDispatch(dispatch: Dispatch, limiter: RateLimiter, namespaceOf: (method: string) => string | null = namespaceOfMethod): Dispatch {
  return async (method, envelope, ctx) => {
    const ns = namespaceOf(method);
    if (ns !== null) limiter.take(ns);
    return dispatch(method, envelope, ctx);
  };
}
