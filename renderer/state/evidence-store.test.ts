import { describe, expect, it } from 'vitest';
import type { WorkbenchClient } from '../../shared/api/client.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { EvidenceItem } from '../../shared/domain/evidence.ts';
import { EVIDENCE_PAGE, createEvidenceStore } from './evidence-store.ts';

const item = (n: number, tenant = 'acme'): EvidenceItem => ({
  id: `ev-${String(n).padStart(3, '0')}`,
  title: `Item ${n}`,
  kind: 'sbom',
  labels: { tenant, region: 'us-west-2', sensitivity: 'internal', purpose: 'audit' },
  sha256: null,
  createdAt: '2026-11-02T10:00:00.000Z',
});

function fake(total: number, denyAllTenants = false) {
  const all = Array.from({ length: total }, (_, i) => item(i + 1));
  const queries: unknown[] = [];
  const client = {
    evidence: {
      list: async (q: { tenant?: string; afterId?: string; limit: number }) => {
        queries.push(q);
        if (denyAllTenants && !q.tenant) throw new WorkbenchError('DENIED', 'denied: tenant *', { reason: 'tenant *' });
        const rest = all.filter((e) => !q.afterId || e.id > q.afterId);
        const items = rest.slice(0, q.limit);
        return { items, nextAfterId: rest.length > q.limit ? items.at(-1)!.id : null };
      },
    },
  } as unknown as WorkbenchClient;
  return { client, queries };
}

describe('evidence store', () => {
  it('loads a page, then the next one from the cursor', async () => {
    const { client, queries } = fake(EVIDENCE_PAGE + 3);
    const store = createEvidenceStore(client);
    await store.getState().load();
    expect(store.getState().items).toHaveLength(EVIDENCE_PAGE);
    expect(store.getState().nextAfterId).toBe(`ev-0${EVIDENCE_PAGE}`);
    await store.getState().loadMore();
    expect(store.getState().items).toHaveLength(EVIDENCE_PAGE + 3);
    expect(store.getState().nextAfterId).toBeNull();
    expect(queries).toEqual([{ limit: EVIDENCE_PAGE }, { limit: EVIDENCE_PAGE, afterId: `ev-0${EVIDENCE_PAGE}` }]);
  });

  it('sends only the filters that are set, and shows a denial as a typed error with no rows', async () => {
    const { client, queries } = fake(3, true);
    const store = createEvidenceStore(client);
    await store.getState().load();
    expect(store.getState().status).toBe('error');
    expect(store.getState().error?.code).toBe('DENIED');
    expect(store.getState().items).toEqual([]);
    await store.getState().load({ tenant: 'acme', region: '' });
    expect(store.getState().status).toBe('ready');
    expect(store.getState().filter).toEqual({ tenant: 'acme', region: '' });
    expect(queries.at(-1)).toEqual({ limit: EVIDENCE_PAGE, tenant: 'acme' });
  });
});
