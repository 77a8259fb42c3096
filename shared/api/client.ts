import type { CallEnvelope, Contract, SessionHeader, ClientOf } from './contract.ts';
import { methodsOf, splitMethodName } from './contract.ts';
import { unwrapWire } from './wire.ts';
import { toBridgeError } from './errors.ts';
import type { WorkbenchEvent } from './events.ts';
import { api, type Api } from './index.ts';

export type CallFn = (method: string, envelope: CallEnvelope) => Promise<unknown>;
export type SubscribeFn = (listener: (event: WorkbenchEvent) => void) => () => void;

export interface ClientExtras {
  /** The session header sent with every call (who acts, last seen policy epoch). */
  readonly $session: { get(): SessionHeader; set(next: SessionHeader): void };
  readonly $events: { subscribe: SubscribeFn };
  readonly $transport: 'ipc' | 'http' | 'in-process';
}
export type WorkbenchClient = ClientOf<Api> & ClientExtras;

/**
 * Builds a typed client from the contract's method list: one function per method, none
 * written by hand. `call` moves an envelope over the wire and returns the WireResult.
 */
export function buildClient<C extends Contract>(
  contract: C,
  call: CallFn,
  getSession: () => SessionHeader,
  bridgeErrors = false,
): ClientOf<C> {
  const client: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const [full] of methodsOf(contract)) {
    const [ns, name] = splitMethodName(full)!;
    (client[ns] ??= {})[name] = async (input: unknown) => {
      try {
        return unwrapWire(await call(full, { input: input ?? {}, session: getSession() }));
      } catch (e) {
        throw bridgeErrors ? toBridgeError(e) : e;
      }
    };
  }
  return client as ClientOf<C>;
}

export function createWorkbenchClient(opts: {
  call: CallFn;
  subscribe: SubscribeFn;
  transport: ClientExtras['$transport'];
  session?: SessionHeader;
  /** Set in the preload: errors must survive contextBridge (see toBridgeError). */
  bridgeErrors?: boolean;
}): WorkbenchClient {
  let current: SessionHeader = { ...(opts.session ?? {}) };
  const extras: ClientExtras = {
    $session: {
      get: () => ({ ...current }),
      set: (next) => {
        current = { ...next };
      },
    },
    $events: { subscribe: opts.subscribe },
    $transport: opts.transport,
  };
  return Object.assign(buildClient(api, opts.call, () => current, opts.bridgeErrors ?? false), extras);
}
