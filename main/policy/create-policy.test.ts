import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actors.ts';
import { EventBus } from '../events/event-bus.ts';
import { seedDemoData } from '../store/demo-seed.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createTempSqlite, type TempSqlite } from '../store/testing/temp-sqlite.ts';
import { createPolicyServices, type PolicyServices } from './create-policy.ts';

const NOW = () => new Date('2026-11-28T12:00:00.000Z');

describe('createPolicyServices', () => {
  let dir: TempSqlite;
  let store: Store;
  let services: PolicyServices;
  afterEach(async () => {
    await services?.close();
    await store?.close();
    dir?.remove();
  });

  it('follows the epoch row on SQLite, broadcasts policy.changed, and lets a wrapper stand in front of the PDP', async () => {
    dir = createTempSqlite('wb-create-policy-');
    store = await openStore({ dataDir: dir.dataDir, now: NOW });
    await seedDemoData(store);
    const bus = new EventBus();
    const seen: unknown[] = [];
    bus.subscribe((e) => void (e.topic === 'policy.changed' && seen.push(e.payload)));
    const wrapped: string[] = [];
    services = await createPolicyServices({
      store,
      bus,
      now: NOW,
      wrapPdp: (pdp) => ({ epoch: () => pdp.epoch(), decide: async (r) => (wrapped.push(r.action), pdp.decide(r)) }),
    });
    expect(services.feed).toBeUndefined();
    expect(services.decisionPdp).not.toBe(services.pdp);
    const alice = (await store.getActor('alice')) as Actor;
    await services.pep.guard(alice, 'audit.read', { type: 'audit-trail', id: 'audit_events' });
    expect(wrapped).toEqual(['audit.read']);
    await store.removeRole('alice', 'auditor');
    await services.pdp.refresh();
    expect(seen.at(-1)).toEqual({ epoch: services.pdp.epoch(), reason: 'role removed: auditor from alice' });
  });
});
