import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { createAdminStore } from './admin-store.ts';
import type { PolicyClient } from './policy-client.ts';
import { sampleOverview } from './sample-overview.ts';

const at = '2026-11-28T12:00:00.000Z';
/** A scripted `policy` namespace: records calls, answers from `overview`. */
function fakeClient(overrides: Partial<PolicyClient['policy']> = {}) {
  const calls: string[] = [];
  let epoch = 30;
  const client: PolicyClient = {
    $events: { subscribe: () => () => undefined },
    policy: {
      overview: async () => (calls.push('overview'), sampleOverview(epoch)),
      permissions: async () => (calls.push('permissions'), { epoch, actorId: 'admin', actions: [{ action: 'audit.read', allowed: true, policyIds: ['role.audit.read'], reason: 'ok' }] }),
      history: async () => [],
      validate: async ({ text }) => (calls.push('validate'), text.includes('oops') ? { ok: false, errors: ['unexpected token `oops`'] } : { ok: true, errors: [] }),
      save: async ({ policyId }) => {
        calls.push(`save ${policyId}`);
        epoch += 1;
        return { epoch, eventId: 'ae-000100', version: { ...sampleOverview().policies[0]!, policyId, version: 2 } };
      },
      retire: async ({ policyId }) => (calls.push(`retire ${policyId}`), { epoch: ++epoch, eventId: 'ae-000101', version: { ...sampleOverview().policies[0]!, status: 'retired', version: 3 } }),
      assignRole: async ({ actorId, role }) => (calls.push(`assign ${role} ${actorId}`), { epoch: ++epoch, eventId: 'ae-000102', actor: sampleOverview().actors[1]! }),
      removeRole: async () => {
        throw new WorkbenchError('CONFLICT', 'admin is the last actor with the admin role; assign it to someone else first');
      },
      setConsent: async (c) => (calls.push(`consent ${c.status}`), { epoch: ++epoch, eventId: 'ae-000103', consent: { ...c, updatedAt: at } }),
      simulate: async () => ({ allow: true, policyIds: [], reason: '', epoch }),
      ...overrides,
    },
  };
  return { client, calls };
}

describe('admin store', () => {
  it('loads the overview and what the actor may do', async () => {
    const { client } = fakeClient();
    const store = createAdminStore(client);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'ready', overview: { epoch: 30 }, permissions: [{ action: 'audit.read', allowed: true }] });
  });

  it('still shows permissions when the overview is denied', async () => {
    const denied = new WorkbenchError('DENIED', 'denied: policy.read needs one of the roles admin, auditor', { reason: 'x', policyIds: ['role.policy.read'], decisionId: 'ae-1', appealLink: '#/appeals/new?denial=ae-1' });
    const { client } = fakeClient({
      overview: async () => {
        throw denied;
      },
    });
    const store = createAdminStore(client);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'error', error: { code: 'DENIED' }, overview: undefined });
    expect(store.getState().permissions).toHaveLength(1);
  });

  it('never sends a policy the engine refuses; shows the engine message instead', async () => {
    const { client, calls } = fakeClient();
    const store = createAdminStore(client);
    await store.getState().load();
    store.getState().setEditor({ policyId: 'team.x', text: 'permit oops', note: 'try' });
    await store.getState().save();
    expect(calls.filter((c) => c.startsWith('save'))).toEqual([]);
    expect(store.getState().editor.check).toEqual({ ok: false, errors: ['unexpected token `oops`'] });
    // Any edit clears the verdict: it described the old text.
    store.getState().setEditor({ text: 'permit (principal, action, resource);' });
    expect(store.getState().editor.check).toBeUndefined();
  });

  it('shows the engine errors a save was refused with', async () => {
    const { client } = fakeClient({
      save: async () => {
        throw new WorkbenchError('BAD_INPUT', 'policy team.x was not saved: attribute `colour` not found', { engineErrors: ['attribute `colour` not found'] });
      },
    });
    const store = createAdminStore(client);
    await store.getState().load();
    store.getState().setEditor({ policyId: 'team.x', text: 'forbid (principal, action, resource);', note: 'n' });
    await store.getState().save();
    expect(store.getState().editor).toMatchObject({ busy: false, check: { ok: false, errors: ['attribute `colour` not found'] }, error: { code: 'BAD_INPUT' } });
  });

  it('saves, says so, and reloads the overview', async () => {
    const { client, calls } = fakeClient();
    const store = createAdminStore(client);
    await store.getState().load();
    store.getState().editPolicy('role.audit.read');
    expect(store.getState().editor.text).toBe('permit (principal, action, resource);');
    store.getState().setEditor({ note: 'tighten' });
    await store.getState().save();
    expect(calls.slice(-4)).toEqual(['validate', 'save role.audit.read', 'overview', 'permissions']);
    expect(store.getState().notice).toBe('Saved role.audit.read v2; policy epoch 31.');
    expect(store.getState().overview?.epoch).toBe(31);
  });

  it('reports a refused role change without losing the overview', async () => {
    const { client } = fakeClient();
    const store = createAdminStore(client);
    await store.getState().load();
    await store.getState().removeRole('admin', 'admin');
    expect(store.getState()).toMatchObject({ busy: false, status: 'ready', actionError: { code: 'CONFLICT' } });
    await store.getState().setConsent('cust-acme-001', 'analytics', 'revoked');
    expect(store.getState()).toMatchObject({ actionError: undefined, notice: 'Consent of cust-acme-001 for analytics is now revoked.' });
  });

  it('reloads on a newer policy.changed epoch only', async () => {
    const { client, calls } = fakeClient();
    const store = createAdminStore(client);
    await store.getState().load();
    const before = calls.length;
    store.getState().notePolicyChanged(30);
    store.getState().notePolicyChanged(12);
    expect(calls.length).toBe(before);
    store.getState().notePolicyChanged(31);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.slice(before)).toEqual(['overview', 'permissions']);
  });
});
