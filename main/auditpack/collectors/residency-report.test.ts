import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import canonicalize from 'canonicalize';
import type { ReportExport, ResidencyReport } from '../../../shared/api/residency.ts';
import { openPolicyWorkbench, type PolicyWorkbench } from '../../policy/policy-workbench.ts';
import { createTempSqlite, type TempSqlite } from '../../store/testing/temp-sqlite.ts';
import type { CollectContext, Collected } from '../pack-file.ts';
import { testCollectContext } from '../testing/collect-context.ts';
import { residencyReportCollector } from './residency-report.ts';

const AT = '2026-12-01T00:00:00.000Z';
const ignore = async (p: Promise<unknown>) => p.catch(() => undefined);

const text = (c: Collected, path: string) => {
  const f = c.files.find((x) => x.path === path);
  if (!f || !Buffer.isBuffer(f.data)) throw new Error(`no in-memory file ${path}`);
  return f.data.toString('utf8');
};

describe('residencyReportCollector', () => {
  let tmp: TempSqlite;
  let wb: PolicyWorkbench;
  let clock = '2026-11-28T12:00:00.000Z';
  let ctx: CollectContext;

  beforeEach(async () => {
    clock = '2026-11-28T12:00:00.000Z';
    tmp = createTempSqlite('wb-ap-residency-');
    wb = await openPolicyWorkbench({ dataDir: tmp.dataDir, now: () => new Date(clock) });
    ctx = testCollectContext(wb.store, tmp.dataDir, { from: new Date('2025-12-01T00:00:00.000Z'), to: new Date(AT) });
  });
  afterEach(async () => {
    await wb.close();
    tmp.remove();
  });

  it('writes the real report as canonical JSON and the product CSV, with reconciliation facts and a violations chart', async () => {
    await wb.call('residency.pinUnpinned', {}, 'admin');
    await ignore(wb.call('evidence.get', { id: 'ev-004' }, 'alice'));
    await ignore(wb.call('evidence.get', { id: 'ev-005' }, 'alice'));
    clock = '2026-11-30T09:00:00.000Z';
    await ignore(wb.call('evidence.get', { id: 'ev-011' }, 'greta'));

    const c = await residencyReportCollector.collect(ctx);
    const report = (await wb.call('residency.report', { at: AT }, 'admin')) as ResidencyReport;
    const csv = (await wb.call('residency.exportReport', { format: 'csv', at: AT }, 'admin')) as ReportExport;

    expect(c.files.map((f) => [f.path, f.section, f.mediaType, f.records, f.asOf])).toEqual([
      ['residency/residency-report.csv', 'residency', 'text/csv', csv.content.split('\r\n').length - 2, AT],
      ['residency/residency-report.json', 'residency', 'application/json', 4, AT],
    ]);
    expect(text(c, 'residency/residency-report.json')).toBe(canonicalize(report) + '\n');
    expect(text(c, 'residency/residency-report.csv')).toBe(csv.content);
    expect(c.facts).toEqual({
      'residency.reconciled': true,
      'residency.statement': 'reconciled',
      'residency.failedChecks': '',
      'residency.epoch': report.epoch,
      'residency.inventoryTotal': 20,
      'residency.unpinned': 0,
      'residency.mismatches': 0,
      'residency.regions': 2,
      'residency.exceptions': 0,
      'residency.exceptionsInForce': 0,
      'residency.violations': 3,
      'residency.violationsDenied': 3,
      'residency.violationsAllowed': 0,
      'residency.violationsInPeriod': 3,
      'residency.crossingsUnderException': 0,
    });
    expect(c.charts).toEqual([
      {
        id: 'residency.violationsPerDay',
        title: 'Attempted residency violations per day',
        unit: 'attempts',
        points: [
          { label: '2026-11-28', value: 2 },
          { label: '2026-11-29', value: 0 },
          { label: '2026-11-30', value: 1 },
        ],
      },
    ]);

    const again = await residencyReportCollector.collect(ctx);
    expect(again.files.map((f) => f.data)).toEqual(c.files.map((f) => f.data));
  });

  it('states "not reconciled" and which checks fail on a store whose rows were never pinned', async () => {
    const c = await residencyReportCollector.collect({ ...ctx, from: new Date('2026-11-29T00:00:00.000Z') });
    expect(c.facts).toMatchObject({
      'residency.reconciled': false,
      'residency.statement': 'not reconciled: every stored row is pinned to a region and tenant',
      'residency.failedChecks': 'inventory.pinned',
      'residency.unpinned': 20,
      'residency.violations': 0,
      'residency.violationsInPeriod': 0,
    });
    expect(c.charts?.[0]?.points).toEqual([]);
  });

  it('narrows the chart to the period while the report stays whole', async () => {
    await wb.call('residency.pinUnpinned', {}, 'admin');
    await ignore(wb.call('evidence.get', { id: 'ev-004' }, 'alice'));
    clock = '2026-11-30T09:00:00.000Z';
    await ignore(wb.call('evidence.get', { id: 'ev-011' }, 'greta'));
    const c = await residencyReportCollector.collect({ ...ctx, from: new Date('2026-11-29T00:00:00.000Z') });
    expect(c.charts?.[0]?.points).toEqual([{ label: '2026-11-30', value: 1 }]);
    expect(c.facts['residency.violations']).toBe(2);
    expect(c.facts['residency.violationsInPeriod']).toBe(1);
  });
});
