import type { PolicyOverview } from '../../../shared/api/policy.ts';

const at = '2026-11-28T12:00:00.000Z';

/** A small overview for the admin view's tests. */
export function sampleOverview(epoch = 30): PolicyOverview {
  return {
    epoch,
    policyRevision: 22,
    policySet: 'ok',
    issues: [],
    actions: [{ name: 'audit.read', resourceKind: 'audit-trail', groups: [], roles: ['auditor'], ownTenantRoles: [], capability: 'foundation', summary: 'Read the trail.' }],
    actors: [
      { id: 'admin', displayName: 'Avery Admin', tenant: 'acme', region: 'us-west-2', roles: ['admin'], createdAt: at },
      { id: 'alice', displayName: 'Alice Auditor', tenant: 'acme', region: 'us-west-2', roles: ['auditor'], createdAt: at },
    ],
    consents: [{ subjectId: 'cust-acme-001', purpose: 'analytics', status: 'granted', updatedAt: at }],
    policies: [
      { policyId: 'role.audit.read', version: 1, status: 'active', body: 'permit (principal, action, resource);', sha256: 'a'.repeat(64), note: 'built-in default', createdBy: 'system', createdAt: at },
    ],
    roles: ['admin', 'auditor'],
  };
}
