import canonicalize from 'canonicalize';
import { WorkbenchError } from '../../../shared/api/errors.ts';
import type { TimelineEntry } from '../../../shared/api/appeals.ts';
import type { AuditEvent } from '../../../shared/domain/audit.ts';
import { APPEALS_RESOURCES } from '../../appeals/appeals-actions.ts';
import { aggregateDashboard, ticketFromTimeline, type DashboardTicket } from '../../appeals/sla-dashboard.ts';
import { derivedTimeline, timelinesFromAudit } from '../../appeals/ticket-timeline.ts';
import { PROPAGATION_GOAL_P99_MS, PROPAGATION_MEASUREMENT } from '../../assurance/chaos/propagation-measurement.ts';
import { AUDIT_COLUMNS, toAuditEvent, type AuditRow } from '../../store/row-mappers.ts';
import type { ChartSeries, CollectContext, Collected, Collector, PackFile } from '../pack-file.ts';
import { PACK_PATHS } from '../pack-paths.ts';
import { recordedRuns } from './chaos-runs.ts';

export const APPEALS_SLA_TYPE = 'compliance-workbench.slo-appeals-sla.v1';
export const PROPAGATION_TYPE = 'compliance-workbench.slo-propagation.v1';
export const REDACTION_THROUGHPUT_TYPE = 'compliance-workbench.slo-redaction-throughput.v1';

const DAY = 86_400_000;
const json = (doc: unknown) => Buffer.from(canonicalize(doc)! + '\n', 'utf8');
const round = (n: number, places = 1) => Math.round(n * 10 ** places) / 10 ** places;
const maxIso = (values: Iterable<string | null | undefined>): string | null => {
  let m: string | null = null;
  for (const v of values) if (v && (m === null || v > m)) m = v;
  return m;
};

/** ISO-8601 week of a UTC instant: its label (2026-W48) and the Monday it starts on. */
export function isoWeek(iso: string): { week: string; weekStart: string } {
  const d = new Date(Date.parse(iso));
  const day = (d.getUTCDay() + 6) % 7; // Monday 0
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - day * DAY;
  const thursday = new Date(monday + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return { week: `${year}-W${String(week).padStart(2, '0')}`, weekStart: new Date(monday).toISOString().slice(0, 10) };
}

/** Every ticket's SLA clock as of `at`, from its audit-trail timeline (or, for tickets older than the appeals service, one derived from its row). */
async function ticketClocks(ctx: CollectContext): Promise<Array<DashboardTicket & { ticketId: string; triageBreachedAt: string | null; decisionBreachedAt: string | null; derived: boolean }>> {
  const at = ctx.at.toISOString();
  const events: AuditEvent[] = [];
  let after = 0;
  for (;;) {
    const rows = await ctx.store.sql.all<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE resource_type = ? AND seq > ? AND at <= ? ORDER BY seq LIMIT 5000`, [
      APPEALS_RESOURCES.ticket,
      after,
      at,
    ]);
    events.push(...rows.map(toAuditEvent));
    if (rows.length < 5000) break;
    after = rows.at(-1)!.seq;
  }
  const timelines = new Map([...timelinesFromAudit(events)].filter(([, t]) => t.some((e) => e.kind === 'opened')));
  const older = await ctx.store.sql.all<{ id: string }>('SELECT id FROM ombuds_ticket WHERE created_at <= ? ORDER BY id', [at]);
  for (const { id } of older) {
    if (timelines.has(id)) continue;
    const ticket = await ctx.store.getTicket(id);
    if (ticket) timelines.set(id, derivedTimeline(ticket).filter((e) => e.at <= at));
  }
  const out = [];
  for (const [ticketId, timeline] of [...timelines].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const entries: TimelineEntry[] = timeline.filter((e) => Date.parse(e.at) <= ctx.at.getTime());
    if (!entries.some((e) => e.kind === 'opened')) continue;
    const { ticket, sla } = ticketFromTimeline(entries, at);
    out.push({ ticketId, derived: entries[0]!.derived, ...ticket, triageBreachedAt: sla.triage.breachedAt, decisionBreachedAt: sla.decision.breachedAt });
  }
  return out;
}

async function appealsSla(ctx: CollectContext): Promise<{ file: PackFile; chart: ChartSeries; facts: Collected['facts'] }> {
  const at = ctx.at.toISOString();
  const inPeriod = (iso: string | null) => iso !== null && Date.parse(iso) >= ctx.from.getTime() && Date.parse(iso) < ctx.to.getTime() && Date.parse(iso) <= ctx.at.getTime();
  const tickets = await ticketClocks(ctx);
  const decidedInPeriod = tickets.filter((t) => t.state === 'decided' && inPeriod(t.decisionCompletedAt));
  const onTime = (t: (typeof tickets)[number]) => t.triageBreachedAt === null && t.decisionBreachedAt === null;
  const weeks = new Map<string, { week: string; weekStart: string; decided: number; onTime: number }>();
  for (const t of decidedInPeriod) {
    const w = isoWeek(t.decisionCompletedAt!);
    const row = weeks.get(w.week) ?? { ...w, decided: 0, onTime: 0 };
    row.decided += 1;
    if (onTime(t)) row.onTime += 1;
    weeks.set(w.week, row);
  }
  const weekly = [...weeks.values()]
    .sort((a, b) => (a.weekStart < b.weekStart ? -1 : 1))
    .map((w) => ({ ...w, onTimePercent: round((w.onTime / w.decided) * 100) }));
  const decidedOnTime = decidedInPeriod.filter(onTime).length;
  const breaches = {
    triage: tickets.filter((t) => inPeriod(t.triageBreachedAt)).length,
    decision: tickets.filter((t) => inPeriod(t.decisionBreachedAt)).length,
  };
  const onTimePercent = decidedInPeriod.length === 0 ? null : round((decidedOnTime / decidedInPeriod.length) * 100);
  const doc = {
    type: APPEALS_SLA_TYPE,
    org: ctx.org,
    period: { from: ctx.from.toISOString(), to: ctx.to.toISOString() },
    at,
    source:
      'SLA clocks recomputed as of `at` from the appeals.ticket.* audit events (sla-clock); tickets older than the appeals service use a timeline derived from their row (counted in derivedTickets)',
    status: decidedInPeriod.length === 0 ? 'no appeal decided in the period' : `${decidedInPeriod.length} appeals decided in the period, ${onTimePercent}% within SLA`,
    inPeriod: { decided: decidedInPeriod.length, decidedOnTime, onTimePercent, breaches },
    weekly,
    asOf: aggregateDashboard(tickets, at),
    derivedTickets: tickets.filter((t) => t.derived).length,
    breachedTickets: tickets
      .filter((t) => inPeriod(t.triageBreachedAt) || inPeriod(t.decisionBreachedAt))
      .map((t) => ({ ticketId: t.ticketId, priority: t.priority, state: t.state, triageBreachedAt: t.triageBreachedAt, decisionBreachedAt: t.decisionBreachedAt })),
  };
  const asOf = maxIso(tickets.flatMap((t) => [t.createdAt, t.triageCompletedAt, t.decisionCompletedAt]).filter((x) => x === null || x <= at));
  return {
    file: {
      path: PACK_PATHS.sloAppeals,
      section: 'slo',
      title: 'SLO: appeals decided within SLA',
      mediaType: 'application/json',
      data: json(doc),
      records: tickets.length,
      ...(asOf ? { asOf } : {}),
    },
    chart: { id: 'slo.appeals.onTimeWeekly', title: 'Appeals decided within SLA, per week', unit: '%', points: weekly.map((w) => ({ label: w.week, value: w.onTimePercent })) },
    facts: { 'slo.appeals.decided': decidedInPeriod.length, 'slo.appeals.onTimePercent': onTimePercent, 'slo.appeals.breaches': breaches.triage + breaches.decision },
  };
}

async function propagation(ctx: CollectContext): Promise<{ file: PackFile; chart: ChartSeries; facts: Collected['facts'] }> {
  const runs = await recordedRuns(ctx, 'measurement', PROPAGATION_MEASUREMENT);
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const measurements = runs.map((r) => {
    const f = r.details.figures;
    const setups = (['sqlite', 'postgres'] as const)
      .filter((s) => num(f[`${s}.trials`]) !== null)
      .map((s) => ({
        setup: s === 'sqlite' ? 'sqlite-one-process' : 'postgres-two-instances',
        trials: num(f[`${s}.trials`]),
        p50Ms: num(f[`${s}.p50Ms`]),
        p99Ms: num(f[`${s}.p99Ms`]),
        maxMs: num(f[`${s}.maxMs`]),
        staleDecisions: num(f[`${s}.staleDecisions`]),
      }));
    const p99 = setups.map((s) => s.p99Ms).filter((v): v is number => v !== null);
    const worstP99Ms = p99.length ? Math.max(...p99) : null;
    return {
      runId: r.id,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      outcome: r.outcome,
      setups,
      worstP99Ms,
      goalMet: worstP99Ms !== null && worstP99Ms < PROPAGATION_GOAL_P99_MS && setups.every((s) => s.setup !== 'sqlite-one-process' || s.staleDecisions === 0),
    };
  });
  const latest = measurements[0] ?? null;
  const doc = {
    type: PROPAGATION_TYPE,
    org: ctx.org,
    period: { from: ctx.from.toISOString(), to: ctx.to.toISOString() },
    at: ctx.at.toISOString(),
    goal: { p99Ms: PROPAGATION_GOAL_P99_MS, staleDecisionsInOneProcess: 0 },
    status: latest === null ? 'no measurement recorded in the period' : latest.goalMet ? 'goal met by the latest measurement' : 'goal not met by the latest measurement',
    latest,
    measurements,
  };
  const chronological = [...measurements].reverse();
  return {
    file: {
      path: PACK_PATHS.sloPropagation,
      section: 'slo',
      title: 'SLO: revocation propagation (p99 < 250 ms)',
      mediaType: 'application/json',
      data: json(doc),
      records: measurements.length,
      ...(latest ? { asOf: latest.finishedAt } : {}),
    },
    chart: {
      id: 'slo.propagation.p99',
      title: 'Revocation propagation p99 per measurement',
      unit: 'ms',
      points: chronological.filter((m) => m.worstP99Ms !== null).map((m) => ({ label: m.startedAt.slice(0, 10), value: m.worstP99Ms! })),
    },
    facts: {
      'slo.propagation.measurements': measurements.length,
      'slo.propagation.p99Ms': latest?.worstP99Ms ?? null,
      'slo.propagation.goalMet': latest === null ? null : latest.goalMet,
    },
  };
}

async function redactionThroughput(ctx: CollectContext): Promise<{ file: PackFile; facts: Collected['facts'] }> {
  const at = ctx.at.toISOString();
  const rows = await ctx.store.sql.all<{ job_id: string; batches: number; vectors: number; first_at: string; last_at: string }>(
    `SELECT r.job_id, count(*) AS batches, sum(r.count) AS vectors, min(a.at) AS first_at, max(a.at) AS last_at
     FROM redaction_receipts r JOIN audit_events a ON a.id = r.audit_event_id
     WHERE a.at >= ? AND a.at < ? AND a.at <= ? GROUP BY r.job_id ORDER BY r.job_id`,
    [ctx.from.toISOString(), ctx.to.toISOString(), at],
  );
  const jobs = [];
  for (const r of rows) {
    const job = await ctx.store.sql.get<{ state: string; total: number; batch_count: number; created_at: string; grace_until: string }>(
      'SELECT state, total, batch_count, created_at, grace_until FROM redaction_jobs WHERE id = ?',
      [r.job_id],
    );
    // The purge starts when the grace window ends; the span to the last receipt includes any pause.
    const start = job ? maxIso([job.created_at, job.grace_until])! : r.first_at;
    const seconds = (Date.parse(r.last_at) - Date.parse(start)) / 1000;
    const vectors = Number(r.vectors);
    jobs.push({
      jobId: r.job_id,
      state: job?.state ?? null,
      plannedVectors: job ? Number(job.total) : null,
      plannedBatches: job ? Number(job.batch_count) : null,
      receiptedBatches: Number(r.batches),
      receiptedVectors: vectors,
      purgeStartedAt: start,
      firstReceiptAt: r.first_at,
      lastReceiptAt: r.last_at,
      seconds: round(seconds, 3),
      vectorsPerSecond: seconds > 0 ? round(vectors / seconds) : null,
      note: seconds > 0 ? null : 'receipt times do not span an interval (all receipts at the purge start, e.g. a run with a fixed clock): no rate',
    });
  }
  const rates = jobs.map((j) => j.vectorsPerSecond).filter((v): v is number => v !== null).sort((a, b) => a - b);
  const median = rates.length === 0 ? null : rates.length % 2 ? rates[(rates.length - 1) / 2]! : round((rates[rates.length / 2 - 1]! + rates[rates.length / 2]!) / 2);
  const doc = {
    type: REDACTION_THROUGHPUT_TYPE,
    org: ctx.org,
    period: { from: ctx.from.toISOString(), to: ctx.to.toISOString() },
    at,
    method: 'per job: receipted vectors / seconds from the purge start (end of the grace window) to the last receipt, receipt times from their audit events',
    status: jobs.length === 0 ? 'no redaction job receipted in the period' : `${jobs.length} redaction job${jobs.length === 1 ? '' : 's'} receipted in the period`,
    medianVectorsPerSecond: median,
    jobs,
  };
  const asOf = maxIso(jobs.map((j) => j.lastReceiptAt));
  return {
    file: {
      path: PACK_PATHS.sloRedaction,
      section: 'slo',
      title: 'SLO: redaction throughput per job',
      mediaType: 'application/json',
      data: json(doc),
      records: jobs.length,
      ...(asOf ? { asOf } : {}),
    },
    facts: { 'slo.redaction.jobs': jobs.length, 'slo.redaction.vectorsPerSecondMedian': median },
  };
}

/**
 * slo: appeals SLA compliance recomputed from the store as of `at`, the recorded revocation
 * propagation measurements against their goal, and redaction throughput per job from its
 * receipts. Missing evidence is said in each file's `status`, never filled in.
 */
export const sloEvidenceCollector: Collector = {
  section: 'slo',
  async collect(ctx: CollectContext): Promise<Collected> {
    const cancelled = () => new WorkbenchError('CANCELLED', 'audit pack build cancelled while collecting SLO evidence');
    if (ctx.signal?.aborted) throw cancelled();
    ctx.progress?.('SLO: appeals SLA');
    const appeals = await appealsSla(ctx);
    if (ctx.signal?.aborted) throw cancelled();
    ctx.progress?.('SLO: propagation');
    const prop = await propagation(ctx);
    if (ctx.signal?.aborted) throw cancelled();
    ctx.progress?.('SLO: redaction throughput');
    const redaction = await redactionThroughput(ctx);
    return {
      files: [appeals.file, prop.file, redaction.file],
      facts: { ...appeals.facts, ...prop.facts, ...redaction.facts },
      charts: [appeals.chart, prop.chart],
    };
  },
};
