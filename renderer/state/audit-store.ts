import { createStore, type StoreApi } from 'zustand/vanilla';
import type { WorkbenchClient } from '../../shared/api/client.ts';
import { asWorkbenchError, type WorkbenchError } from '../../shared/api/errors.ts';
import type { AuditChainReport, AuditEvent } from '../../shared/domain/audit.ts';

/** How many of the newest events the trail shows first; "Load earlier" pages back by as many. */
export const AUDIT_WINDOW = 100;
const MAX_PAGE = 1000;

export interface AuditState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Ascending by seq, contiguous. */
  events: AuditEvent[];
  chain: AuditChainReport | undefined;
  error: WorkbenchError | undefined;
  loadingEarlier: boolean;
  load(): Promise<void>;
  loadEarlier(): Promise<void>;
  /** An `audit.appended` event: fetch what is new, unless we already have it. */
  noteAppended(seq: number): void;
  /** The event connection came back after a drop: announcements may have been missed. */
  catchUp(): void;
  reset(): void;
}

/**
 * The audit trail view's data. Reading the trail is itself audited, so every read appends
 * an event and announces it: verifyChain runs before list, so the list always contains the
 * reads that produced it, and an announcement at or below the last seq shown is ignored.
 * A trail that failed to load (e.g. DENIED) never refreshes on events — each retry would be
 * another denial to announce.
 */
export function createAuditStore(client: WorkbenchClient, opts: { debounceMs?: number; timers?: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> } = {}): StoreApi<AuditState> {
  const debounceMs = opts.debounceMs ?? 250;
  const timers = opts.timers ?? globalThis;
  let generation = 0;
  let pendingSeq = 0;
  let refreshing = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  return createStore<AuditState>()((set, get) => {
    const lastSeq = () => get().events.at(-1)?.seq ?? 0;

    /** Pages forward from afterSeq until the trail ends. */
    async function listFrom(afterSeq: number): Promise<AuditEvent[]> {
      const out: AuditEvent[] = [];
      let cursor: number | null = afterSeq;
      while (cursor !== null) {
        const page = await client.audit.list({ afterSeq: cursor, limit: MAX_PAGE });
        out.push(...page.events);
        cursor = page.nextAfterSeq;
      }
      return out;
    }

    async function refresh(): Promise<void> {
      if (refreshing) return;
      refreshing = true;
      try {
        while (get().status === 'ready' && pendingSeq > lastSeq()) {
          const gen = generation;
          try {
            const chain = await client.audit.verifyChain({});
            const fresh = await listFrom(lastSeq());
            if (gen !== generation) return;
            set({ chain, events: [...get().events, ...fresh.filter((e) => e.seq > lastSeq())] });
          } catch (e) {
            if (gen !== generation) return;
            set({ status: 'error', error: asWorkbenchError(e) });
          }
        }
      } finally {
        refreshing = false;
      }
    }

    return {
      status: 'idle',
      events: [],
      chain: undefined,
      error: undefined,
      loadingEarlier: false,

      async load() {
        const gen = ++generation;
        set({ status: 'loading', error: undefined });
        try {
          const chain = await client.audit.verifyChain({});
          // Seqs are contiguous from 1, so the chain's count tells where the newest window starts.
          const events = await listFrom(Math.max(0, chain.checked - AUDIT_WINDOW));
          if (gen !== generation) return;
          set({ status: 'ready', chain, events, error: undefined });
        } catch (e) {
          if (gen !== generation) return;
          set({ status: 'error', error: asWorkbenchError(e), events: [], chain: undefined });
        }
      },

      async loadEarlier() {
        const first = get().events[0]?.seq ?? 1;
        if (first <= 1 || get().loadingEarlier) return;
        const gen = generation;
        set({ loadingEarlier: true });
        try {
          const from = Math.max(0, first - 1 - AUDIT_WINDOW);
          const page = await client.audit.list({ afterSeq: from, limit: first - 1 - from });
          if (gen !== generation) return;
          set({ events: [...page.events.filter((e) => e.seq < first), ...get().events], loadingEarlier: false });
        } catch (e) {
          if (gen !== generation) return;
          set({ loadingEarlier: false, status: 'error', error: asWorkbenchError(e) });
        }
      },

      noteAppended(seq) {
        if (get().status !== 'ready' || seq <= lastSeq()) return;
        pendingSeq = Math.max(pendingSeq, seq);
        if (timer !== undefined) return;
        timer = timers.setTimeout(() => {
          timer = undefined;
          void refresh();
        }, debounceMs);
      },

      catchUp() {
        if (get().status === 'ready') get().noteAppended(lastSeq() + 1);
      },

      reset() {
        generation += 1;
        pendingSeq = 0;
        if (timer !== undefined) timers.clearTimeout(timer);
        timer = undefined;
        set({ status: 'idle', events: [], chain: undefined, error: undefined, loadingEarlier: false });
      },
    };
  });
}
