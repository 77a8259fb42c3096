import { SlaPolicy as SlaPolicySchema, TicketPriority, type SlaPolicy, type TimelineEntry, type TimelineKind } from '../../shared/api/appeals.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';
import { TicketState, type OmbudsTicket } from '../../shared/domain/tickets.ts';
import { APPEALS_RESOURCES } from './appeals-actions.ts';
import type { ClockInput } from './sla-clock.ts';
import { DEFAULT_SLA_POLICY } from './sla-policy.ts';

/** The audit action recording a timeline entry of one kind: `appeals.ticket.<kind>`, or `appeals.sla.<change>`. */
export function auditActionOf(kind: TimelineKind, data: Record<string, unknown>): string {
  return kind === 'sla' ? `appeals.sla.${String(data.change)}` : `appeals.ticket.${kind}`;
}

const TICKET_ACTION = /^appeals\.ticket\.([a-z_]+)$/;
const SLA_ACTION = /^appeals\.sla\.([a-z_]+)$/;

/**
 * The timeline of every ticket, rebuilt from the audit trail alone: each entry is an audit
 * event on an `ombuds-ticket` resource whose payload carries the entry's facts. This is how
 * an auditor recomputes the SLA clock without trusting the appeals tables.
 */
export function timelinesFromAudit(events: Iterable<AuditEvent>): Map<string, TimelineEntry[]> {
  const byTicket = new Map<string, TimelineEntry[]>();
  for (const e of events) {
    if (e.resourceType !== APPEALS_RESOURCES.ticket || e.decision !== 'info') continue;
    const ticketMatch = TICKET_ACTION.exec(e.action);
    const slaMatch = SLA_ACTION.exec(e.action);
    if (!ticketMatch && !slaMatch) continue;
    const kind = (ticketMatch ? ticketMatch[1] : 'sla') as TimelineKind;
    const list = byTicket.get(e.resourceId) ?? [];
    const { ticketId: _ticketId, ...data } = e.payload;
    // An entry adopted from a pre-appeals ticket row records when it happened as effectiveAt.
    const at = typeof data.effectiveAt === 'string' ? data.effectiveAt : e.at;
    list.push({ ticketId: e.resourceId, seq: list.length + 1, at, actorId: e.actorId, kind, data, auditEventId: e.id, derived: false });
    byTicket.set(e.resourceId, list);
  }
  return byTicket;
}

/**
 * Tickets written before the appeals service existed (the demo data) have no timeline: one
 * is derived from the row — opened at creation under the built-in SLA policy, a state change
 * at the last update. Derived entries name no audit event and say so.
 */
export function derivedTimeline(t: OmbudsTicket): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    {
      ticketId: t.id,
      seq: 1,
      at: t.createdAt,
      actorId: t.requester,
      kind: 'opened',
      data: { denialEventId: t.denialEventId, priority: t.priority, slaPolicyVersion: 0, slaPolicy: DEFAULT_SLA_POLICY },
      auditEventId: '',
      derived: true,
    },
  ];
  if (t.state !== 'new') {
    entries.push({
      ticketId: t.id,
      seq: 2,
      at: t.updatedAt,
      actorId: t.assignee ?? t.requester,
      kind: t.state === 'decided' ? 'decided' : 'triaged',
      data: { from: 'new', to: t.state, assignee: t.assignee },
      auditEventId: '',
      derived: true,
    });
  }
  return entries;
}

/** Entries that move the ticket between states (their data carries `from` and `to`). */
export const TRANSITION_KINDS: ReadonlySet<TimelineKind> = new Set(['triaged', 'info_requested', 'info_provided', 'decided']);

/** What computeSla needs, read from a ticket's timeline (its own tables or the audit trail). */
export function clockInputFromTimeline(entries: readonly TimelineEntry[]): ClockInput {
  const opened = entries.find((e) => e.kind === 'opened');
  if (!opened) throw new Error(`ticket ${entries[0]?.ticketId ?? '(unknown)'}: timeline has no opened entry`);
  const policy = SlaPolicySchema.parse(opened.data.slaPolicy) as SlaPolicy;
  let priority = TicketPriority.parse(opened.data.priority);
  const transitions: Array<{ at: string; to: TicketState }> = [];
  for (const e of entries) {
    if (e.kind === 'priority') priority = TicketPriority.parse(e.data.to);
    else if (TRANSITION_KINDS.has(e.kind)) {
      transitions.push({ at: e.at, to: TicketState.parse(e.data.to) });
    }
  }
  return { policy, policyVersion: Number(opened.data.slaPolicyVersion), priority, openedAt: opened.at, transitions };
}
