import { describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actors.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';
import type { EvidenceItem } from '../../shared/domain/evidence.ts';
import { FixturePdp } from '../../fixtures/appeals/fixture-policy.ts';
import type { Pdp } from '../policy/pdp.ts';
import { deniedRequest, denialCauses, suggestMinimizations } from './minimization.ts';

const arun: Actor = { id: 'arun', displayName: 'Arun Analyst', tenant: 'acme', region: 'us-west-2', roles: ['analyst'], createdAt: '2026-11-01T09:00:00.000Z' };
const item = (id: string, sensitivity: EvidenceItem['labels']['sensitivity'], purpose = 'audit', tenant = 'acme'): EvidenceItem => ({
  id,
  title: id,
  kind: 'report',
  labels: { tenant, region: 'us-west-2', sensitivity, purpose },
  sha256: null,
  createdAt: '2026-11-02T10:00:00.000Z',
});
const event = (action: string, resourceId: string, payload: Record<string, unknown> = {}): AuditEvent => ({
  id: 'ae-000100',
  seq: 100,
  at: '2026-11-28T09:00:00.000Z',
  actorId: 'arun',
  action,
  resourceType: 'evidence',
  resourceId,
  decision: 'deny',
  payload: { reason: 'r', policyIds: ['p'], epoch: 5, ...payload },
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
  appealTicketId: null,
});
const store = (items: EvidenceItem[]) => ({ getEvidence: async (id: string) => items.find((i) => i.id === id) });

describe('the denied request', () => {
  it('comes from the labels the PEP recorded, else from the resource it names', async () => {
    expect((await deniedRequest(event('evidence.export', 'ev-9', { labels: { tenant: 'acme', sensitivity: 'restricted' } }), store([]))).labels).toEqual({
      tenant: 'acme',
      sensitivity: 'restricted',
    });
    expect((await deniedRequest(event('evidence.export', 'ev-9'), store([item('ev-9', 'confidential')]))).labels).toEqual({
      tenant: 'acme',
      region: 'us-west-2',
      sensitivity: 'confidential',
      purpose: 'audit',
    });
    expect((await deniedRequest(event('evidence.read', 'tenant:globex'), store([]))).labels).toEqual({ tenant: 'globex' });
    expect((await deniedRequest(event('evidence.read', 'tenant:*'), store([]))).labels).toEqual({});
    expect((await deniedRequest(event('evidence.read', 'ev-missing'), store([]))).labels).toEqual({});
  });
});

describe('minimization suggestions', () => {
  it('a confidential export: a redacted export; fewer fields would be the same request, so it is not offered twice', async () => {
    const req = await deniedRequest(event('evidence.export', 'ev-1'), store([item('ev-1', 'confidential')]));
    const s = await suggestMinimizations(new FixturePdp(), arun, req);
    expect(s.map((x) => [x.id, x.kind, x.title, x.request.resourceId, x.request.labels.sensitivity, x.allowedBy])).toEqual([
      ['redacted-export:1', 'redacted-export', 'A redacted export', 'ev-1', 'internal', ['role.evidence.export']],
    ]);
    expect(s[0]!.description).toBe('Export ev-1 with every field above internal masked: the same records, no confidential values.');
    expect(await denialCauses(new FixturePdp(), arun, req)).toEqual([{ label: 'sensitivity', value: 'confidential', allowedWith: 'public' }]);
  });

  it('a restricted read: the smallest reduction of fields the policy allows', async () => {
    const req = await deniedRequest(event('evidence.read', 'ev-4'), store([item('ev-4', 'restricted')]));
    const s = await suggestMinimizations(new FixturePdp(), arun, req);
    expect(s.map((x) => [x.kind, x.title, x.request.labels.sensitivity])).toEqual([['fewer-fields', 'Only fields labelled confidential or below', 'confidential']]);
    expect(s[0]!.description).toBe('Leave out the fields labelled restricted; the rest of ev-4 stays in the request.');
  });

  it('a read for marketing: a narrower purpose, taken from the request context the PEP recorded', async () => {
    const req = await deniedRequest(event('evidence.read', 'ev-2', { context: { purpose: 'marketing' } }), store([item('ev-2', 'internal', 'security')]));
    expect(req.labels.purpose).toBe('marketing');
    const s = await suggestMinimizations(new FixturePdp(), arun, req);
    expect(s.map((x) => [x.kind, x.request.labels.purpose])).toEqual([['narrower-purpose', 'aggregate-analytics']]);
    expect(s[0]!.title).toBe('Purpose “aggregate-analytics” instead of “marketing”');
    expect(await denialCauses(new FixturePdp(), arun, req)).toEqual([{ label: 'purpose', value: 'marketing', allowedWith: 'aggregate-analytics' }]);
  });

  it('another tenant’s data: no narrower request helps, and the tenant is named as the cause', async () => {
    const req = await deniedRequest(event('evidence.read', 'ev-3'), store([item('ev-3', 'internal', 'audit', 'globex')]));
    expect(await suggestMinimizations(new FixturePdp(), arun, req)).toEqual([]);
    expect(await denialCauses(new FixturePdp(), arun, req)).toEqual([{ label: 'tenant', value: 'globex', allowedWith: 'acme' }]);
  });

  it('a PDP that throws suggests nothing (fail closed)', async () => {
    const broken: Pdp = { epoch: () => 1, decide: async () => Promise.reject(new Error('engine down')) };
    const req = await deniedRequest(event('evidence.export', 'ev-1'), store([item('ev-1', 'restricted')]));
    expect(await suggestMinimizations(broken, arun, req)).toEqual([]);
    expect(await denialCauses(broken, arun, req)).toEqual([]);
  });
});
