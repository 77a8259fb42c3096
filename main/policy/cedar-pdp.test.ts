import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actors.ts';
import { DEMO_ACTORS, DEMO_EVIDENCE, seedDemoData } from '../store/demo-seed.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { createTempSqlite, type TempSqlite } from '../store/testing/temp-sqlite.ts';
import { CedarPdp } from './cedar-pdp.ts';
import { cedar } from './cedar-wasm.ts';
import { CONSENT_POLICY_ID, RESIDENCY_POLICY_ID, RESTRICTED_POLICY_ID } from './default-policies.ts';
import { appendPolicyVersion } from './policy-store.ts';
import { RolePdp } from './role-pdp.ts';
import { T } from './cedar-schema.ts';

const NOW = () => new Date('2026-11-28T12:00:00.000Z');
const AT = '2026-11-28T12:00:00.000Z';

describe('CedarPdp over the store', () => {
  let dir: TempSqlite;
  let store: Store;
  let pdp: CedarPdp;
  const actor = async (id: string): Promise<Actor> => (await store.getActor(id))!;
  const evidence = (id: string) => {
    const item = DEMO_EVIDENCE.find((e) => e.id === id)!;
    return { type: 'evidence', id, labels: item.labels };
  };

  beforeEach(async () => {
    dir = createTempSqlite('wb-pdp-');
    store = await openStore({ dataDir: dir.dataDir, now: NOW });
    await seedDemoData(store);
    pdp = await CedarPdp.open({ store, now: NOW, epochMode: 'every-decision' });
  });
  afterEach(async () => {
    await store.close().catch(() => undefined);
    dir.remove();
  });

  it('reproduces the foundation role table; where it differs, only a residency, consent or sensitivity forbid denies more', async () => {
    const roles = new RolePdp();
    let compared = 0;
    let same = 0;
    for (const a of DEMO_ACTORS) {
      const act = await actor(a.id);
      const requests = [
        { action: 'audit.read', resource: { type: 'audit-trail', id: 'audit_events' } },
        { action: 'packs.verify', resource: { type: 'pack', id: '/packs/p1' } },
        ...DEMO_EVIDENCE.map((e) => ({ action: 'evidence.read', resource: evidence(e.id) })),
        { action: 'evidence.read', resource: { type: 'evidence', id: 'tenant:*', labels: { tenant: '*' } } },
        { action: 'evidence.read', resource: { type: 'evidence', id: `tenant:${a.tenant}`, labels: { tenant: a.tenant } } },
      ];
      for (const r of requests) {
        const want = await roles.decide({ actor: act, ...r });
        const got = await pdp.decide({ actor: act, ...r, at: AT });
        compared += 1;
        const byForbid = got.policyIds.every((p) => [RESIDENCY_POLICY_ID, RESTRICTED_POLICY_ID, CONSENT_POLICY_ID].includes(p));
        if (got.allow === want.allow) {
          same += 1;
          // Both deny: the same role rule, unless a forbid also applies (a forbid decides first).
          if (!(got.allow === false && byForbid)) expect(got.policyIds).toEqual(want.policyIds);
        } else {
          // Cedar never allows what the role table denies; it denies more only by a forbid.
          expect(want.allow).toBe(true);
          expect(byForbid).toBe(true);
        }
      }
    }
    expect(compared).toBe(DEMO_ACTORS.length * (DEMO_EVIDENCE.length + 4));
    expect(same).toBeGreaterThan(compared * 0.75);
  });

  it("keeps the foundation's denial texts for role rules", async () => {
    const d = await pdp.decide({ actor: await actor('arun'), action: 'audit.read', resource: { type: 'audit-trail', id: 'audit_events' }, at: AT });
    expect(d).toMatchObject({ allow: false, policyIds: ['role.audit.read'], reason: 'audit.read needs one of the roles auditor, ombuds, admin' });
  });

  it('denies when a forbid errors while evaluating, where Cedar alone would allow (fail closed)', async () => {
    const erroring = 'forbid (principal, action == Workbench::Action::"audit.read", resource) when { 9223372036854775807 + 1 > 0 };';
    await store.sql.transaction((tx) => appendPolicyVersion(tx, { policyId: 'overflow', status: 'active', body: erroring, note: 't', createdBy: 't', at: AT }));
    const alice = await actor('alice');
    // Cedar on its own skips the erroring forbid and allows.
    const raw = cedar().isAuthorized({
      principal: { type: T.actor, id: 'alice' },
      action: { type: T.action, id: 'audit.read' },
      resource: { type: T.resource, id: 'x' },
      context: {},
      policies: { staticPolicies: { permit: 'permit (principal, action, resource);', overflow: erroring } },
      entities: [],
    });
    expect(raw.type === 'success' && raw.response.decision).toBe('allow');
    const d = await pdp.decide({ actor: alice, action: 'audit.read', resource: { type: 'audit-trail', id: 'audit_events' }, at: AT });
    expect(d).toMatchObject({ allow: false, policyIds: ['overflow'] });
    expect(d.reason).toBe('policy evaluation failed, denied (fail closed): overflow: integer overflow while attempting to add the values `9223372036854775807` and `1`');
  });

  it('denies everything while a stored forbid is invalid, and says why', async () => {
    await store.sql.transaction((tx) =>
      appendPolicyVersion(tx, { policyId: 'broken', status: 'active', body: 'forbid (principal, action, resource) when { resource.colour == "red" };', note: 't', createdBy: 't', at: AT }),
    );
    const d = await pdp.decide({ actor: await actor('admin'), action: 'audit.read', resource: { type: 'audit-trail', id: 'audit_events' }, at: AT });
    expect(d.allow).toBe(false);
    expect(d.policyIds).toEqual(['pdp.policy-set-invalid', 'broken']);
    expect(d.reason).toMatch(/^the policy set cannot be evaluated, every request is denied \(fail closed\): broken: /);
    expect(pdp.status()).toMatchObject({ policySet: 'invalid', issues: [{ policyId: 'broken' }] });
  });

  it('denies an unknown action, an unknown actor, and when the store fails', async () => {
    const alice = await actor('alice');
    expect(await pdp.decide({ actor: alice, action: 'evidence.delete', resource: { type: 'evidence', id: 'x' }, at: AT })).toMatchObject({
      allow: false,
      policyIds: ['pdp.schema'],
      reason: 'unknown action "evidence.delete": not in the action table',
    });
    const ghost: Actor = { ...alice, id: 'ghost', roles: ['admin'] };
    expect(await pdp.decide({ actor: ghost, action: 'audit.read', resource: { type: 'audit-trail', id: 'a' }, at: AT })).toMatchObject({
      allow: false,
      policyIds: ['pdp.unknown-principal'],
    });
    await store.close();
    const d = await pdp.decide({ actor: alice, action: 'audit.read', resource: { type: 'audit-trail', id: 'a' }, at: AT });
    expect(d).toMatchObject({ allow: false, policyIds: ['pdp.error'] });
    expect(d.reason).toMatch(/^policy evaluation failed, denied \(fail closed\): /);
  });

  it("decides from the store's actor, not the caller's copy of it", async () => {
    const arun = await actor('arun');
    const d = await pdp.decide({ actor: { ...arun, roles: ['admin'] }, action: 'audit.read', resource: { type: 'audit-trail', id: 'a' }, at: AT });
    expect(d.allow).toBe(false);
  });

  it('caches under the epoch; a change made behind the API still reaches the very next decision', async () => {
    const alice = await actor('alice');
    const req = { actor: alice, action: 'audit.read', resource: { type: 'audit-trail', id: 'audit_events' }, at: AT };
    const first = await pdp.decide(req);
    const second = await pdp.decide(req);
    expect([first.allow, first.cached, second.allow, second.cached]).toEqual([true, undefined, true, true]);
    const changes: Array<{ epoch: number; reason: string }> = [];
    pdp.onEpochChange((c) => changes.push(c));
    await store.removeRole('alice', 'auditor');
    const third = await pdp.decide(req);
    expect(third).toMatchObject({ allow: false, policyIds: ['role.audit.read'], epoch: first.epoch + 1 });
    expect(third.cached).toBeUndefined();
    expect(changes).toEqual([{ epoch: first.epoch + 1, reason: 'role removed: auditor from alice' }]);
  });

  it('re-decides a stale session instead of answering from the cache', async () => {
    const alice = await actor('alice');
    const req = { actor: alice, action: 'audit.read', resource: { type: 'audit-trail', id: 'audit_events' }, at: AT };
    await pdp.decide(req);
    const stale = await pdp.decide({ ...req, sessionEpoch: pdp.epoch() - 1 });
    expect(stale).toMatchObject({ allow: true, staleSession: true });
    expect(stale.cached).toBeUndefined();
    expect((await pdp.decide({ ...req, sessionEpoch: pdp.epoch() })).cached).toBe(true);
  });

  it('in notify mode trusts the pushed epoch, but a session that has seen a newer epoch makes it catch up first', async () => {
    const notified = await CedarPdp.open({ store, now: NOW, epochMode: 'notify', installDefaults: false });
    notified.setFeedLive(true);
    const alice = await actor('alice');
    const req = { actor: alice, action: 'audit.read', resource: { type: 'audit-trail', id: 'audit_events' }, at: AT };
    expect((await notified.decide(req)).allow).toBe(true);
    await store.removeRole('alice', 'auditor');
    // No notification on SQLite: the cache still answers (this is the window the feed closes on PostgreSQL).
    expect(await notified.decide(req)).toMatchObject({ allow: true, cached: true });
    const newer = (await store.sql.get<{ epoch: number }>('SELECT epoch FROM policy_epoch'))!.epoch;
    expect(await notified.decide({ ...req, sessionEpoch: newer })).toMatchObject({ allow: false, epoch: newer });
    // A feed that is down means every decision reads the epoch row.
    await store.assignRole('alice', 'auditor', AT);
    notified.setFeedLive(false);
    expect((await notified.decide(req)).allow).toBe(true);
  });

  it('applies consent to resources about a data subject, for the purpose asked', async () => {
    const sam = await actor('sam');
    const resource = { type: 'evidence', id: 's1', labels: { tenant: 'acme', region: 'us-west-2', sensitivity: 'internal' as const, purpose: 'analytics' }, subjectId: 'cust-acme-001' };
    expect((await pdp.decide({ actor: sam, action: 'evidence.read', resource, at: AT })).allow).toBe(true);
    expect(await pdp.decide({ actor: sam, action: 'evidence.read', resource, context: { purpose: 'marketing' }, at: AT })).toMatchObject({
      allow: false,
      policyIds: ['consent.purpose'],
      reason: 'data subject cust-acme-001 has not granted consent for the purpose marketing',
    });
    expect(await pdp.decide({ actor: sam, action: 'evidence.read', resource: { ...resource, subjectId: 'nobody-asked' }, at: AT })).toMatchObject({
      allow: false,
      policyIds: ['consent.purpose'],
    });
  });
});
