import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { Actor } from '../../shared/domain/actors.ts';
import { EventBus } from '../events/event-bus.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createTempSqlite, type TempSqlite } from '../store/testing/temp-sqlite.ts';
import type { Pdp, PolicyDecision, PolicyRequest } from './pdp.ts';
import { Pep } from './pep.ts';
import { runInSession } from './session-scope.ts';

const NOW = () => new Date('2026-11-28T12:00:00.000Z');
const alice: Actor = { id: 'alice', displayName: 'Alice', tenant: 'acme', region: 'us-west-2', roles: ['auditor'], createdAt: '2026-11-01T00:00:00.000Z' };

class ScriptedPdp implements Pdp {
  requests: PolicyRequest[] = [];
  readonly answer: (r: PolicyRequest) => PolicyDecision;
  constructor(answer: (r: PolicyRequest) => PolicyDecision) {
    this.answer = answer;
  }
  epoch(): number {
    return 7;
  }
  async decide(r: PolicyRequest): Promise<PolicyDecision> {
    this.requests.push(r);
    return this.answer(r);
  }
}

describe('Pep', () => {
  let dir: TempSqlite;
  let store: Store;
  const bus = new EventBus();

  beforeEach(async () => {
    dir = createTempSqlite('wb-pep-');
    store = await openStore({ dataDir: dir.dataDir, now: NOW });
  });
  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('records an allow as a hash-chained audit event naming policy ids, epoch and reason', async () => {
    const pep = new Pep({ pdp: new ScriptedPdp(() => ({ allow: true, policyIds: ['role.audit.read'], reason: 'allowed by role.audit.read', epoch: 7 })), store, bus, now: NOW });
    const r = await pep.guard(alice, 'audit.read', { type: 'audit-trail', id: 'audit_events' });
    const [event] = await store.listAuditEvents({});
    expect(r).toEqual({ decisionId: event!.id, policyIds: ['role.audit.read'], epoch: 7 });
    expect(event).toMatchObject({
      at: '2026-11-28T12:00:00.000Z',
      actorId: 'alice',
      action: 'audit.read',
      resourceType: 'audit-trail',
      resourceId: 'audit_events',
      decision: 'allow',
      payload: { reason: 'allowed by role.audit.read', policyIds: ['role.audit.read'], epoch: 7 },
    });
    expect(await store.verifyAuditChain()).toMatchObject({ ok: true, checked: 1 });
  });

  it('throws a typed denial carrying reason, policy ids, decision id, appeal link and epoch', async () => {
    const pep = new Pep({ pdp: new ScriptedPdp(() => ({ allow: false, policyIds: ['role.audit.read'], reason: 'audit.read needs a role', epoch: 7 })), store, bus, now: NOW });
    const err = (await pep.guard(alice, 'audit.read', { type: 'audit-trail', id: 'audit_events' }).catch((e: unknown) => e)) as WorkbenchError;
    expect(err).toBeInstanceOf(WorkbenchError);
    expect([err.code, err.message]).toEqual(['DENIED', 'denied: audit.read needs a role']);
    expect(err.details).toEqual({ reason: 'audit.read needs a role', policyIds: ['role.audit.read'], decisionId: 'ae-000001', appealLink: '#/appeals/new?denial=ae-000001', epoch: 7 });
    expect((await store.getAuditEvent('ae-000001'))?.decision).toBe('deny');
  });

  it('denies when the PDP throws', async () => {
    const pep = new Pep({
      pdp: new ScriptedPdp(() => {
        throw new Error('wasm trap');
      }),
      store,
      bus,
      now: NOW,
    });
    const err = (await pep.guard(alice, 'audit.read', { type: 'audit-trail', id: 'x' }).catch((e: unknown) => e)) as WorkbenchError;
    expect(err.details).toMatchObject({ policyIds: ['pep.fail-closed'], reason: 'policy evaluation failed: wasm trap' });
  });

  it('passes the session epoch from the session scope, and records a stale one', async () => {
    const pdp = new ScriptedPdp((r) => ({ allow: true, policyIds: ['p'], reason: 'ok', epoch: 7, staleSession: r.sessionEpoch !== 7 }));
    const pep = new Pep({ pdp, store, bus, now: NOW });
    await runInSession({ actorId: 'alice', epoch: 5 }, () => pep.guard(alice, 'audit.read', { type: 'audit-trail', id: 'x' }));
    await pep.guard(alice, 'audit.read', { type: 'audit-trail', id: 'x' }, { sessionEpoch: 7 });
    expect(pdp.requests.map((r) => r.sessionEpoch)).toEqual([5, 7]);
    const events = await store.listAuditEvents({});
    expect(events.map((e) => e.payload.sessionEpoch)).toEqual([5, undefined]);
  });

  it('writes a recorder\'s row in the audit event\'s transaction; if it fails, neither is written and nothing is allowed', async () => {
    const pep = new Pep({ pdp: new ScriptedPdp(() => ({ allow: true, policyIds: ['p'], reason: 'ok', epoch: 7 })), store, bus, now: NOW });
    const seen: string[] = [];
    pep.addRecorder({ wants: () => true, record: async (_tx, _r, _d, ev) => void seen.push(ev.id) });
    await pep.guard(alice, 'audit.read', { type: 'audit-trail', id: 'x' });
    expect(seen).toEqual(['ae-000001']);
    pep.addRecorder({
      wants: () => true,
      record: async () => {
        throw new Error('disk full');
      },
    });
    const err = (await pep.guard(alice, 'audit.read', { type: 'audit-trail', id: 'x' }).catch((e: unknown) => e)) as WorkbenchError;
    expect([err.code, err.message]).toEqual(['UNAVAILABLE', 'the decision on audit.read could not be recorded, so nothing was done: disk full']);
    expect(await store.listAuditEvents({})).toHaveLength(1);
  });
});
