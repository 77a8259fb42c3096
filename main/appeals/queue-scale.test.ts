import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeQueueTickets, seedQueueTickets, type QueueTicket } from '../../fixtures/appeals/queue-tickets.ts';
import type { OmbudsTicket } from '../../shared/domain/tickets.ts';
import { computeSla } from './sla-clock.ts';
import { clockInputFromTimeline, derivedTimeline } from './ticket-timeline.ts';
import { startAppealsHarness, type AppealsHarness } from './testing/appeals-harness.ts';

const NOW = '2026-12-15T12:00:00.000Z';
const N = 10_000;

describe(`the queue over ${N.toLocaleString('en-US')} tickets`, () => {
  let h: AppealsHarness;
  let tickets: QueueTicket[];

  beforeAll(async () => {
    h = await startAppealsHarness({ at: NOW, seed: true });
    tickets = makeQueueTickets(N, NOW);
    await seedQueueTickets(h.store, tickets);
  });
  afterAll(async () => {
    await h?.close();
  });

  const page = (q: object) => h.service.queue({ scope: 'all', sort: 'due', direction: 'asc', offset: 0, limit: 200, ...q }, h.ctx('olga'));

  it('counts by state match the generated population (plus the two demo tickets)', async () => {
    for (const state of ['new', 'triage', 'pending_info', 'decided'] as const) {
      const expected = tickets.filter((t) => t.state === state).length + (state === 'new' ? 1 : state === 'triage' ? 1 : 0);
      expect((await page({ states: [state] })).total).toBe(expected);
    }
  });

  it('the SQL breach filter agrees with computeSla on every ticket', async () => {
    // The independent computation: each row's derived timeline through the pure clock.
    const rows: OmbudsTicket[] = [...tickets.map((t) => ({ ...t, denialEventId: null, justification: '', slaDue: null })), (await h.store.getTicket('ot-0001'))!, (await h.store.getTicket('ot-0002'))!];
    const breached = new Set(rows.filter((t) => computeSla(clockInputFromTimeline(derivedTimeline(t)), NOW).breached).map((t) => t.id));
    const viaSql = new Set<string>();
    for (let offset = 0; ; offset += 1000) {
      const p = await page({ breached: true, limit: 1000, offset });
      p.rows.forEach((r) => viaSql.add(r.id));
      if (p.rows.length < 1000) break;
    }
    // A mix, so the comparison means something either way.
    expect(breached.size / rows.length).toBeGreaterThan(0.2);
    expect(breached.size / rows.length).toBeLessThan(0.8);
    expect(viaSql.size).toBe(breached.size);
    expect([...viaSql].filter((id) => !breached.has(id))).toEqual([]);
    expect((await page({ breached: false })).total).toBe(rows.length - breached.size);
  });

  it('pages are contiguous and sorted by due time, paused and decided tickets last', async () => {
    const first = await page({ states: [], limit: 1000 });
    const second = await page({ states: [], limit: 1000, offset: 1000 });
    const dues = [...first.rows, ...second.rows].map((r) => r.dueAt).filter((d): d is string => d !== null);
    expect(dues).toEqual([...dues].sort());
    const last = await page({ states: [], limit: 10, offset: N + 2 - 10 });
    expect(last.rows.every((r) => r.dueAt === null)).toBe(true);
  });
});
