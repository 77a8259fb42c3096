import canonicalize from 'canonicalize';
import type { ResidencyReport } from '../../../shared/api/residency.ts';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import { readEpoch } from '../../policy/policy-store.ts';
import { residencyReportCsv } from '../../residency/report-export.ts';
import { buildResidencyReport } from '../../residency/residency-report.ts';
import type { ChartSeries, CollectContext, Collected, Collector } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';

const DAY_MS = 86_400_000;

/**
 * Attempted violations (denied + allowed without an exception) per UTC day of the period (the
 * report counts by day, so a period's first and last day count whole), quiet days as zero.
 */
export function violationsPerDay(report: ResidencyReport, from: Date, to: Date): ChartSeries {
  const counts = new Map(report.violations.byDay.map((d) => [d.day, d.denied + d.allowed]));
  const points: ChartSeries['points'] = [];
  const inPeriod = [...counts.keys()].filter((day) => day >= from.toISOString().slice(0, 10) && Date.parse(`${day}T00:00:00.000Z`) < to.getTime()).sort();
  if (inPeriod.length) {
    for (let t = Date.parse(`${inPeriod[0]}T00:00:00.000Z`); t <= Date.parse(`${inPeriod[inPeriod.length - 1]}T00:00:00.000Z`); t += DAY_MS) {
      const day = new Date(t).toISOString().slice(0, 10);
      points.push({ label: day, value: counts.get(day) ?? 0 });
    }
  }
  return { id: 'residency.violationsPerDay', title: 'Attempted residency violations per day', unit: 'attempts', points };
}

/**
 * residency: the real residency report (main/residency/residency-report.ts) as of ctx.at, as
 * canonical JSON and as the product's CSV export. The report covers the whole store, as the
 * Residency view shows it; the period narrows only the facts and the chart.
 */
export const residencyReportCollector: Collector = {
  section: 'residency',
  async collect(ctx: CollectContext): Promise<Collected> {
    if (ctx.signal?.aborted) throw new WorkbenchError('CANCELLED', 'audit pack build cancelled while collecting the residency report');
    const at = ctx.at.toISOString();
    const { epoch } = await readEpoch(ctx.store.sql);
    const report = await buildResidencyReport(ctx.store.sql, at, epoch);
    const chart = violationsPerDay(report, ctx.from, ctx.to);
    // The inventory and exception statuses are a snapshot taken at `at`: the evidence is as of `at` itself.
    const asOf = report.at;
    const csvRows = residencyReportCsv(report);
    const failing = report.reconciliation.checks.filter((c) => !c.ok).map((c) => c.id);
    return {
      files: [
        {
          path: PACK_PATHS.residencyReportCsv,
          section: 'residency',
          title: 'Residency report (CSV)',
          mediaType: 'text/csv',
          data: Buffer.from(csvRows, 'utf8'),
          // Data rows, not counting the header.
          records: csvRows.split('\r\n').length - 2,
          asOf,
        },
        {
          path: PACK_PATHS.residencyReportJson,
          section: 'residency',
          title: 'Residency report: inventory, exceptions, attempted violations, reconciliation',
          mediaType: 'application/json',
          data: Buffer.from(canonicalize(report)! + '\n', 'utf8'),
          records: report.inventory.rows.length,
          asOf,
        },
      ],
      facts: {
        'residency.reconciled': report.reconciliation.reconciled,
        'residency.statement': report.reconciliation.statement,
        'residency.failedChecks': failing.length ? failing.join(' ') : '',
        'residency.epoch': report.epoch,
        'residency.inventoryTotal': report.inventory.total,
        'residency.unpinned': report.inventory.unpinnedCount,
        'residency.mismatches': report.inventory.mismatches.length,
        'residency.regions': report.inventory.byRegion.length,
        'residency.exceptions': report.exceptions.length,
        'residency.exceptionsInForce': report.exceptions.filter((e) => e.status === 'in-force').length,
        'residency.violations': report.violations.total,
        'residency.violationsDenied': report.violations.denied,
        'residency.violationsAllowed': report.violations.allowed,
        'residency.violationsInPeriod': chart.points.reduce((s, p) => s + p.value, 0),
        'residency.crossingsUnderException': report.crossingsUnderException.total,
      },
      charts: [chart],
    };
  },
};
