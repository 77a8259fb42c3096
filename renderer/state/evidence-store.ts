import { createStore, type StoreApi } from 'zustand/vanilla';
import type { WorkbenchClient } from '../../shared/api/client.ts';
import { asWorkbenchError, type WorkbenchError } from '../../shared/api/errors.ts';
import type { EvidenceItem } from '../../shared/domain/evidence.ts';

export const EVIDENCE_PAGE = 50;

export interface EvidenceFilter {
  /** Empty means every tenant the actor may read. */
  tenant: string;
  region: string;
}

export interface EvidenceState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  filter: EvidenceFilter;
  items: EvidenceItem[];
  nextAfterId: string | null;
  error: WorkbenchError | undefined;
  loadingMore: boolean;
  load(filter?: EvidenceFilter): Promise<void>;
  loadMore(): Promise<void>;
  reset(): void;
}

function query(filter: EvidenceFilter, afterId?: string) {
  return {
    limit: EVIDENCE_PAGE,
    ...(filter.tenant ? { tenant: filter.tenant } : {}),
    ...(filter.region ? { region: filter.region } : {}),
    ...(afterId ? { afterId } : {}),
  };
}

/** The evidence list: one page at a time, filtered by tenant and region, through the PEP. */
export function createEvidenceStore(client: WorkbenchClient): StoreApi<EvidenceState> {
  let generation = 0;
  return createStore<EvidenceState>()((set, get) => ({
    status: 'idle',
    filter: { tenant: '', region: '' },
    items: [],
    nextAfterId: null,
    error: undefined,
    loadingMore: false,

    async load(filter = get().filter) {
      const gen = ++generation;
      set({ status: 'loading', filter, error: undefined, loadingMore: false });
      try {
        const page = await client.evidence.list(query(filter));
        if (gen !== generation) return;
        set({ status: 'ready', items: page.items, nextAfterId: page.nextAfterId });
      } catch (e) {
        if (gen !== generation) return;
        set({ status: 'error', error: asWorkbenchError(e), items: [], nextAfterId: null });
      }
    },

    async loadMore() {
      const { nextAfterId, filter, loadingMore } = get();
      if (!nextAfterId || loadingMore) return;
      const gen = generation;
      set({ loadingMore: true });
      try {
        const page = await client.evidence.list(query(filter, nextAfterId));
        if (gen !== generation) return;
        set({ items: [...get().items, ...page.items], nextAfterId: page.nextAfterId, loadingMore: false });
      } catch (e) {
        if (gen !== generation) return;
        set({ status: 'error', error: asWorkbenchError(e), loadingMore: false });
      }
    },

    reset() {
      generation += 1;
      set({ status: 'idle', items: [], nextAfterId: null, error: undefined, loadingMore: false });
    },
  }));
}
