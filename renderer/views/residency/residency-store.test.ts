import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { ResidencyClient } from './residency-client.ts';
import { createResidencyStore } from './residency-store.ts';
import { sampleReport } from './sample-report.ts';

function fakeClient(overrides: Partial<ResidencyClient['residency']> = {}) {
  const calls: string[] = [];
  let epoch = 40;
  const client: ResidencyClient = {
    $events: { subscribe: () => () => undefined },
    residency: {
      report: async () => (calls.push('report'), sampleReport(epoch)),
      exportReport: async ({ format, at }) => (
        calls.push(`export ${format} ${at}`), { filename: `residency-report.${format}`, mediaType: format === 'json' ? 'application/json' : 'text/csv', content: 'x', sha256: 'ab'.repeat(32) }
      ),
      pinUnpinned: async () => (calls.push('pin'), epoch++, { pinned: [{ resourceId: 'ev-001', tenant: 'acme', region: 'us-west-2' }] }),
      grantException: async () => {
        throw new WorkbenchError('BAD_INPUT', 'validUntil: an exception may last at most 90 days');
      },
      revokeException: async ({ id }) => (calls.push(`revoke ${id}`), epoch++, { ...sampleReport().exceptions[0]!, revokedAt: '2026-11-28T13:00:00.000Z', revokedBy: 'admin' }),
      ...overrides,
    },
  };
  return { client, calls };
}

describe('residency store', () => {
  it('loads the report and exports it as of the same reference time', async () => {
    const { client, calls } = fakeClient();
    const store = createResidencyStore(client);
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'ready', report: { epoch: 40 } });
    const file = await store.getState().exportAs('csv');
    expect(file?.filename).toBe('residency-report.csv');
    expect(calls).toEqual(['report', 'export csv 2026-11-28T12:00:00.000Z']);
    expect(store.getState().notice).toBe('Exported residency-report.csv (SHA-256 abababababababab…).');
  });

  it('pins, says how many, and reloads; a refused grant keeps the report and shows why', async () => {
    const { client, calls } = fakeClient();
    const store = createResidencyStore(client);
    await store.getState().load();
    await store.getState().pinUnpinned();
    expect(store.getState().notice).toBe('Pinned 1 row to the region and tenant their labels name.');
    expect(calls.slice(-2)).toEqual(['pin', 'report']);
    const ok = await store.getState().grantException({
      tenant: 'acme',
      fromRegion: 'us-west-2',
      toRegion: 'eu-central-1',
      validFrom: '2026-11-28T12:00:00.000Z',
      validUntil: '2027-11-28T12:00:00.000Z',
      justification: 'long enough text',
    });
    expect(ok).toBe(false);
    expect(store.getState()).toMatchObject({ status: 'ready', actionError: { code: 'BAD_INPUT', message: 'validUntil: an exception may last at most 90 days' } });
  });

  it('reloads on a newer policy.changed epoch only', async () => {
    const { client, calls } = fakeClient();
    const store = createResidencyStore(client);
    await store.getState().load();
    store.getState().notePolicyChanged(40);
    expect(calls).toEqual(['report']);
    store.getState().notePolicyChanged(41);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toEqual(['report', 'report']);
  });
});
