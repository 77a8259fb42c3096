import { createStore, type StoreApi } from 'zustand/vanilla';
import type { QueueQuery, TicketPriority, TicketSummary } from '../../../shared/api/appeals.ts';
import { asWorkbenchError, type WorkbenchError } from '../../../shared/api/errors.ts';
import type { TicketState } from '../../../shared/domain/tickets.ts';
import type { AppealsClient } from './appeals-client.ts';

/** Rows per request: a screenful many times over, small enough to arrive quickly. */
export const QUEUE_PAGE = 200;

export type QueueSort = 'due' | 'created' | 'priority' | 'state' | 'updated';

export interface QueueFilter {
  /** Empty: every state. */
  states: TicketState[];
  /** Empty: every priority. */
  priorities: TicketPriority[];
  breached: 'any' | 'breached' | 'on-time';
  assignedToMe: boolean;
  sort: QueueSort;
  direction: 'asc' | 'desc';
}

/** Open tickets, the most urgent due time first: what a reviewer starts the day with. */
export const DEFAULT_FILTER: QueueFilter = {
  states: ['new', 'triage', 'pending_info'],
  priorities: [],
  breached: 'any',
  assignedToMe: false,
  sort: 'due',
  direction: 'asc',
};

export interface QueueState {
  scope: 'mine' | 'all';
  filter: QueueFilter;
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Tickets matching the filter (the virtual list's length). */
  total: number;
  /** Loaded rows by position; positions not loaded yet are absent. */
  rows: ReadonlyMap<number, TicketSummary>;
  error: WorkbenchError | undefined;
  /** Bumped by every new query, so a late answer to an old one is dropped (and tests can tell results apart). */
  generation: number;
  /** The server's time for the loaded answer (due times and breaches are relative to it). */
  at: string | null;
  load(scope: 'mine' | 'all', filter?: QueueFilter): Promise<void>;
  setFilter(patch: Partial<QueueFilter>): Promise<void>;
  /** Fetches whatever pages cover positions first..last that are not loaded or loading. */
  ensure(first: number, last: number): void;
  /** Re-reads the loaded pages (after a ticket changed), keeping the scroll position. */
  refresh(): Promise<void>;
}

/** The contract query for a filter and a page. */
export function queueQuery(scope: 'mine' | 'all', f: QueueFilter, me: string, page: number): QueueQuery {
  return {
    scope,
    ...(f.states.length ? { states: f.states } : {}),
    ...(f.priorities.length ? { priorities: f.priorities } : {}),
    ...(f.breached === 'any' ? {} : { breached: f.breached === 'breached' }),
    ...(f.assignedToMe ? { assignee: me } : {}),
    sort: f.sort,
    direction: f.direction,
    offset: page * QUEUE_PAGE,
    limit: QUEUE_PAGE,
  };
}

/**
 * The queue as a virtual list: the server filters and sorts (10,000 tickets stay fast), the
 * view renders only the rows on screen, and this store fetches the pages those rows live in.
 */
export function createQueueStore(client: AppealsClient, me: string): StoreApi<QueueState> {
  const inFlight = new Set<string>();
  return createStore<QueueState>()((set, get) => {
    async function fetchPage(page: number, generation: number): Promise<void> {
      const key = `${generation}:${page}`;
      if (inFlight.has(key)) return;
      inFlight.add(key);
      try {
        const { scope, filter } = get();
        const result = await client.appeals.queue(queueQuery(scope, filter, me, page));
        if (generation !== get().generation) return;
        const rows = new Map(get().rows);
        result.rows.forEach((r, i) => rows.set(result.offset + i, r));
        set({ rows, total: result.total, at: result.at, status: 'ready', error: undefined });
      } catch (e) {
        if (generation === get().generation) set({ status: 'error', error: asWorkbenchError(e) });
      } finally {
        inFlight.delete(key);
      }
    }

    return {
      scope: 'all',
      filter: DEFAULT_FILTER,
      status: 'idle',
      total: 0,
      rows: new Map(),
      error: undefined,
      generation: 0,
      at: null,

      async load(scope, filter = get().filter) {
        const generation = get().generation + 1;
        inFlight.clear();
        set({ scope, filter, generation, status: 'loading', rows: new Map(), total: 0, error: undefined });
        await fetchPage(0, generation);
      },

      async setFilter(patch) {
        await get().load(get().scope, { ...get().filter, ...patch });
      },

      ensure(first, last) {
        const { status, total, rows, generation } = get();
        if (status !== 'ready' || total === 0) return;
        const from = Math.max(0, Math.floor(first / QUEUE_PAGE));
        const to = Math.floor(Math.min(last, total - 1) / QUEUE_PAGE);
        for (let page = from; page <= to; page++) {
          if (!rows.has(page * QUEUE_PAGE)) void fetchPage(page, generation);
        }
      },

      async refresh() {
        const { rows, generation, status } = get();
        if (status !== 'ready') return get().load(get().scope);
        const pages = new Set([0, ...[...rows.keys()].map((i) => Math.floor(i / QUEUE_PAGE))]);
        const next = generation + 1;
        // A refresh is a new generation too: answers to the old query must not mix in.
        set({ generation: next });
        try {
          const { scope, filter } = get();
          const answers = await Promise.all([...pages].map((p) => client.appeals.queue(queueQuery(scope, filter, me, p))));
          if (get().generation !== next) return;
          const fresh = new Map<number, TicketSummary>();
          for (const a of answers) a.rows.forEach((r, i) => fresh.set(a.offset + i, r));
          set({ rows: fresh, total: answers[0]!.total, at: answers[0]!.at, status: 'ready', error: undefined });
        } catch (e) {
          if (get().generation === next) set({ status: 'error', error: asWorkbenchError(e) });
        }
      },
    };
  });
}
