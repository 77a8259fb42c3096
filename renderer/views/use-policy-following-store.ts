import { useEffect, useState } from 'react';
import type { StoreApi } from 'zustand';
import type { ClientExtras } from '../../shared/api/client.ts';

/** A view store that loads once and is told when any workbench on the store changes policy. */
export interface PolicyFollowingState {
  status: string;
  load(): Promise<void>;
  notePolicyChanged(epoch: number): void;
  /** Every other event, for a store that follows more than policy (build progress, pack events). */
  noteEvent?(topic: string, payload: unknown): void;
}

/**
 * The view's store (the one given, for tests, or a new one over the client), loaded on
 * first mount and refreshed on every `policy.changed` event, so what the actor may see
 * follows role, consent and policy changes without a reload.
 */
export function usePolicyFollowingStore<S extends PolicyFollowingState, C extends Pick<ClientExtras, '$events'>>(
  given: StoreApi<S> | undefined,
  client: C | undefined,
  windowClient: () => C,
  create: (client: C) => StoreApi<S>,
): StoreApi<S> {
  const [events] = useState(() => client ?? windowClient());
  const [store] = useState(() => given ?? create(events));
  useEffect(() => {
    if (store.getState().status === 'idle') void store.getState().load();
    return events.$events.subscribe((e) => {
      if (e.topic === 'policy.changed') store.getState().notePolicyChanged(e.payload.epoch);
      else store.getState().noteEvent?.(e.topic, e.payload);
    });
  }, [store, events]);
  return store;
}
