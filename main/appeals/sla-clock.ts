import type { MilestoneStatus, SlaMilestone, SlaPolicy, SlaStatus, TicketPriority } from '../../shared/api/appeals.ts';
import type { TicketState } from '../../shared/domain/tickets.ts';
import { clockMath, type ClockMath } from './business-calendar.ts';

/** What the clock is computed from: the recorded lifecycle of one ticket, nothing else. */
export interface ClockInput {
  policy: SlaPolicy;
  policyVersion: number;
  /** The ticket's priority now: re-prioritising re-targets the clock from the opening. */
  priority: TicketPriority;
  openedAt: string;
  /** State changes after opening (the ticket opens in `new`), in time order. */
  transitions: ReadonlyArray<{ at: string; to: TicketState }>;
}

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number) => new Date(t).toISOString();

interface Interval {
  start: number;
  end: number;
}

/**
 * One milestone over the intervals in which its clock ran (pauses removed). `running`: the
 * last interval is still open at `at` (its end is `at`). The due time is the instant the
 * counted time reaches the target; a paused clock that has not reached it has no due time,
 * and resuming moves it by exactly the time paused (by the paused working time with a calendar).
 */
function milestoneStatus(opts: {
  milestone: SlaMilestone;
  targetMinutes: number;
  intervals: Interval[];
  running: boolean;
  completedAt: number | null;
  pausedMs: number;
  at: number;
  math: ClockMath;
}): MilestoneStatus {
  const { intervals, math, running, completedAt, at } = opts;
  const target = opts.targetMinutes * 60_000;
  let due: number | null = null;
  let used = 0;
  for (let i = 0; i < intervals.length; i++) {
    const { start, end } = intervals[i]!;
    if (i === intervals.length - 1 && running) {
      if (due === null) due = math.add(start, target - used);
      used += math.between(start, end);
      break;
    }
    const counted = math.between(start, end);
    if (due === null && used + counted > target) due = math.add(start, target - used);
    used += counted;
  }
  if (due === null && completedAt !== null && intervals.length > 0) {
    // Completed before reaching the target: the due time it had when it completed.
    const last = intervals[intervals.length - 1]!;
    due = math.add(last.start, target - (used - math.between(last.start, last.end)));
  }
  const end = completedAt ?? at;
  const breached = due !== null && due < end;
  const paused = completedAt === null && !running;
  return {
    milestone: opts.milestone,
    targetMinutes: opts.targetMinutes,
    dueAt: due === null ? null : iso(due),
    completedAt: completedAt === null ? null : iso(completedAt),
    breachedAt: breached ? iso(due!) : null,
    remainingMs: breached ? 0 : Math.max(0, target - used),
    pausedMs: opts.pausedMs,
    state: completedAt !== null ? (breached ? 'breached' : 'met') : breached ? 'breached' : paused ? 'paused' : 'running',
  };
}

/**
 * The SLA clock of one ticket at time `at`, computed only from its recorded lifecycle, so
 * the same events give the same answer in any process, before or after a restart.
 * Events after `at` are ignored.
 */
export function computeSla(input: ClockInput, atIso: string): SlaStatus {
  const at = ms(atIso);
  const opened = ms(input.openedAt);
  const math = clockMath(input.policy.calendar);
  const transitions = input.transitions.map((t) => ({ at: ms(t.at), to: t.to })).filter((t) => t.at <= at);

  let triagedAt: number | null = null;
  let decidedAt: number | null = null;
  let state: TicketState = 'new';
  let pauseStart: number | null = null;
  let pausedMs = 0;
  const decisionIntervals: Interval[] = [];
  let runningSince: number | null = opened;
  for (const t of transitions) {
    if (t.to !== 'new' && triagedAt === null) triagedAt = t.at;
    if (t.to === 'pending_info' && state !== 'pending_info') {
      if (runningSince !== null) decisionIntervals.push({ start: runningSince, end: t.at });
      runningSince = null;
      pauseStart = t.at;
    } else if (state === 'pending_info' && t.to !== 'pending_info') {
      pausedMs += t.at - pauseStart!;
      pauseStart = null;
      runningSince = t.at;
    }
    if (t.to === 'decided') {
      decidedAt = t.at;
      if (runningSince !== null) decisionIntervals.push({ start: runningSince, end: t.at });
      runningSince = null;
    }
    state = t.to;
  }
  const decisionRunning = decidedAt === null && runningSince !== null;
  if (decisionRunning) decisionIntervals.push({ start: runningSince!, end: at });
  if (pauseStart !== null && decidedAt === null) pausedMs += at - pauseStart;

  const triage = milestoneStatus({
    milestone: 'triage',
    targetMinutes: input.policy.targets.timeToTriage[input.priority],
    intervals: [{ start: opened, end: triagedAt ?? at }],
    running: triagedAt === null,
    completedAt: triagedAt,
    pausedMs: 0,
    at,
    math,
  });
  const decision = milestoneStatus({
    milestone: 'decision',
    targetMinutes: input.policy.targets.timeToDecision[input.priority],
    intervals: decisionIntervals,
    running: decisionRunning,
    completedAt: decidedAt,
    pausedMs,
    at,
    math,
  });
  const current: SlaMilestone | null = decidedAt !== null ? null : triagedAt === null ? 'triage' : 'decision';
  return {
    at: iso(at),
    policyVersion: input.policyVersion,
    priority: input.priority,
    clock: decidedAt !== null ? 'stopped' : state === 'pending_info' ? 'paused' : 'running',
    current,
    dueAt: current === null ? null : (current === 'triage' ? triage : decision).dueAt,
    breached: triage.state === 'breached' || decision.state === 'breached',
    triage,
    decision,
  };
}
