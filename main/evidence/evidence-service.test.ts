import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EvidencePage } from '../../shared/api/evidence.ts';
import { openPolicyWorkbench, type PolicyWorkbench } from '../policy/policy-workbench.ts';
import { DEMO_EVIDENCE } from '../store/demo-seed.ts';
import { createTempSqlite, type TempSqlite } from '../store/testing/temp-sqlite.ts';

const AT = '2026-11-28T12:00:00.000Z';
const ids = (p: EvidencePage) => p.items.map((i) => i.id);
const idsWhere = (pred: (e: (typeof DEMO_EVIDENCE)[number]) => boolean) => DEMO_EVIDENCE.filter(pred).map((e) => e.id);

describe('evidence.list across regions keeps only what the actor may read where it sits', () => {
  let dir: TempSqlite;
  let wb: PolicyWorkbench;
  beforeEach(async () => {
    dir = createTempSqlite();
    wb = await openPolicyWorkbench({ dataDir: dir.dataDir, now: () => new Date(AT) });
  });
  afterEach(async () => {
    await wb.close();
    dir.remove();
  });

  it('an auditor in us-west-2 sees every tenant’s us-west-2 evidence and nothing from eu-central-1', async () => {
    const page = (await wb.call('evidence.list', { limit: 100 }, 'alice')) as EvidencePage;
    expect(ids(page)).toEqual(idsWhere((e) => e.labels.region === 'us-west-2'));
    expect(page.nextAfterId).toBeNull();
  });

  it('pages through the filtered rows without gaps or repeats', async () => {
    const want = idsWhere((e) => e.labels.region === 'us-west-2');
    const got: string[] = [];
    let afterId: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = (await wb.call('evidence.list', { limit: 3, ...(afterId ? { afterId } : {}) }, 'alice')) as EvidencePage;
      got.push(...ids(page));
      if (!page.nextAfterId) break;
      expect(page.items).toHaveLength(3);
      afterId = page.nextAfterId;
    }
    expect(got).toEqual(want);
  });

  it('an exception in force opens its tenant’s source region, and only that tenant', async () => {
    await wb.call(
      'residency.grantException',
      { tenant: 'acme', fromRegion: 'eu-central-1', toRegion: 'us-west-2', validFrom: AT, validUntil: '2026-11-29T12:00:00.000Z', justification: 'EU pentest review by the US audit team' },
      'admin',
    );
    const page = (await wb.call('evidence.list', { limit: 100 }, 'alice')) as EvidencePage;
    expect(ids(page)).toEqual(idsWhere((e) => e.labels.region === 'us-west-2' || (e.labels.tenant === 'acme' && e.labels.region === 'eu-central-1')));
  });

  it('a tenant filter narrows within the same scope', async () => {
    const page = (await wb.call('evidence.list', { tenant: 'globex', limit: 100 }, 'alice')) as EvidencePage;
    expect(ids(page)).toEqual(idsWhere((e) => e.labels.tenant === 'globex' && e.labels.region === 'us-west-2'));
  });
});
