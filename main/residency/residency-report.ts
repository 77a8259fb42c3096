import type { ReconciliationCheck, ResidencyEvent, ResidencyException, ResidencyReport } from '../../shared/api/residency.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { exceptionStatus, listExceptions } from './exceptions.ts';
import { countUnpinnedEvidence, unpinnedEvidence } from './pins.ts';
import { listResidencyEvents } from './residency-recorder.ts';

const UNPINNED_SHOWN = 200;
const RECENT_SHOWN = 100;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

interface AuditCrossing {
  id: string;
  seq: number;
  at: string;
  decision: 'allow' | 'deny' | 'info';
  exceptionId: string | null;
}

/**
 * Crossings as the audit trail recorded them — the independent source the residency table
 * is reconciled against. The PEP's payload is canonical JSON, so `"crossing":true` appears
 * verbatim in exactly the decisions that would move data across regions.
 */
async function auditCrossings(sql: SqlClient): Promise<{ crossings: AuditCrossing[]; unreadable: string[] }> {
  const rows = await sql.all<{ id: string; seq: number; at: string; decision: AuditCrossing['decision']; payload: string }>(
    'SELECT id, seq, at, decision, payload FROM audit_events WHERE payload LIKE ? ORDER BY seq',
    ['%"crossing":true%'],
  );
  const crossings: AuditCrossing[] = [];
  const unreadable: string[] = [];
  for (const r of rows) {
    try {
      const residency = (JSON.parse(r.payload) as { residency?: { crossing?: unknown; exceptionId?: unknown } }).residency;
      if (residency?.crossing !== true) continue;
      crossings.push({ id: r.id, seq: r.seq, at: r.at, decision: r.decision, exceptionId: typeof residency.exceptionId === 'string' ? residency.exceptionId : null });
    } catch {
      unreadable.push(r.id);
    }
  }
  return { crossings, unreadable };
}

function check(id: string, label: string, problems: string[], okDetail: string): ReconciliationCheck {
  return { id, label, ok: problems.length === 0, detail: problems.length === 0 ? okDetail : problems.join('; ') };
}

function listSome(ids: readonly string[], max = 10): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`;
}

/**
 * The residency report at reference time `at`: where the data is (by the pins, or the
 * labels of rows not yet pinned), which exceptions exist and whether they are in force,
 * every attempted violation over time, and a reconciliation that states "reconciled" only
 * when every check holds. Deterministic: the same store and `at` give the same report.
 */
export async function buildResidencyReport(sql: SqlClient, at: string, epoch: number): Promise<ResidencyReport> {
  // ---- inventory ------------------------------------------------------------------------
  const evidenceRows = await sql.all<{ tenant: string; region: string; pinned: number; unpinned: number; total: number }>(
    `SELECT COALESCE(p.tenant, e.tenant) AS tenant, COALESCE(p.region, e.region) AS region,
            SUM(CASE WHEN p.resource_id IS NULL THEN 0 ELSE 1 END) AS pinned,
            SUM(CASE WHEN p.resource_id IS NULL THEN 1 ELSE 0 END) AS unpinned,
            COUNT(*) AS total
       FROM evidence e
       LEFT JOIN residency_pins p ON p.resource_type = 'evidence' AND p.resource_id = e.id
      GROUP BY COALESCE(p.tenant, e.tenant), COALESCE(p.region, e.region)`,
  );
  const otherRows = await sql.all<{ resource_type: string; tenant: string; region: string; n: number }>(
    "SELECT resource_type, tenant, region, COUNT(*) AS n FROM residency_pins WHERE resource_type <> 'evidence' GROUP BY resource_type, tenant, region",
  );
  const rows = [
    ...evidenceRows.map((r) => ({ resourceType: 'evidence', tenant: r.tenant, region: r.region, pinned: r.pinned, unpinned: r.unpinned, total: r.total })),
    ...otherRows.map((r) => ({ resourceType: r.resource_type, tenant: r.tenant, region: r.region, pinned: r.n, unpinned: 0, total: r.n })),
  ].sort((a, b) => cmp(a.resourceType, b.resourceType) || cmp(a.tenant, b.tenant) || cmp(a.region, b.region));

  const byRegionMap = new Map<string, number>();
  const byTenantMap = new Map<string, number>();
  for (const r of rows) {
    byRegionMap.set(r.region, (byRegionMap.get(r.region) ?? 0) + r.total);
    byTenantMap.set(r.tenant, (byTenantMap.get(r.tenant) ?? 0) + r.total);
  }
  const byRegion = [...byRegionMap].sort(([a], [b]) => cmp(a, b)).map(([region, count]) => ({ region, count }));
  const byTenant = [...byTenantMap].sort(([a], [b]) => cmp(a, b)).map(([tenant, count]) => ({ tenant, count }));
  const total = sum(rows.map((r) => r.total));

  // Counted independently of the grouping above, for the reconciliation.
  const evidenceCount = (await sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM evidence'))?.n ?? 0;
  const otherPinCount = (await sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM residency_pins WHERE resource_type <> 'evidence'"))?.n ?? 0;
  const unpinnedCount = await countUnpinnedEvidence(sql);
  const unpinned = await unpinnedEvidence(sql, UNPINNED_SHOWN);
  const mismatches = (
    await sql.all<{ id: string; label_tenant: string; label_region: string; pin_tenant: string; pin_region: string }>(
      `SELECT e.id, e.tenant AS label_tenant, e.region AS label_region, p.tenant AS pin_tenant, p.region AS pin_region
         FROM evidence e JOIN residency_pins p ON p.resource_type = 'evidence' AND p.resource_id = e.id
        WHERE e.tenant <> p.tenant OR e.region <> p.region ORDER BY e.id`,
    )
  ).map((r) => ({ resourceType: 'evidence', resourceId: r.id, labelTenant: r.label_tenant, labelRegion: r.label_region, pinTenant: r.pin_tenant, pinRegion: r.pin_region }));
  const orphanPins = (
    await sql.all<{ resource_id: string }>(
      `SELECT p.resource_id FROM residency_pins p LEFT JOIN evidence e ON e.id = p.resource_id
        WHERE p.resource_type = 'evidence' AND e.id IS NULL ORDER BY p.resource_id`,
    )
  ).map((r) => r.resource_id);

  // ---- exceptions and events --------------------------------------------------------------
  const exceptions: ResidencyException[] = await listExceptions(sql);
  const events: ResidencyEvent[] = await listResidencyEvents(sql);
  const violations = events.filter((e) => e.exceptionId === null);
  const underException = events.filter((e) => e.exceptionId !== null);
  const uses = new Map<string, number>();
  for (const e of underException) uses.set(e.exceptionId!, (uses.get(e.exceptionId!) ?? 0) + 1);

  const byDayMap = new Map<string, { denied: number; allowed: number }>();
  const byRouteMap = new Map<string, { tenant: string; fromRegion: string; toRegion: string; count: number }>();
  for (const v of violations) {
    const day = v.at.slice(0, 10);
    const d = byDayMap.get(day) ?? { denied: 0, allowed: 0 };
    d[v.outcome] += 1;
    byDayMap.set(day, d);
    const routeKey = JSON.stringify([v.tenant, v.fromRegion, v.toRegion]);
    const route = byRouteMap.get(routeKey) ?? { tenant: v.tenant, fromRegion: v.fromRegion, toRegion: v.toRegion, count: 0 };
    route.count += 1;
    byRouteMap.set(routeKey, route);
  }
  const byDay = [...byDayMap].sort(([a], [b]) => cmp(a, b)).map(([day, c]) => ({ day, ...c }));
  const byRoute = [...byRouteMap.values()].sort((a, b) => cmp(a.tenant, b.tenant) || cmp(a.fromRegion, b.fromRegion) || cmp(a.toRegion, b.toRegion));
  const recent = [...violations].sort((a, b) => cmp(b.at, a.at) || cmp(b.decisionId, a.decisionId)).slice(0, RECENT_SHOWN);
  const byException = [...uses].sort(([a], [b]) => cmp(a, b)).map(([exceptionId, count]) => ({ exceptionId, count }));

  // ---- reconciliation ---------------------------------------------------------------------
  const audit = await auditCrossings(sql);
  const auditById = new Map(audit.crossings.map((c) => [c.id, c]));
  const eventIds = new Set(events.map((e) => e.decisionId));
  const exceptionById = new Map(exceptions.map((e) => [e.id, e]));
  const checks: ReconciliationCheck[] = [];

  const regionProblems: string[] = [];
  if (sum(byRegion.map((r) => r.count)) !== total) regionProblems.push(`per-region counts sum to ${sum(byRegion.map((r) => r.count))}, the inventory total is ${total}`);
  if (total !== evidenceCount + otherPinCount) {
    regionProblems.push(`the inventory total ${total} differs from the stored rows counted directly (${evidenceCount} evidence + ${otherPinCount} other pinned objects)`);
  }
  checks.push(check('inventory.regions', 'Per-region counts sum to the inventory', regionProblems, `${byRegion.length} regions sum to ${total} = ${evidenceCount} evidence rows + ${otherPinCount} other pinned objects`));

  const tenantSum = sum(byTenant.map((t) => t.count));
  checks.push(
    check('inventory.tenants', 'Per-tenant counts sum to the inventory', tenantSum === total ? [] : [`per-tenant counts sum to ${tenantSum}, the inventory total is ${total}`], `${byTenant.length} tenants sum to ${total}`),
  );
  checks.push(
    check(
      'inventory.pinned',
      'Every stored row is pinned to a region and tenant',
      unpinnedCount === 0 ? [] : [`${unpinnedCount} evidence rows have no pin (${listSome(unpinned.map((u) => u.resourceId))}); pin them deliberately (residency.pinUnpinned)`],
      'no unpinned rows',
    ),
  );
  checks.push(
    check(
      'inventory.labels-match-pins',
      "Every row's labels agree with its pin",
      mismatches.map((m) => `${m.resourceId}: labels ${m.labelTenant}/${m.labelRegion}, pin ${m.pinTenant}/${m.pinRegion}`),
      'labels and pins agree',
    ),
  );
  checks.push(check('inventory.pins-resolve', 'Every evidence pin refers to a stored row', orphanPins.length ? [`pins without a row: ${listSome(orphanPins)}`] : [], 'no orphan pins'));

  const countProblems: string[] = [];
  const dayTotal = sum(byDay.map((d) => d.denied + d.allowed));
  if (dayTotal !== violations.length) countProblems.push(`violations over time sum to ${dayTotal}, the table holds ${violations.length}`);
  const auditViolations = audit.crossings.filter((c) => c.exceptionId === null);
  const missingFromTable = auditViolations.filter((c) => !eventIds.has(c.id)).map((c) => c.id);
  const missingFromAudit = violations.filter((v) => !auditById.has(v.decisionId)).map((v) => v.decisionId);
  if (missingFromTable.length) countProblems.push(`audit events with no residency record: ${listSome(missingFromTable)}`);
  if (missingFromAudit.length) countProblems.push(`residency records with no matching audit event: ${listSome(missingFromAudit)}`);
  if (audit.unreadable.length) countProblems.push(`audit events whose payload cannot be read: ${listSome(audit.unreadable)}`);
  checks.push(
    check(
      'violations.counted-once',
      'Every attempted violation is counted once',
      countProblems,
      `${violations.length} attempted violations, each matching exactly one audit event (${auditViolations.length} in the audit trail)`,
    ),
  );

  const outcomeProblems = events
    .filter((e) => {
      const a = auditById.get(e.decisionId);
      return a !== undefined && (a.decision === 'allow') !== (e.outcome === 'allowed');
    })
    .map((e) => `${e.decisionId}: recorded ${e.outcome}, audited ${auditById.get(e.decisionId)!.decision}`);
  checks.push(check('violations.outcomes-match-audit', 'Recorded outcomes match the audit trail', outcomeProblems, `${events.length} crossing records agree with their audit events`));

  const allowedViolations = violations.filter((v) => v.outcome === 'allowed').map((v) => v.decisionId);
  checks.push(
    check(
      'violations.none-allowed',
      'No data left its region without a recorded exception',
      allowedViolations.length ? [`moves allowed without an exception: ${listSome(allowedViolations)}`] : [],
      'every move across regions was denied or covered by an exception',
    ),
  );

  // A revocation and a decision can share a millisecond: the audit sequence says which came first.
  const revokedAtSeq = new Map(
    (
      await sql.all<{ resource_id: string; seq: number }>("SELECT resource_id, seq FROM audit_events WHERE action = 'residency.exception.revoked' ORDER BY seq")
    ).map((r) => [r.resource_id, r.seq]),
  );
  const exceptionProblems: string[] = [];
  for (const e of underException) {
    const ex = exceptionById.get(e.exceptionId!);
    if (!ex) {
      exceptionProblems.push(`${e.decisionId} refers to exception ${e.exceptionId}, which the report does not list`);
      continue;
    }
    if (e.outcome !== 'allowed') continue;
    const seq = auditById.get(e.decisionId)?.seq;
    const revokedSeq = revokedAtSeq.get(ex.id);
    const inWindow = ex.validFrom <= e.at && e.at < ex.validUntil;
    const beforeRevocation = ex.revokedAt === null || e.at < ex.revokedAt || (e.at === ex.revokedAt && seq !== undefined && revokedSeq !== undefined && seq < revokedSeq);
    if (!inWindow || !beforeRevocation) exceptionProblems.push(`${e.decisionId} at ${e.at} used ${ex.id}, which was not in force then`);
  }
  const auditUnder = audit.crossings.filter((c) => c.exceptionId !== null);
  if (auditUnder.length !== underException.length) {
    exceptionProblems.push(`${auditUnder.length} audit events cite an exception, the residency table holds ${underException.length}`);
  }
  checks.push(
    check(
      'exceptions.referenced',
      'Every crossing under an exception refers to a listed exception in force',
      exceptionProblems,
      `${underException.length} crossings refer to ${byException.length} listed exceptions`,
    ),
  );

  const failing = checks.filter((c) => !c.ok);
  return {
    at,
    epoch,
    inventory: { rows, byRegion, byTenant, total, unpinnedCount, unpinned, mismatches },
    exceptions: exceptions.map((e) => ({ ...e, status: exceptionStatus(e, at), uses: uses.get(e.id) ?? 0 })),
    violations: { total: violations.length, denied: violations.length - allowedViolations.length, allowed: allowedViolations.length, byDay, byRoute, recent },
    crossingsUnderException: { total: underException.length, byException },
    reconciliation: {
      reconciled: failing.length === 0,
      statement: failing.length === 0 ? 'reconciled' : `not reconciled: ${failing.map((c) => c.label.toLowerCase()).join('; ')}`,
      checks,
    },
  };
}
