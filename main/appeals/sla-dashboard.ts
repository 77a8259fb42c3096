import type { AGEING_BUCKETS, SlaDashboard, SlaStatus, TicketPriority, TimelineEntry } from '../../shared/api/appeals.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';
import type { AppealOutcome } from '../../shared/domain/decision-artifact.ts';
import type { TicketState } from '../../shared/domain/tickets.ts';
import { computeSla } from './sla-clock.ts';
import { TRANSITION_KINDS, clockInputFromTimeline, timelinesFromAudit } from './ticket-timeline.ts';

/** What the dashboard needs of one ticket: its state, when it opened, and its two milestones. */
export interface DashboardTicket {
  state: TicketState;
  priority: TicketPriority;
  createdAt: string;
  triageDueAt: string | null;
  triageCompletedAt: string | null;
  decisionDueAt: string | null;
  decisionCompletedAt: string | null;
  outcome: AppealOutcome | null;
}

const DAY = 86_400_000;

/** computeSla's breach rule on the stored due and completion times. */
function breached(dueAt: string | null, completedAt: string | null, now: string): boolean {
  return dueAt !== null && Date.parse(dueAt) < Date.parse(completedAt ?? now);
}

function bucketOf(ageMs: number): (typeof AGEING_BUCKETS)[number] {
  if (ageMs < DAY) return '<1d';
  if (ageMs < 3 * DAY) return '1-3d';
  if (ageMs < 7 * DAY) return '3-7d';
  return '>7d';
}

/**
 * The SLA dashboard from per-ticket clock facts. One function for both sources — the
 * service's clock cache and a replay of the audit trail — so "the dashboard equals what the
 * audit events say" is a comparison of two inputs, not of two implementations.
 */
export function aggregateDashboard(tickets: Iterable<DashboardTicket>, now: string): SlaDashboard {
  const d: SlaDashboard = {
    at: now,
    tickets: 0,
    decided: 0,
    decidedOnTime: 0,
    onTimePercent: null,
    breaches: { triage: 0, decision: 0 },
    breachesByPriority: { low: 0, normal: 0, high: 0, urgent: 0 },
    byState: { new: 0, triage: 0, pending_info: 0, decided: 0 },
    ageing: (['new', 'triage', 'pending_info'] as const).map((state) => ({ state, buckets: { '<1d': 0, '1-3d': 0, '3-7d': 0, '>7d': 0 } })),
    outcomes: { upheld: 0, overturned: 0, modified: 0 },
  };
  const nowMs = Date.parse(now);
  for (const t of tickets) {
    d.tickets += 1;
    d.byState[t.state] += 1;
    const triageLate = breached(t.triageDueAt, t.triageCompletedAt, now);
    const decisionLate = breached(t.decisionDueAt, t.decisionCompletedAt, now);
    if (triageLate) d.breaches.triage += 1;
    if (decisionLate) d.breaches.decision += 1;
    if (triageLate || decisionLate) d.breachesByPriority[t.priority] += 1;
    if (t.state === 'decided') {
      d.decided += 1;
      if (!triageLate && !decisionLate) d.decidedOnTime += 1;
      if (t.outcome) d.outcomes[t.outcome] += 1;
    } else {
      const row = d.ageing.find((a) => a.state === t.state)!;
      row.buckets[bucketOf(Math.max(0, nowMs - Date.parse(t.createdAt)))] += 1;
    }
  }
  d.onTimePercent = d.decided === 0 ? null : Math.round((d.decidedOnTime / d.decided) * 1000) / 10;
  return d;
}

/**
 * The dashboard recomputed from the audit trail alone: timelines from the `appeals.ticket.*`
 * events, clocks from computeSla, outcomes from the decided entries. Tickets with no audit
 * history (written before the appeals service) are not in it.
 */
export function dashboardFromAudit(events: Iterable<AuditEvent>, now: string): SlaDashboard {
  const tickets: DashboardTicket[] = [];
  for (const timeline of timelinesFromAudit(events).values()) {
    if (timeline.some((e) => e.kind === 'opened')) tickets.push(ticketFromTimeline(timeline, now).ticket);
  }
  return aggregateDashboard(tickets, now);
}

/**
 * One ticket's dashboard facts as of `now`, from a timeline that holds its opening: state and
 * outcome from its transitions, milestones from computeSla (returned too, for breach times).
 */
export function ticketFromTimeline(timeline: readonly TimelineEntry[], now: string): { ticket: DashboardTicket; sla: SlaStatus } {
  const input = clockInputFromTimeline(timeline);
  const sla = computeSla(input, now);
  let state: TicketState = 'new';
  let outcome: AppealOutcome | null = null;
  for (const e of timeline) {
    if (TRANSITION_KINDS.has(e.kind)) state = e.data.to as TicketState;
    if (e.kind === 'decided' && typeof e.data.outcome === 'string') outcome = e.data.outcome as AppealOutcome;
  }
  const ticket: DashboardTicket = {
    state,
    priority: input.priority,
    createdAt: input.openedAt,
    triageDueAt: sla.triage.dueAt,
    triageCompletedAt: sla.triage.completedAt,
    decisionDueAt: sla.decision.dueAt,
    decisionCompletedAt: sla.decision.completedAt,
    outcome,
  };
  return { ticket, sla };
}
