import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../shared/api/index.ts';
import { methodsOf } from '../../shared/api/contract.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';
import { resolveConfig } from '../config.ts';
import { createWorkbench, type Workbench } from '../workbench.ts';

/** A valid input for every sensitive method; a new sensitive method without one fails the coverage test. */
const SAMPLE_INPUTS: Record<string, (wb: Workbench) => Promise<unknown>> = {
  'audit.list': async () => ({}),
  'audit.verifyChain': async () => ({}),
  'evidence.list': async () => ({ tenant: 'acme' }),
  'evidence.get': async (wb) => ({ id: (await wb.store.listEvidence({ limit: 1 }))[0]!.id }),
  'verify.run': async () => ({ path: '/nonexistent/pack' }),
  'policy.overview': async () => ({}),
  'policy.history': async () => ({ policyId: 'role.audit.read' }),
  'policy.validate': async () => ({ policyId: 'x', text: 'permit (principal, action, resource);' }),
  'policy.save': async () => ({ policyId: 'x', text: 'permit (principal, action, resource);', note: 'n' }),
  'policy.retire': async () => ({ policyId: 'role.audit.read', note: 'n' }),
  'policy.assignRole': async () => ({ actorId: 'nobody', role: 'admin' }),
  'policy.removeRole': async () => ({ actorId: 'alice', role: 'auditor' }),
  'policy.setConsent': async () => ({ subjectId: 'cust-acme-001', purpose: 'analytics', status: 'revoked' }),
  'policy.simulate': async () => ({ actorId: 'alice', action: 'audit.read', resource: { type: 'audit-trail', id: 'audit_events' } }),
  'residency.report': async () => ({}),
  'residency.exportReport': async () => ({ format: 'csv' }),
  'residency.grantException': async () => ({
    tenant: 'acme',
    fromRegion: 'us-west-2',
    toRegion: 'eu-central-1',
    validFrom: '2026-11-28T12:00:00.000Z',
    validUntil: '2026-11-29T12:00:00.000Z',
    justification: 'ten chars at least',
  }),
  'residency.revokeException': async () => ({ id: 'rx-000001' }),
  'residency.pinUnpinned': async () => ({}),
  'appeals.denial': async () => ({ denialEventId: 'ae-000003' }),
  'appeals.open': async () => ({ denialEventId: 'ae-000003', justification: 'I need it' }),
  'appeals.queue': async () => ({}),
  'appeals.get': async () => ({ ticketId: 'ot-0001' }),
  'appeals.triage': async () => ({ ticketId: 'ot-0001' }),
  'appeals.requestInfo': async () => ({ ticketId: 'ot-0001', question: 'why?' }),
  'appeals.provideInfo': async () => ({ ticketId: 'ot-0001', answer: 'because' }),
  'appeals.comment': async () => ({ ticketId: 'ot-0001', body: 'note' }),
  'appeals.decide': async () => ({ ticketId: 'ot-0001', outcome: 'upheld', rationale: 'policy stands' }),
  'appeals.artifact': async () => ({ artifactId: 'da-000001' }),
  'appeals.verifyArtifacts': async () => ({}),
  'appeals.dashboard': async () => ({}),
  'appeals.slaPolicy': async () => ({}),
  'appeals.setSlaPolicy': async () => ({
    name: 'p',
    targets: { timeToTriage: { low: 60, normal: 60, high: 60, urgent: 60 }, timeToDecision: { low: 600, normal: 600, high: 600, urgent: 600 } },
    calendar: null,
  }),
  'appeals.exceptions': async () => ({}),
  'redaction.policies': async () => ({}),
  'redaction.listJobs': async () => ({}),
  'redaction.savePolicy': async () => ({ name: 'p1', cases: ['CASE-1'], purposes: ['research'], retention: '90d' }),
  'redaction.dryRun': async () => ({ policy: { cases: ['CASE-1'], purposes: ['research'], retention: '90d' } }),
  'redaction.apply': async () => ({ planHash: 'a'.repeat(64) }),
  'redaction.cancel': async () => ({ jobId: 'rj-0000000000000000' }),
  'redaction.resume': async () => ({ jobId: 'rj-0000000000000000' }),
  'redaction.restore': async () => ({ jobId: 'rj-0000000000000000' }),
  'redaction.receipts': async () => ({ jobId: 'rj-0000000000000000' }),
  'redaction.certificate': async () => ({ jobId: 'rj-0000000000000000' }),
  'redaction.verify': async () => ({ jobId: 'rj-0000000000000000' }),
  'appeals.revokeException': async () => ({ exceptionId: 'px-0001', reason: 'no longer needed' }),
  'auditpack.build': async () => ({ org: 'acme' }),
  'auditpack.cancel': async () => ({}),
  'auditpack.list': async () => ({}),
  'auditpack.get': async () => ({ buildId: 'ap-0000000000000000' }),
  'auditpack.controlMap': async () => ({}),
  'auditpack.readEntry': async () => ({ buildId: 'ap-0000000000000000', path: 'compliance/control-map.csv' }),
  'auditpack.download': async () => ({ buildId: 'ap-0000000000000000', what: 'pack' }),
};

const namespaceOf = (method: string) => method.slice(0, method.indexOf('.'));

describe('every sensitive method goes through the PEP', () => {
  let dataDir: string;
  let wb: Workbench;
  const sensitive = methodsOf(api).filter(([, spec]) => spec.sensitive).map(([name]) => name);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'wb-pep-'));
    wb = await createWorkbench(resolveConfig({}, { dataDir, now: () => new Date('2026-11-28T12:00:00.000Z') }));
    await wb.store.upsertActor({ id: 'nobody', displayName: 'No Rights', tenant: 'acme', region: 'us-west-2', roles: [] }, '2026-11-28T12:00:00.000Z');
  });
  afterAll(async () => {
    await wb?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('has a sample input for each sensitive method', () => {
    expect(sensitive.filter((m) => !SAMPLE_INPUTS[m])).toEqual([]);
    // A sample for a method the contract lacks is stale, unless its whole namespace is not served yet
    // (the policy and residency namespaces until the composition root wires them).
    const served = new Set(methodsOf(api).map(([name]) => namespaceOf(name)));
    expect(Object.keys(SAMPLE_INPUTS).filter((m) => !sensitive.includes(m) && served.has(namespaceOf(m)))).toEqual([]);
  });

  it.each(sensitive)('%s denies an actor without rights, audits it, and offers an appeal', async (name) => {
    const before = (await wb.store.listAuditEvents({ afterSeq: 0, limit: 100000 })).length;
    const input = await SAMPLE_INPUTS[name]!(wb);
    const err = (await wb.dispatch(name, { input, session: { actorId: 'nobody' } }, { transport: 'in-process' }).catch((e: unknown) => e)) as WorkbenchError;
    expect(err).toBeInstanceOf(WorkbenchError);
    expect(err.code).toBe('DENIED');
    const events = await wb.store.listAuditEvents({ afterSeq: before, limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: 'nobody', decision: 'deny' });
    expect(err.details).toMatchObject({ decisionId: events[0]!.id, appealLink: `#/appeals/new?denial=${events[0]!.id}` });
    expect((err.details?.policyIds as string[]).length).toBeGreaterThan(0);
  });
});
