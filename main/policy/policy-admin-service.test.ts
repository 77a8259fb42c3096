import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodsOf } from '../../shared/api/contract.ts';
import type { WorkbenchError } from '../../shared/api/errors.ts';
import type { PolicyOverview } from '../../shared/api/policy.ts';
import { createTempSqlite, type TempSqlite } from '../store/testing/temp-sqlite.ts';
import { ACTIONS } from './actions.ts';
import { conauthApi, openPolicyWorkbench, type PolicyWorkbench } from './policy-workbench.ts';

const NOW = () => new Date('2026-11-28T12:00:00.000Z');
const err = async (p: Promise<unknown>) => (await p.catch((e: unknown) => e)) as WorkbenchError;

describe('policy.* through the dispatcher', () => {
  let dir: TempSqlite;
  let wb: PolicyWorkbench;

  beforeAll(async () => {
    dir = createTempSqlite('wb-policy-admin-');
    wb = await openPolicyWorkbench({ dataDir: dir.dataDir, now: NOW });
    await wb.store.upsertActor({ id: 'nobody', displayName: 'No Rights', tenant: 'acme', region: 'us-west-2', roles: [] }, '2026-11-28T12:00:00.000Z');
  });
  afterAll(async () => {
    await wb?.close();
    dir.remove();
  });

  it('overview shows the action table, actors, consents, the policies in force and the epoch', async () => {
    const o = (await wb.call('policy.overview', {}, 'admin')) as PolicyOverview;
    expect(o.actions.map((a) => a.name)).toEqual(ACTIONS.map((a) => a.name));
    expect(o.policySet).toBe('ok');
    expect(o.epoch).toBe(wb.services.pdp.epoch());
    expect(o.policies.map((p) => p.policyId)).toContain('role.evidence.read');
    expect(o.policies.find((p) => p.policyId === 'residency.cross-region')).toMatchObject({ version: 1, status: 'active', createdBy: 'system', note: 'built-in default' });
    expect(o.actors.map((a) => a.id)).toEqual(['admin', 'alice', 'arun', 'gil', 'greta', 'nobody', 'olga', 'sam']);
    expect(o.roles).toEqual(['admin', 'analyst', 'auditor', 'data_steward', 'ombuds']);
    expect(o.consents).toHaveLength(7);
  });

  it("validate returns the engine's messages; save refuses an invalid policy with them and stores nothing", async () => {
    const text = 'forbid (principal, action, resource) when { resource.colour == "red" };';
    const check = (await wb.call('policy.validate', { policyId: 'red', text }, 'admin')) as { ok: boolean; errors: string[] };
    expect(check.ok).toBe(false);
    expect(check.errors[0]).toContain('attribute `colour` on entity type `Workbench::Resource` not found');
    const e = await err(wb.call('policy.save', { policyId: 'red', text, note: 'try' }, 'admin'));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toBe(`policy red was not saved: ${check.errors[0]}`);
    expect(e.details?.engineErrors).toEqual(check.errors);
    expect(await wb.call('policy.history', { policyId: 'red' }, 'admin')).toEqual([]);
    const parseErr = await err(wb.call('policy.save', { policyId: 'red', text: 'forbid (principal', note: 'try' }, 'admin'));
    expect(parseErr.message).toMatch(/^policy red was not saved: unexpected end of input/);
  });

  it('save and retire append versions, move the epoch and broadcast policy.changed', async () => {
    const before = wb.services.pdp.epoch();
    const text = '@reason("no packs on Fridays")\nforbid (principal, action == Workbench::Action::"packs.verify", resource) when { resource.tenant == "none" };';
    const saved = (await wb.call('policy.save', { policyId: 'friday', text, note: 'add' }, 'admin')) as { epoch: number; version: { version: number } };
    expect(saved.version.version).toBe(1);
    expect(saved.epoch).toBe(before + 1);
    expect(wb.events.filter((e) => e.topic === 'policy.changed').at(-1)).toEqual({ topic: 'policy.changed', payload: { epoch: before + 1, reason: 'policy saved: friday v1' } });
    const retired = (await wb.call('policy.retire', { policyId: 'friday', note: 'done' }, 'admin')) as { version: { version: number; status: string } };
    expect(retired.version).toMatchObject({ version: 2, status: 'retired' });
    expect((await err(wb.call('policy.retire', { policyId: 'friday', note: 'again' }, 'admin'))).message).toBe('policy friday is already retired (v2)');
    expect((await err(wb.call('policy.retire', { policyId: 'nope', note: 'x' }, 'admin'))).code).toBe('NOT_FOUND');
    const history = (await wb.call('policy.history', { policyId: 'friday' }, 'admin')) as Array<{ status: string; note: string }>;
    expect(history.map((h) => [h.status, h.note])).toEqual([
      ['active', 'add'],
      ['retired', 'done'],
    ]);
  });

  it('role and consent changes return the new epoch and record an info audit event naming the decision', async () => {
    const r = (await wb.call('policy.assignRole', { actorId: 'olga', role: 'auditor' }, 'admin')) as { epoch: number; eventId: string; actor: { roles: string[] } };
    expect(r.actor.roles).toEqual(['auditor', 'ombuds']);
    expect(r.epoch).toBe(wb.services.pdp.epoch());
    const event = (await wb.store.getAuditEvent(r.eventId))!;
    expect(event).toMatchObject({ action: 'roles.assigned', resourceId: 'olga', decision: 'info', payload: { role: 'auditor' } });
    const decision = (await wb.store.getAuditEvent(String(event.payload.decisionId)))!;
    expect(decision).toMatchObject({ action: 'roles.write', decision: 'allow', actorId: 'admin' });
    await wb.call('policy.removeRole', { actorId: 'olga', role: 'auditor' }, 'admin');
    const c = (await wb.call('policy.setConsent', { subjectId: 'cust-x', purpose: 'research', status: 'granted' }, 'admin')) as { consent: unknown };
    expect(c.consent).toEqual({ subjectId: 'cust-x', purpose: 'research', status: 'granted', updatedAt: '2026-11-28T12:00:00.000Z' });
  });

  it('refuses to remove the last admin, and names missing actors', async () => {
    const e = await err(wb.call('policy.removeRole', { actorId: 'admin', role: 'admin' }, 'admin'));
    expect([e.code, e.message]).toEqual(['CONFLICT', 'admin is the last actor with the admin role; assign it to someone else first']);
    expect((await err(wb.call('policy.assignRole', { actorId: 'ghost', role: 'auditor' }, 'admin'))).message).toBe('no actor "ghost"');
    expect((await err(wb.call('policy.assignRole', { actorId: 'alice', role: 'Bad Role' }, 'admin'))).code).toBe('BAD_INPUT');
  });

  it('a data steward may manage consents but not roles', async () => {
    await wb.call('policy.setConsent', { subjectId: 'cust-x', purpose: 'research', status: 'revoked' }, 'sam');
    const e = await err(wb.call('policy.assignRole', { actorId: 'sam', role: 'admin' }, 'sam'));
    expect(e.details).toMatchObject({ policyIds: ['role.roles.write'], reason: 'roles.write needs one of the roles admin' });
  });

  it('permissions tell the caller what it may do now, and follow a change at once', async () => {
    type Perms = { actions: Array<{ action: string; allowed: boolean }> };
    const allowed = (p: Perms) => p.actions.filter((a) => a.allowed).map((a) => a.action);
    expect(allowed((await wb.call('policy.permissions', {}, 'gil')) as Perms)).toEqual(['evidence.read']);
    await wb.call('policy.assignRole', { actorId: 'gil', role: 'ombuds' }, 'admin');
    expect(allowed((await wb.call('policy.permissions', {}, 'gil')) as Perms)).toContain('audit.read');
    await wb.call('policy.removeRole', { actorId: 'gil', role: 'ombuds' }, 'admin');
  });

  it('simulate answers what-if without acting, residency included', async () => {
    const s = await wb.call(
      'policy.simulate',
      { actorId: 'alice', action: 'evidence.export', resource: { type: 'evidence', id: 'ev-001', labels: { tenant: 'acme', region: 'us-west-2' } }, context: { destinationRegion: 'eu-central-1' } },
      'admin',
    );
    expect(s).toMatchObject({
      allow: false,
      policyIds: ['residency.cross-region'],
      residency: { tenant: 'acme', fromRegion: 'us-west-2', toRegion: 'eu-central-1', crossing: true, pinned: false, exceptionId: null },
    });
  });

  const sensitive = methodsOf(conauthApi)
    .filter(([name, spec]) => spec.sensitive && (name.startsWith('policy.') || name.startsWith('residency.')))
    .map(([name]) => name);
  const SAMPLES: Record<string, unknown> = {
    'policy.overview': {},
    'policy.history': { policyId: 'role.audit.read' },
    'policy.validate': { policyId: 'x', text: 'permit (principal, action, resource);' },
    'policy.save': { policyId: 'x', text: 'permit (principal, action, resource);', note: 'n' },
    'policy.retire': { policyId: 'role.audit.read', note: 'n' },
    'policy.assignRole': { actorId: 'nobody', role: 'admin' },
    'policy.removeRole': { actorId: 'alice', role: 'auditor' },
    'policy.setConsent': { subjectId: 'cust-acme-001', purpose: 'analytics', status: 'revoked' },
    'policy.simulate': { actorId: 'alice', action: 'audit.read', resource: { type: 'audit-trail', id: 'audit_events' } },
    'residency.report': {},
    'residency.exportReport': { format: 'csv' },
    'residency.grantException': { tenant: 'acme', fromRegion: 'us-west-2', toRegion: 'eu-central-1', validFrom: '2026-11-28T12:00:00.000Z', validUntil: '2026-11-29T12:00:00.000Z', justification: 'ten chars at least' },
    'residency.revokeException': { id: 'rx-000001' },
    'residency.pinUnpinned': {},
  };

  it('has a sample for each sensitive policy.* and residency.* method', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...sensitive].sort());
  });

  it.each(sensitive)('%s denies an actor without rights, audits it, and offers an appeal', async (name) => {
    const before = (await wb.store.listAuditEvents({ afterSeq: 0, limit: 100000 })).length;
    const e = await err(wb.call(name, SAMPLES[name], 'nobody'));
    expect(e.code).toBe('DENIED');
    const events = await wb.store.listAuditEvents({ afterSeq: before, limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: 'nobody', decision: 'deny' });
    expect(e.details).toMatchObject({ decisionId: events[0]!.id, appealLink: `#/appeals/new?denial=${events[0]!.id}` });
  });
});
