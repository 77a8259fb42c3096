import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkbenchError } from '../../shared/api/errors.ts';
import type { ReportExport, ResidencyException, ResidencyReport } from '../../shared/api/residency.ts';
import { openPolicyWorkbench, type PolicyWorkbench } from '../policy/policy-workbench.ts';
import { createTempSqlite, type TempSqlite } from '../store/testing/temp-sqlite.ts';
import { csvField, residencyReportCsv } from './report-export.ts';

const AT = '2026-11-28T12:00:00.000Z';
const err = async (p: Promise<unknown>) => (await p.catch((e: unknown) => e)) as WorkbenchError;

describe('residency report', () => {
  let dir: TempSqlite;
  let wb: PolicyWorkbench;
  let clock = AT;

  beforeEach(async () => {
    clock = AT;
    dir = createTempSqlite('wb-residency-');
    wb = await openPolicyWorkbench({ dataDir: dir.dataDir, now: () => new Date(clock) });
  });
  afterEach(async () => {
    await wb.close();
    dir.remove();
  });

  const report = async () => (await wb.call('residency.report', {}, 'admin')) as ResidencyReport;

  it('after the migration every existing row is reported unpinned, none assigned, and the report is not reconciled', async () => {
    const r = await report();
    expect(r.inventory.unpinnedCount).toBe(20);
    expect(r.inventory.unpinned.map((u) => u.resourceId)).toEqual(Array.from({ length: 20 }, (_, i) => `ev-${String(i + 1).padStart(3, '0')}`));
    expect(await wb.store.sql.get('SELECT COUNT(*) AS n FROM residency_pins')).toEqual({ n: 0 });
    expect(r.reconciliation.reconciled).toBe(false);
    expect(r.reconciliation.statement).toBe('not reconciled: every stored row is pinned to a region and tenant');
    expect(r.reconciliation.checks.find((c) => c.id === 'inventory.pinned')?.detail).toBe(
      '20 evidence rows have no pin (ev-001, ev-002, ev-003, ev-004, ev-005, ev-006, ev-007, ev-008, ev-009, ev-010 and 10 more); pin them deliberately (residency.pinUnpinned)',
    );
  });

  it('once pinned, counts by region and tenant add up and the report states "reconciled"', async () => {
    const pinned = (await wb.call('residency.pinUnpinned', {}, 'admin')) as { pinned: unknown[] };
    expect(pinned.pinned).toHaveLength(20);
    const r = await report();
    expect(r.inventory.byRegion).toEqual([
      { region: 'eu-central-1', count: 10 },
      { region: 'us-west-2', count: 10 },
    ]);
    expect(r.inventory.byTenant).toEqual([
      { tenant: 'acme', count: 10 },
      { tenant: 'globex', count: 10 },
    ]);
    expect(r.inventory.rows).toEqual([
      { resourceType: 'evidence', tenant: 'acme', region: 'eu-central-1', pinned: 2, unpinned: 0, total: 2 },
      { resourceType: 'evidence', tenant: 'acme', region: 'us-west-2', pinned: 8, unpinned: 0, total: 8 },
      { resourceType: 'evidence', tenant: 'globex', region: 'eu-central-1', pinned: 8, unpinned: 0, total: 8 },
      { resourceType: 'evidence', tenant: 'globex', region: 'us-west-2', pinned: 2, unpinned: 0, total: 2 },
    ]);
    expect(r.reconciliation).toMatchObject({ reconciled: true, statement: 'reconciled' });
    expect(r.reconciliation.checks.every((c) => c.ok)).toBe(true);
    // Pinning again finds nothing to pin; naming a pinned id is refused.
    expect(await wb.call('residency.pinUnpinned', {}, 'admin')).toEqual({ pinned: [] });
    expect((await err(wb.call('residency.pinUnpinned', { ids: ['ev-001'] }, 'admin'))).message).toBe('ids: not unpinned evidence: ev-001');
  });

  it('counts each attempted violation once, by day and route, and lists exceptions with their status and uses', async () => {
    await wb.call('residency.pinUnpinned', {}, 'admin');
    await err(wb.call('evidence.get', { id: 'ev-004' }, 'alice'));
    await err(wb.call('evidence.get', { id: 'ev-005' }, 'alice'));
    clock = '2026-11-29T09:00:00.000Z';
    await err(wb.call('evidence.get', { id: 'ev-011' }, 'greta'));
    const e = (await wb.call(
      'residency.grantException',
      { tenant: 'globex', fromRegion: 'eu-central-1', toRegion: 'us-west-2', validFrom: clock, validUntil: '2026-11-30T09:00:00.000Z', justification: 'fieldwork on globex DPIA' },
      'admin',
    )) as ResidencyException;
    await wb.call('evidence.get', { id: 'ev-005' }, 'alice');
    clock = '2026-12-01T00:00:00.000Z';
    const r = await report();
    expect(r.violations).toMatchObject({
      total: 3,
      denied: 3,
      allowed: 0,
      byDay: [
        { day: '2026-11-28', denied: 2, allowed: 0 },
        { day: '2026-11-29', denied: 1, allowed: 0 },
      ],
      byRoute: [
        { tenant: 'globex', fromRegion: 'eu-central-1', toRegion: 'us-west-2', count: 2 },
        { tenant: 'globex', fromRegion: 'us-west-2', toRegion: 'eu-central-1', count: 1 },
      ],
    });
    expect(r.violations.recent.map((v) => [v.actorId, v.resourceId, v.fromRegion, v.toRegion, v.at])).toEqual([
      ['greta', 'ev-011', 'us-west-2', 'eu-central-1', '2026-11-29T09:00:00.000Z'],
      ['alice', 'ev-005', 'eu-central-1', 'us-west-2', '2026-11-28T12:00:00.000Z'],
      ['alice', 'ev-004', 'eu-central-1', 'us-west-2', '2026-11-28T12:00:00.000Z'],
    ]);
    expect(r.exceptions.map((x) => [x.id, x.status, x.uses])).toEqual([[e.id, 'expired', 1]]);
    expect(r.crossingsUnderException).toEqual({ total: 1, byException: [{ exceptionId: e.id, count: 1 }] });
    expect(r.reconciliation.reconciled).toBe(true);
  });

  it('says "not reconciled" and names the records when the residency table and the audit trail disagree', async () => {
    await wb.call('residency.pinUnpinned', {}, 'admin');
    await err(wb.call('evidence.get', { id: 'ev-004' }, 'alice'));
    const [row] = await wb.store.sql.all<{ decision_id: string }>('SELECT decision_id FROM residency_events');
    await wb.store.sql.run('DELETE FROM residency_events');
    const r = await report();
    expect(r.reconciliation.reconciled).toBe(false);
    expect(r.reconciliation.checks.find((c) => c.id === 'violations.counted-once')).toEqual({
      id: 'violations.counted-once',
      label: 'Every attempted violation is counted once',
      ok: false,
      detail: `audit events with no residency record: ${row!.decision_id}`,
    });
    expect(r.reconciliation.statement).toBe('not reconciled: every attempted violation is counted once');
  });

  it('flags a move allowed without an exception (the residency policy was retired)', async () => {
    await wb.call('residency.pinUnpinned', {}, 'admin');
    await wb.call('policy.retire', { policyId: 'residency.cross-region', note: 'mistake' }, 'admin');
    await wb.call('evidence.get', { id: 'ev-004' }, 'alice');
    const r = await report();
    expect(r.violations).toMatchObject({ total: 1, denied: 0, allowed: 1 });
    expect(r.reconciliation.checks.find((c) => c.id === 'violations.none-allowed')).toMatchObject({ ok: false });
    expect(r.reconciliation.reconciled).toBe(false);
  });

  it('exports byte-identical JSON and CSV for the same store and reference time', async () => {
    await wb.call('residency.pinUnpinned', {}, 'admin');
    await err(wb.call('evidence.get', { id: 'ev-004' }, 'alice'));
    const a = (await wb.call('residency.exportReport', { format: 'json', at: AT }, 'admin')) as ReportExport;
    const b = (await wb.call('residency.exportReport', { format: 'json', at: AT }, 'admin')) as ReportExport;
    expect(a).toEqual(b);
    expect(a.filename).toBe('residency-report-20261128T120000000Z.json');
    expect(JSON.parse(a.content)).toEqual(await wb.call('residency.report', { at: AT }, 'admin'));
    const csv = (await wb.call('residency.exportReport', { format: 'csv', at: AT }, 'admin')) as ReportExport;
    expect(csv.mediaType).toBe('text/csv');
    const lines = csv.content.split('\r\n');
    expect(lines[0]).toBe('section,resource_type,tenant,region,from_region,to_region,exception_id,day,status,count,detail');
    expect(lines).toContain('inventory-by-region,,,eu-central-1,,,,,,10,');
    expect(lines).toContain('violations-by-route,,globex,,eu-central-1,us-west-2,,,,1,');
    expect(lines.at(-2)).toBe('reconciliation-statement,,,,,,,,reconciled,,reconciled');
    expect(lines.at(-1)).toBe('');
  });
});

describe('residencyReportCsv fields', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect([csvField('plain'), csvField('a,b'), csvField('say "hi"'), csvField('two\nlines'), csvField(3)]).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '3']);
  });
  it('has one header and ends with the statement', () => {
    const empty: ResidencyReport = {
      at: AT,
      epoch: 1,
      inventory: { rows: [], byRegion: [], byTenant: [], total: 0, unpinnedCount: 0, unpinned: [], mismatches: [] },
      exceptions: [],
      violations: { total: 0, denied: 0, allowed: 0, byDay: [], byRoute: [], recent: [] },
      crossingsUnderException: { total: 0, byException: [] },
      reconciliation: { reconciled: true, statement: 'reconciled', checks: [] },
    };
    expect(residencyReportCsv(empty)).toBe(
      [
        'section,resource_type,tenant,region,from_region,to_region,exception_id,day,status,count,detail',
        'report,,,,,,,2026-11-28,,,at 2026-11-28T12:00:00.000Z; policy epoch 1',
        'inventory-total,,,,,,,,,0,unpinned 0',
        'violations-total,,,,,,,,,0,denied 0; allowed 0',
        'reconciliation-statement,,,,,,,,reconciled,,reconciled',
        '',
      ].join('\r\n'),
    );
  });
});
