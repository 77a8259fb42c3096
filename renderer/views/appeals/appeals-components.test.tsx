import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import type { DenialContext, SlaDashboard } from '../../../shared/api/appeals.ts';
import { Minimization } from './AppealDialog.tsx';
import { AuditAppealLink } from './AuditAppealLink.tsx';
import { chartData } from './SlaDashboardView.tsx';

const CONTEXT: DenialContext = {
  denial: {
    eventId: 'ae-000013',
    eventHash: 'a'.repeat(64),
    at: '2026-11-28T09:00:00.000Z',
    actorId: 'arun',
    action: 'evidence.export',
    resourceType: 'evidence',
    resourceId: 'ev-001',
    reason: 'analysts export data up to internal; this is confidential',
    policyIds: ['export.analyst-sensitivity'],
    epoch: 5,
  },
  request: { action: 'evidence.export', resourceType: 'evidence', resourceId: 'ev-001', labels: { tenant: 'acme', sensitivity: 'confidential' } },
  appealLink: '#/appeals/new?denial=ae-000013',
  appealable: true,
  notAppealableReason: null,
  existingTicketId: null,
  causes: [{ label: 'sensitivity', value: 'confidential', allowedWith: 'public' }],
  suggestions: [
    {
      id: 'redacted-export:1',
      kind: 'redacted-export',
      title: 'A redacted export',
      description: 'Export ev-001 with every field above internal masked: the same records, no confidential values.',
      request: { action: 'evidence.export', resourceType: 'evidence', resourceId: 'ev-001', labels: { tenant: 'acme', sensitivity: 'internal' } },
      allowedBy: ['role.evidence.export'],
      epoch: 5,
    },
  ],
};

describe('appeals components', () => {
  it('the minimization section names the cause and the narrower request the policy allows', () => {
    const html = renderToStaticMarkup(<Minimization ctx={CONTEXT} />);
    expect(html).toContain('<strong>Sensitivity</strong> <span class="badge sens-confidential">confidential</span>');
    expect(html).toContain('the policy would allow this request with sensitivity <code>public</code>.');
    expect(html).toContain('<span class="pill ok">allowed now</span> <strong>A redacted export</strong>');
    expect(html).toContain('<code class="ap-label">tenant=acme</code><code class="ap-label">sensitivity=internal</code>');
    expect(html).toContain('allowed by role.evidence.export (epoch 5)');
    const none = renderToStaticMarkup(<Minimization ctx={{ ...CONTEXT, causes: [], suggestions: [] }} />);
    expect(none).toContain('No single label explains this denial');
    expect(none).toContain('data-testid="minimization-none"');
  });

  it('the audit view link goes to the ticket', () => {
    expect(renderToStaticMarkup(<AuditAppealLink ticketId="ot-0003" />)).toBe(
      '<a href="#/appeals/ot-0003" data-testid="audit-appeal-link" title="Open appeal ticket ot-0003 and its decision">ot-0003</a>',
    );
  });

  it('chart rows carry exactly the dashboard numbers', () => {
    const d: SlaDashboard = {
      at: '2026-11-28T12:00:00.000Z',
      tickets: 10,
      decided: 7,
      decidedOnTime: 6,
      onTimePercent: 85.7,
      breaches: { triage: 2, decision: 1 },
      breachesByPriority: { low: 0, normal: 1, high: 1, urgent: 0 },
      byState: { new: 1, triage: 1, pending_info: 1, decided: 7 },
      ageing: [
        { state: 'new', buckets: { '<1d': 1, '1-3d': 0, '3-7d': 0, '>7d': 0 } },
        { state: 'triage', buckets: { '<1d': 0, '1-3d': 1, '3-7d': 0, '>7d': 0 } },
        { state: 'pending_info', buckets: { '<1d': 0, '1-3d': 0, '3-7d': 0, '>7d': 1 } },
      ],
      outcomes: { upheld: 4, overturned: 1, modified: 2 },
    };
    const c = chartData(d);
    expect(c.onTime.map((s) => [s.name, s.value])).toEqual([
      ['On time', 6],
      ['Late', 1],
    ]);
    expect(c.breaches).toEqual([
      { priority: 'urgent', breached: 0 },
      { priority: 'high', breached: 1 },
      { priority: 'normal', breached: 1 },
      { priority: 'low', breached: 0 },
    ]);
    expect(c.ageing[2]).toEqual({ state: 'Waiting', '<1d': 0, '1-3d': 0, '3-7d': 0, '>7d': 1 });
  });
});
