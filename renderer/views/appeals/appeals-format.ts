import type { SlaStatus, TimelineEntry } from '../../../shared/api/appeals.ts';
import { formatUtc } from '../../components/format.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** 93_600_000 → `1 d 2 h`; 19_800_000 → `5 h 30 min`; under a minute → `0 min`. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= DAY) {
    const d = Math.floor(abs / DAY);
    const h = Math.floor((abs % DAY) / HOUR);
    return h ? `${d} d ${h} h` : `${d} d`;
  }
  if (abs >= HOUR) {
    const h = Math.floor(abs / HOUR);
    const m = Math.floor((abs % HOUR) / MIN);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  return `${Math.floor(abs / MIN)} min`;
}

/** How a due time reads at `at`: `in 3 h` or `overdue by 2 d 1 h`. */
export function dueText(dueAt: string | null, at: string): string {
  if (dueAt === null) return 'paused';
  const diff = Date.parse(dueAt) - Date.parse(at);
  return diff >= 0 ? `in ${formatDuration(diff)}` : `overdue by ${formatDuration(diff)}`;
}

export const STATE_LABELS: Record<string, string> = { new: 'New', triage: 'In triage', pending_info: 'Waiting for information', decided: 'Decided' };
export const MILESTONE_LABELS: Record<string, string> = { triage: 'Time to triage', decision: 'Time to decision' };

const s = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '—' : String(v));
const when = (v: unknown) => (typeof v === 'string' ? formatUtc(v) : '—');

/** One timeline entry as a sentence. */
export function describeEntry(e: TimelineEntry): string {
  const d = e.data;
  const adopted = d.adopted === true ? ' (recorded from the ticket row)' : '';
  switch (e.kind) {
    case 'opened':
      return `Appeal opened, priority ${s(d.priority)}, SLA policy v${s(d.slaPolicyVersion)}${adopted}`;
    case 'triaged':
      return `Triage started, assigned to ${s(d.assignee)}${adopted}`;
    case 'assigned':
      return `Assigned to ${s(d.to)} (was ${d.from ? s(d.from) : 'unassigned'})`;
    case 'priority':
      return `Priority ${s(d.from)} → ${s(d.to)}`;
    case 'info_requested':
      return 'Information requested from the requester';
    case 'info_provided':
      return 'The requester answered';
    case 'comment':
      return 'Comment';
    case 'decided':
      return `Decided: ${s(d.outcome)} (decision ${s(d.artifactId)}${d.exceptionId ? `, exception ${s(d.exceptionId)}` : ''})`;
    case 'sla': {
      const m = MILESTONE_LABELS[s(d.milestone)]?.toLowerCase() ?? s(d.milestone);
      switch (d.change) {
        case 'start':
          return `SLA clock started: ${m} due ${when(d.dueAt)}`;
        case 'milestone':
          return `Triage target met; ${m} due ${when(d.dueAt)}`;
        case 'pause':
          return `SLA clock paused with ${formatDuration(Number(d.remainingMs))} left`;
        case 'resume':
          return `SLA clock resumed: ${m} due ${when(d.dueAt)}`;
        case 'stop':
          return `SLA clock stopped: ${m} ${d.state === 'breached' ? 'missed' : 'met'}`;
        case 'retarget':
          return `SLA re-targeted for priority ${s(d.priority)}: ${m} due ${when(d.dueAt)}`;
        case 'breach':
          return `SLA breached: ${m} was due ${when(d.dueAt)}`;
        default:
          return `SLA clock: ${s(d.change)}`;
      }
    }
  }
}

/** The headline of a ticket's SLA: which target, and how it stands. */
export function slaHeadline(sla: SlaStatus): string {
  if (sla.clock === 'stopped') return sla.breached ? 'Decided late' : 'Decided on time';
  const m = sla.current === 'triage' ? sla.triage : sla.decision;
  const label = MILESTONE_LABELS[m.milestone]!;
  if (m.state === 'breached') return `${label}: overdue since ${formatUtc(m.breachedAt!)}`;
  if (sla.clock === 'paused') return `${label}: paused, ${formatDuration(m.remainingMs)} left`;
  return `${label}: due ${dueText(m.dueAt, sla.at)}`;
}
