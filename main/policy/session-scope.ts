import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallContext, SessionHeader } from '../../shared/api/contract.ts';

const scope = new AsyncLocalStorage<SessionHeader>();

/**
 * The session header of the call being served, so the PEP sees the epoch the session
 * presented without every service passing it along. Services call `pep.guard(actor,
 * action, resource)`; the epoch travels here.
 */
export function currentSession(): SessionHeader | undefined {
  return scope.getStore();
}

export function runInSession<T>(session: SessionHeader, fn: () => T): T {
  return scope.run(session, fn);
}

type ImplShape = Record<string, Record<string, (input: never, ctx: CallContext) => unknown>>;

/**
 * Wraps every method of a contract implementation so it runs inside its caller's session
 * scope. The composition root applies it once to the whole `impl`.
 */
export function withSessionScope<I extends ImplShape>(impl: I): I {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [ns, methods] of Object.entries(impl)) {
    const group: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(methods)) {
      group[name] = (input: never, ctx: CallContext) => scope.run(ctx.session, () => fn.call(methods, input, ctx));
    }
    out[ns] = group;
  }
  return out as I;
}
