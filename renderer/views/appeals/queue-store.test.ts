import { describe, expect, it } from 'vitest';
import type { QueuePage, QueueQuery, TicketSummary } from '../../../shared/api/appeals.ts';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { AppealsClient } from './appeals-client.ts';
import { DEFAULT_FILTER, QUEUE_PAGE, createQueueStore, queueQuery } from './queue-store.ts';

function ticket(i: number): TicketSummary {
  return {
    id: `ot-${String(i + 1).padStart(5, '0')}`,
    state: (['new', 'triage', 'pending_info', 'decided'] as const)[i % 4]!,
    priority: 'normal',
    requester: 'arun',
    assignee: null,
    denialEventId: null,
    createdAt: '2026-11-28T09:00:00.000Z',
    updatedAt: '2026-11-28T09:00:00.000Z',
    clock: 'running',
    dueAt: '2026-11-28T17:00:00.000Z',
    breached: i % 3 === 0,
  };
}

/** A fake `appeals.queue` over n tickets; `hold` keeps answers until released. */
function fakeClient(n: number) {
  const all = Array.from({ length: n }, (_, i) => ticket(i));
  const calls: QueueQuery[] = [];
  const held: Array<() => void> = [];
  let hold = false;
  let fail: WorkbenchError | undefined;
  const client = {
    appeals: {
      queue: async (q: QueueQuery): Promise<QueuePage> => {
        calls.push(q);
        if (fail) throw fail;
        if (hold) await new Promise<void>((r) => held.push(r));
        const matching = all.filter((t) => (!q.states || q.states.includes(t.state)) && (q.breached === undefined || t.breached === q.breached));
        const offset = q.offset ?? 0;
        return { total: matching.length, offset, rows: matching.slice(offset, offset + (q.limit ?? 200)), at: '2026-11-28T12:00:00.000Z' };
      },
    },
  } as unknown as AppealsClient;
  return {
    client,
    calls,
    hold: (on: boolean) => (hold = on),
    release: () => held.splice(0).forEach((r) => r()),
    failWith: (e: WorkbenchError) => (fail = e),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('queue store', () => {
  it('maps a filter to the contract query', () => {
    expect(queueQuery('all', DEFAULT_FILTER, 'olga', 2)).toEqual({
      scope: 'all',
      states: ['new', 'triage', 'pending_info'],
      sort: 'due',
      direction: 'asc',
      offset: 400,
      limit: QUEUE_PAGE,
    });
    expect(queueQuery('mine', { ...DEFAULT_FILTER, states: [], priorities: ['urgent'], breached: 'on-time', assignedToMe: true, sort: 'priority', direction: 'desc' }, 'olga', 0)).toEqual({
      scope: 'mine',
      priorities: ['urgent'],
      breached: false,
      assignee: 'olga',
      sort: 'priority',
      direction: 'desc',
      offset: 0,
      limit: QUEUE_PAGE,
    });
  });

  it('loads the first page, then only the pages the visible rows need', async () => {
    const fake = fakeClient(10_000);
    const store = createQueueStore(fake.client, 'olga');
    await store.getState().load('all', { ...DEFAULT_FILTER, states: [] });
    expect(store.getState()).toMatchObject({ status: 'ready', total: 10_000, generation: 1, at: '2026-11-28T12:00:00.000Z' });
    expect(store.getState().rows.size).toBe(QUEUE_PAGE);
    store.getState().ensure(450, 470);
    store.getState().ensure(450, 470); // already loading: no second request
    await tick();
    expect(fake.calls.map((c) => c.offset)).toEqual([0, 400]);
    expect(store.getState().rows.get(450)?.id).toBe('ot-00451');
    store.getState().ensure(9_990, 10_050); // clipped to the last row
    await tick();
    expect(fake.calls.map((c) => c.offset)).toEqual([0, 400, 9_800]);
  });

  it('a new filter starts a new generation and a late answer to the old one is dropped', async () => {
    const fake = fakeClient(1_000);
    const store = createQueueStore(fake.client, 'olga');
    await store.getState().load('all', { ...DEFAULT_FILTER, states: [] });
    fake.hold(true);
    store.getState().ensure(600, 610);
    await tick();
    fake.hold(false);
    await store.getState().setFilter({ breached: 'breached' });
    fake.release();
    await tick();
    const s = store.getState();
    expect(s.generation).toBe(2);
    expect(s.total).toBe(334);
    expect([...s.rows.keys()].every((k) => k < QUEUE_PAGE)).toBe(true);
    expect([...s.rows.values()].every((r) => r.breached)).toBe(true);
  });

  it('refresh re-reads the loaded pages; an error is kept as a typed error', async () => {
    const fake = fakeClient(500);
    const store = createQueueStore(fake.client, 'olga');
    await store.getState().load('all', { ...DEFAULT_FILTER, states: [] });
    store.getState().ensure(300, 310);
    await tick();
    await store.getState().refresh();
    expect(fake.calls.slice(-2).map((c) => c.offset).sort()).toEqual([0, 200]);
    expect(store.getState().rows.size).toBe(400);
    fake.failWith(new WorkbenchError('DENIED', 'denied: no', { reason: 'no', policyIds: [], decisionId: 'ae-1', appealLink: '#/appeals/new?denial=ae-1' }));
    await store.getState().load('all');
    expect(store.getState().status).toBe('error');
    expect(store.getState().error?.code).toBe('DENIED');
  });
});
