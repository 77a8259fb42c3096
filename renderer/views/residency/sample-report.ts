import type { ResidencyReport } from '../../../shared/api/residency.ts';

/** A small report for the residency view's tests: one denied attempt, one exception, not reconciled. */
export function sampleReport(epoch = 40): ResidencyReport {
  return {
    at: '2026-11-28T12:00:00.000Z',
    epoch,
    inventory: {
      rows: [
        { resourceType: 'evidence', tenant: 'acme', region: 'us-west-2', pinned: 7, unpinned: 1, total: 8 },
        { resourceType: 'evidence', tenant: 'globex', region: 'eu-central-1', pinned: 8, unpinned: 0, total: 8 },
      ],
      byRegion: [
        { region: 'eu-central-1', count: 8 },
        { region: 'us-west-2', count: 8 },
      ],
      byTenant: [
        { tenant: 'acme', count: 8 },
        { tenant: 'globex', count: 8 },
      ],
      total: 16,
      unpinnedCount: 1,
      unpinned: [{ resourceType: 'evidence', resourceId: 'ev-001', tenant: 'acme', region: 'us-west-2' }],
      mismatches: [],
    },
    exceptions: [
      {
        id: 'rx-000001',
        tenant: 'globex',
        fromRegion: 'eu-central-1',
        toRegion: 'us-west-2',
        actions: ['data-read'],
        validFrom: '2026-11-28T00:00:00.000Z',
        validUntil: '2026-11-30T00:00:00.000Z',
        justification: 'SOC 2 fieldwork',
        grantedBy: 'admin',
        grantedAt: '2026-11-27T09:00:00.000Z',
        revokedAt: null,
        revokedBy: null,
        status: 'in-force',
        uses: 2,
      },
    ],
    violations: {
      total: 1,
      denied: 1,
      allowed: 0,
      byDay: [{ day: '2026-11-28', denied: 1, allowed: 0 }],
      byRoute: [{ tenant: 'globex', fromRegion: 'eu-central-1', toRegion: 'us-west-2', count: 1 }],
      recent: [
        {
          decisionId: 'ae-000031',
          at: '2026-11-28T11:00:00.000Z',
          actorId: 'alice',
          action: 'evidence.read',
          resourceType: 'evidence',
          resourceId: 'ev-004',
          tenant: 'globex',
          fromRegion: 'eu-central-1',
          toRegion: 'us-west-2',
          exceptionId: null,
          outcome: 'denied',
        },
      ],
    },
    crossingsUnderException: { total: 2, byException: [{ exceptionId: 'rx-000001', count: 2 }] },
    reconciliation: {
      reconciled: false,
      statement: 'not reconciled: every stored row is pinned to a region and tenant',
      checks: [
        { id: 'inventory.regions', label: 'Per-region counts sum to the inventory', ok: true, detail: '2 regions sum to 16' },
        { id: 'inventory.pinned', label: 'Every stored row is pinned to a region and tenant', ok: false, detail: '1 evidence rows have no pin (ev-001)' },
      ],
    },
  };
}
