import { createHash } from 'node:crypto';
import type { ReportExport, ResidencyReport } from '../../shared/api/residency.ts';
import { canonicalJson } from '../store/audit-hash.ts';
import { csvField } from '../csv.ts';

/** The CSV's one header: every section fills the columns it has and leaves the rest empty. */
export const CSV_COLUMNS = ['section', 'resource_type', 'tenant', 'region', 'from_region', 'to_region', 'exception_id', 'day', 'status', 'count', 'detail'] as const;
type Column = (typeof CSV_COLUMNS)[number];

export { csvField };

function line(cells: Partial<Record<Column, string | number>>): string {
  return CSV_COLUMNS.map((c) => csvField(cells[c] ?? '')).join(',');
}

/**
 * The report as one CSV table (CRLF line ends, RFC 4180), section by section: inventory,
 * unpinned rows, label/pin mismatches, exceptions, violations by day and by route,
 * crossings under exceptions, and the reconciliation checks ending with its statement.
 */
export function residencyReportCsv(r: ResidencyReport): string {
  const out: string[] = [CSV_COLUMNS.join(',')];
  out.push(line({ section: 'report', day: r.at.slice(0, 10), detail: `at ${r.at}; policy epoch ${r.epoch}` }));
  for (const row of r.inventory.rows) {
    out.push(line({ section: 'inventory', resource_type: row.resourceType, tenant: row.tenant, region: row.region, count: row.total, detail: `pinned ${row.pinned}; unpinned ${row.unpinned}` }));
  }
  for (const x of r.inventory.byRegion) out.push(line({ section: 'inventory-by-region', region: x.region, count: x.count }));
  for (const x of r.inventory.byTenant) out.push(line({ section: 'inventory-by-tenant', tenant: x.tenant, count: x.count }));
  out.push(line({ section: 'inventory-total', count: r.inventory.total, detail: `unpinned ${r.inventory.unpinnedCount}` }));
  for (const u of r.inventory.unpinned) out.push(line({ section: 'unpinned', resource_type: u.resourceType, tenant: u.tenant, region: u.region, detail: u.resourceId }));
  for (const m of r.inventory.mismatches) {
    out.push(line({ section: 'pin-mismatch', resource_type: m.resourceType, tenant: m.pinTenant, region: m.pinRegion, detail: `${m.resourceId}: labels ${m.labelTenant}/${m.labelRegion}` }));
  }
  for (const e of r.exceptions) {
    out.push(
      line({
        section: 'exception',
        tenant: e.tenant,
        from_region: e.fromRegion,
        to_region: e.toRegion,
        exception_id: e.id,
        status: e.status,
        count: e.uses,
        detail: `${e.actions.join(' ')}; ${e.validFrom} to ${e.validUntil}; granted by ${e.grantedBy}${e.revokedAt ? `; revoked ${e.revokedAt} by ${e.revokedBy}` : ''}; ${e.justification}`,
      }),
    );
  }
  for (const d of r.violations.byDay) {
    out.push(line({ section: 'violations-by-day', day: d.day, status: 'denied', count: d.denied }));
    out.push(line({ section: 'violations-by-day', day: d.day, status: 'allowed', count: d.allowed }));
  }
  for (const x of r.violations.byRoute) out.push(line({ section: 'violations-by-route', tenant: x.tenant, from_region: x.fromRegion, to_region: x.toRegion, count: x.count }));
  out.push(line({ section: 'violations-total', count: r.violations.total, detail: `denied ${r.violations.denied}; allowed ${r.violations.allowed}` }));
  for (const x of r.crossingsUnderException.byException) out.push(line({ section: 'crossings-under-exception', exception_id: x.exceptionId, count: x.count }));
  for (const c of r.reconciliation.checks) out.push(line({ section: 'reconciliation', status: c.ok ? 'ok' : 'fail', detail: `${c.id}: ${c.label}: ${c.detail}` }));
  out.push(line({ section: 'reconciliation-statement', status: r.reconciliation.reconciled ? 'reconciled' : 'not reconciled', detail: r.reconciliation.statement }));
  return out.join('\r\n') + '\r\n';
}

/** Canonical JSON (RFC 8785) or CSV, named for the reference time, with the content's digest. */
export function exportResidencyReport(r: ResidencyReport, format: 'json' | 'csv'): ReportExport {
  const content = format === 'json' ? canonicalJson(r) : residencyReportCsv(r);
  const stamp = r.at.replace(/[:.]/g, '').replace(/-/g, '');
  return {
    filename: `residency-report-${stamp}.${format}`,
    mediaType: format === 'json' ? 'application/json' : 'text/csv',
    content,
    sha256: createHash('sha256').update(content, 'utf8').digest('hex'),
  };
}
