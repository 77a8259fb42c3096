import { createHash } from 'node:crypto';
import type { ActorInput, Consent } from '../../shared/domain/actors.ts';
import type { AuditEventInput } from '../../shared/domain/audit.ts';
import type { EvidenceItem, Labels } from '../../shared/domain/evidence.ts';
import type { Store } from './store.ts';

/**
 * The demo data a first start loads into an empty store. Everything is fixed — ids,
 * timestamps, content — so every store (SQLite or PostgreSQL, any machine) gets the same
 * rows and the same audit hashes. Two tenants (acme, globex) in two regions
 * (us-west-2, eu-central-1); denials that look exactly like the PEP's; two appeals.
 */

export const DEMO_TENANTS = ['acme', 'globex'] as const;
export const DEMO_REGIONS = ['us-west-2', 'eu-central-1'] as const;

const ACTORS_AT = '2026-11-01T09:00:00.000Z';

export const DEMO_ACTORS: readonly (ActorInput & { roles: string[] })[] = [
  { id: 'admin', displayName: 'Avery Admin', tenant: 'acme', region: 'us-west-2', roles: ['admin'] },
  { id: 'alice', displayName: 'Alice Auditor', tenant: 'acme', region: 'us-west-2', roles: ['auditor'] },
  { id: 'arun', displayName: 'Arun Analyst', tenant: 'acme', region: 'us-west-2', roles: ['analyst'] },
  { id: 'gil', displayName: 'Gil Analyst', tenant: 'globex', region: 'eu-central-1', roles: ['analyst'] },
  { id: 'greta', displayName: 'Greta Steward', tenant: 'globex', region: 'eu-central-1', roles: ['data_steward'] },
  { id: 'olga', displayName: 'Olga Ombuds', tenant: 'globex', region: 'eu-central-1', roles: ['ombuds'] },
  { id: 'sam', displayName: 'Sam Steward', tenant: 'acme', region: 'us-west-2', roles: ['data_steward'] },
];

export const DEMO_CONSENTS: readonly Consent[] = [
  { subjectId: 'cust-acme-001', purpose: 'analytics', status: 'granted', updatedAt: '2026-11-03T08:00:00.000Z' },
  { subjectId: 'cust-acme-001', purpose: 'marketing', status: 'revoked', updatedAt: '2026-11-05T16:30:00.000Z' },
  { subjectId: 'cust-acme-002', purpose: 'analytics', status: 'granted', updatedAt: '2026-11-03T08:05:00.000Z' },
  { subjectId: 'cust-acme-002', purpose: 'fraud-detection', status: 'granted', updatedAt: '2026-11-03T08:05:00.000Z' },
  { subjectId: 'cust-globex-001', purpose: 'analytics', status: 'revoked', updatedAt: '2026-11-06T11:00:00.000Z' },
  { subjectId: 'cust-globex-001', purpose: 'fraud-detection', status: 'granted', updatedAt: '2026-11-04T10:00:00.000Z' },
  { subjectId: 'cust-globex-002', purpose: 'marketing', status: 'granted', updatedAt: '2026-11-04T10:10:00.000Z' },
];

type EvidenceSpec = [title: string, kind: string, tenant: Labels['tenant'], region: Labels['region'], sensitivity: Labels['sensitivity'], purpose: string];

const EVIDENCE_SPECS: readonly EvidenceSpec[] = [
  ['SOC 2 access review Q3', 'access-review', 'acme', 'us-west-2', 'confidential', 'audit'],
  ['Payments service SBOM', 'sbom', 'acme', 'us-west-2', 'internal', 'security'],
  ['Build provenance for payments v4.2.0', 'attestation', 'acme', 'us-west-2', 'internal', 'security'],
  ['Ledger SBOM', 'sbom', 'globex', 'eu-central-1', 'internal', 'security'],
  ['DPIA: customer analytics', 'dpia', 'globex', 'eu-central-1', 'restricted', 'compliance'],
  ['Production IAM policy snapshot', 'config-snapshot', 'acme', 'us-west-2', 'confidential', 'audit'],
  ['Penetration test report 2026', 'pentest-report', 'acme', 'eu-central-1', 'restricted', 'security'],
  ['Data retention policy', 'policy', 'acme', 'us-west-2', 'public', 'compliance'],
  ['Data retention policy', 'policy', 'globex', 'eu-central-1', 'public', 'compliance'],
  ['EU customer export log', 'access-log', 'globex', 'eu-central-1', 'confidential', 'audit'],
  ['Backup restore drill record', 'dr-test', 'globex', 'us-west-2', 'internal', 'resilience'],
  ['Churn model training data card', 'data-card', 'acme', 'us-west-2', 'confidential', 'analytics'],
  ['Churn model training data card', 'data-card', 'globex', 'eu-central-1', 'confidential', 'analytics'],
  ['Vendor risk assessment: mail provider', 'vendor-assessment', 'acme', 'eu-central-1', 'internal', 'compliance'],
  ['Key rotation evidence (KMS)', 'config-snapshot', 'globex', 'eu-central-1', 'confidential', 'security'],
  ['Incident 2026-041 postmortem', 'incident-report', 'acme', 'us-west-2', 'restricted', 'security'],
  ['Consent banner change approval', 'change-record', 'globex', 'eu-central-1', 'internal', 'compliance'],
  ['Admin console access log', 'access-log', 'acme', 'us-west-2', 'confidential', 'audit'],
  ['Container image signature bundle', 'attestation', 'globex', 'us-west-2', 'internal', 'security'],
  ['Quarterly privileged access attestation', 'access-review', 'globex', 'eu-central-1', 'confidential', 'audit'],
];

/** The bytes each demo evidence item stands for; its sha256 label is their digest. */
export function demoEvidenceContent(id: string, title: string): string {
  return `Compliance Workbench demo evidence ${id}: ${title}\n`;
}

function isoPlusMinutes(base: string, minutes: number): string {
  return new Date(Date.parse(base) + minutes * 60_000).toISOString();
}

export const DEMO_EVIDENCE: readonly EvidenceItem[] = EVIDENCE_SPECS.map(([title, kind, tenant, region, sensitivity, purpose], i) => {
  const id = `ev-${String(i + 1).padStart(3, '0')}`;
  return {
    id,
    title,
    kind,
    labels: { tenant, region, sensitivity, purpose },
    sha256: createHash('sha256').update(demoEvidenceContent(id, title), 'utf8').digest('hex'),
    createdAt: isoPlusMinutes('2026-11-02T10:00:00.000Z', i * 90),
  };
});

function evidenceDecision(actorId: string, evidenceId: string, allow: boolean, reason: string): Omit<AuditEventInput, 'at'> {
  return {
    actorId,
    action: 'evidence.read',
    resourceType: 'evidence',
    resourceId: evidenceId,
    decision: allow ? 'allow' : 'deny',
    payload: { reason, policyIds: ['role.evidence.read'], epoch: 0 },
  };
}

function auditReadDecision(actorId: string, allow: boolean, reason: string): Omit<AuditEventInput, 'at'> {
  return {
    actorId,
    action: 'audit.read',
    resourceType: 'audit-trail',
    resourceId: 'audit_events',
    decision: allow ? 'allow' : 'deny',
    payload: { reason, policyIds: ['role.audit.read'], epoch: 0 },
  };
}

const OWN_TENANT = (tenant: string) => `evidence.read on tenant ${tenant} is limited to that tenant's members`;

/** Decisions as the PEP records them (same payload shape: reason, policyIds, epoch). */
export const DEMO_AUDIT_EVENTS: readonly AuditEventInput[] = [
  evidenceDecision('alice', 'ev-001', true, 'allowed by role auditor'),
  evidenceDecision('sam', 'ev-002', true, 'allowed by role data_steward'),
  evidenceDecision('arun', 'ev-004', false, OWN_TENANT('globex')),
  auditReadDecision('olga', true, 'allowed by role ombuds'),
  auditReadDecision('gil', false, 'audit.read needs one of the roles auditor, ombuds, admin'),
  evidenceDecision('greta', 'ev-005', true, 'allowed by role data_steward'),
  evidenceDecision('arun', 'ev-012', true, 'allowed by role analyst'),
  evidenceDecision('gil', 'ev-012', false, OWN_TENANT('acme')),
  evidenceDecision('admin', 'ev-016', true, 'allowed by role admin'),
  auditReadDecision('alice', true, 'allowed by role auditor'),
  evidenceDecision('gil', 'ev-013', true, 'allowed by role analyst'),
  evidenceDecision('sam', 'ev-010', false, OWN_TENANT('globex')),
].map((e, i) => ({ ...e, at: isoPlusMinutes('2026-11-20T09:00:00.000Z', i * 7) }));

/** Two appeals of denials above: ae-000003 (arun, in triage with olga) and ae-000005 (gil, new). */
export const DEMO_TICKETS = [
  {
    ticket: {
      id: 'ot-0001',
      state: 'new',
      priority: 'normal',
      requester: 'arun',
      assignee: null,
      denialEventId: 'ae-000003',
      justification: 'The globex ledger SBOM lists a dependency we share; I need it to assess CVE exposure in acme payments.',
      slaDue: '2026-11-27T09:14:00.000Z',
      at: '2026-11-20T10:00:00.000Z',
    },
    triage: { patch: { state: 'triage', assignee: 'olga' }, at: '2026-11-20T11:30:00.000Z' },
  },
  {
    ticket: {
      id: 'ot-0002',
      state: 'new',
      priority: 'high',
      requester: 'gil',
      assignee: null,
      denialEventId: 'ae-000005',
      justification: 'Preparing the globex quarterly access attestation; I need read access to the audit trail.',
      slaDue: '2026-11-23T09:28:00.000Z',
      at: '2026-11-20T12:00:00.000Z',
    },
    triage: null,
  },
] as const;

export interface DemoSeedSummary {
  /** False when the store already had actors: nothing was written. */
  seeded: boolean;
  actors: number;
  consents: number;
  evidence: number;
  auditEvents: number;
  tickets: number;
}

/**
 * Loads the demo data into an EMPTY store in one transaction (all or nothing). A store that
 * already has actors is left alone and `seeded` is false, so two processes starting
 * against one empty PostgreSQL database seed it once.
 */
export async function seedDemoData(store: Store): Promise<DemoSeedSummary> {
  return store.transaction(async (tx) => {
    await tx.sql.lock('workbench.demo_seed');
    if (!(await tx.isEmpty())) return { seeded: false, actors: 0, consents: 0, evidence: 0, auditEvents: 0, tickets: 0 };
    for (const actor of DEMO_ACTORS) await tx.upsertActor(actor, ACTORS_AT);
    for (const consent of DEMO_CONSENTS) await tx.setConsent(consent);
    for (const item of DEMO_EVIDENCE) await tx.insertEvidence(item);
    for (const event of DEMO_AUDIT_EVENTS) await tx.appendAuditEvent(event);
    for (const { ticket, triage } of DEMO_TICKETS) {
      await tx.insertTicket(ticket);
      if (ticket.denialEventId) await tx.setAuditAppealTicket(ticket.denialEventId, ticket.id);
      if (triage) await tx.updateTicket(ticket.id, triage.patch, triage.at);
    }
    return {
      seeded: true,
      actors: DEMO_ACTORS.length,
      consents: DEMO_CONSENTS.length,
      evidence: DEMO_EVIDENCE.length,
      auditEvents: DEMO_AUDIT_EVENTS.length,
      tickets: DEMO_TICKETS.length,
    };
  });
}
