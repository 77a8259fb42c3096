import { describe, expect, it } from 'vitest';
import type { BusinessCalendar, SlaPolicy } from '../../shared/api/appeals.ts';
import { clockMath } from './business-calendar.ts';
import { computeSla, type ClockInput } from './sla-clock.ts';

const H = 3_600_000;
const policy = (calendar: BusinessCalendar | null = null): SlaPolicy => ({
  name: 'test',
  targets: {
    timeToTriage: { low: 1440, normal: 480, high: 240, urgent: 60 },
    timeToDecision: { low: 10080, normal: 4320, high: 1440, urgent: 480 },
  },
  calendar,
});
const ticket = (transitions: ClockInput['transitions'], extra: Partial<ClockInput> = {}): ClockInput => ({
  policy: policy(),
  policyVersion: 3,
  priority: 'normal',
  openedAt: '2026-11-20T10:00:00.000Z',
  transitions,
  ...extra,
});

// Mon–Fri 09:00–17:00 at UTC+1 (2026-11-27 is a Friday).
const OFFICE: BusinessCalendar = { utcOffsetMinutes: 60, workdays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', holidays: [] };

describe('business calendar', () => {
  const math = clockMath(OFFICE);
  it('counts only working hours in the calendar offset', () => {
    // Friday 15:00 local (14:00Z) to Monday 11:00 local (10:00Z): 2 h Friday + 2 h Monday.
    expect(math.between(Date.parse('2026-11-27T14:00:00.000Z'), Date.parse('2026-11-30T10:00:00.000Z'))).toBe(4 * H);
    expect(math.between(Date.parse('2026-11-28T10:00:00.000Z'), Date.parse('2026-11-29T10:00:00.000Z'))).toBe(0);
    expect(math.between(Date.parse('2026-11-30T10:00:00.000Z'), Date.parse('2026-11-27T14:00:00.000Z'))).toBe(0);
  });
  it('adds working time across a weekend and skips holidays', () => {
    expect(new Date(math.add(Date.parse('2026-11-27T14:00:00.000Z'), 4 * H)).toISOString()).toBe('2026-11-30T10:00:00.000Z');
    const holiday = clockMath({ ...OFFICE, holidays: ['2026-11-30'] });
    expect(new Date(holiday.add(Date.parse('2026-11-27T14:00:00.000Z'), 4 * H)).toISOString()).toBe('2026-12-01T10:00:00.000Z');
  });
  it('starts counting at the next opening when added outside working hours', () => {
    // Saturday noon + 1 h → Monday 10:00 local = 09:00Z.
    expect(new Date(math.add(Date.parse('2026-11-28T11:00:00.000Z'), H)).toISOString()).toBe('2026-11-30T09:00:00.000Z');
    // Ends exactly at closing time.
    expect(new Date(math.add(Date.parse('2026-11-30T08:00:00.000Z'), 8 * H)).toISOString()).toBe('2026-11-30T16:00:00.000Z');
  });
  it('honours a negative offset across the UTC date line', () => {
    const ny = clockMath({ utcOffsetMinutes: -300, workdays: [1, 2, 3, 4, 5], start: '09:00', end: '17:00', holidays: [] });
    // Friday 16:00 New York (21:00Z) + 2 h → Monday 10:00 New York = 15:00Z.
    expect(new Date(ny.add(Date.parse('2026-11-27T21:00:00.000Z'), 2 * H)).toISOString()).toBe('2026-11-30T15:00:00.000Z');
  });
});

describe('SLA clock (wall clock)', () => {
  it('runs against time to triage while new', () => {
    const s = computeSla(ticket([]), '2026-11-20T12:00:00.000Z');
    expect(s).toMatchObject({ clock: 'running', current: 'triage', dueAt: '2026-11-20T18:00:00.000Z', breached: false, policyVersion: 3 });
    expect(s.triage).toEqual({
      milestone: 'triage',
      targetMinutes: 480,
      dueAt: '2026-11-20T18:00:00.000Z',
      completedAt: null,
      breachedAt: null,
      remainingMs: 6 * H,
      pausedMs: 0,
      state: 'running',
    });
    expect(s.decision.dueAt).toBe('2026-11-23T10:00:00.000Z');
  });

  it('meets triage, then runs against time to decision', () => {
    const s = computeSla(ticket([{ at: '2026-11-20T15:00:00.000Z', to: 'triage' }]), '2026-11-21T10:00:00.000Z');
    expect(s.current).toBe('decision');
    expect(s.dueAt).toBe('2026-11-23T10:00:00.000Z');
    expect(s.triage).toMatchObject({ state: 'met', completedAt: '2026-11-20T15:00:00.000Z', dueAt: '2026-11-20T18:00:00.000Z', remainingMs: 3 * H });
  });

  it('pending_info pauses the clock and the resume moves the due time by the pause', () => {
    const transitions = [
      { at: '2026-11-20T15:00:00.000Z', to: 'triage' as const },
      { at: '2026-11-21T10:00:00.000Z', to: 'pending_info' as const },
      { at: '2026-11-22T10:00:00.000Z', to: 'triage' as const },
    ];
    const paused = computeSla(ticket(transitions), '2026-11-21T16:00:00.000Z');
    expect(paused).toMatchObject({ clock: 'paused', current: 'decision', dueAt: null, breached: false });
    expect(paused.decision).toMatchObject({ state: 'paused', dueAt: null, remainingMs: 48 * H, pausedMs: 6 * H });
    const resumed = computeSla(ticket(transitions), '2026-11-22T12:00:00.000Z');
    expect(resumed).toMatchObject({ clock: 'running', dueAt: '2026-11-24T10:00:00.000Z' });
    expect(resumed.decision).toMatchObject({ pausedMs: 24 * H, remainingMs: 46 * H });
  });

  it('a decision by the due time is met; after it, breached at the due time', () => {
    const base = [
      { at: '2026-11-20T15:00:00.000Z', to: 'triage' as const },
      { at: '2026-11-21T10:00:00.000Z', to: 'pending_info' as const },
      { at: '2026-11-22T10:00:00.000Z', to: 'triage' as const },
    ];
    const onTime = computeSla(ticket([...base, { at: '2026-11-24T10:00:00.000Z', to: 'decided' }]), '2026-12-01T00:00:00.000Z');
    expect(onTime).toMatchObject({ clock: 'stopped', current: null, dueAt: null, breached: false });
    expect(onTime.decision).toMatchObject({ state: 'met', dueAt: '2026-11-24T10:00:00.000Z', completedAt: '2026-11-24T10:00:00.000Z', remainingMs: 0 });
    const late = computeSla(ticket([...base, { at: '2026-11-24T11:00:00.000Z', to: 'decided' }]), '2026-12-01T00:00:00.000Z');
    expect(late.decision).toMatchObject({ state: 'breached', breachedAt: '2026-11-24T10:00:00.000Z', remainingMs: 0 });
    expect(late.breached).toBe(true);
  });

  it('an open ticket breaches when its due time passes, and a late triage stays breached', () => {
    expect(computeSla(ticket([]), '2026-11-20T18:00:00.000Z').breached).toBe(false);
    const overdue = computeSla(ticket([]), '2026-11-20T18:00:00.001Z');
    expect(overdue.triage).toMatchObject({ state: 'breached', breachedAt: '2026-11-20T18:00:00.000Z', remainingMs: 0 });
    const lateTriage = computeSla(ticket([{ at: '2026-11-20T19:00:00.000Z', to: 'triage' }]), '2026-11-21T00:00:00.000Z');
    expect(lateTriage.triage.state).toBe('breached');
    expect(lateTriage.decision.state).toBe('running');
  });

  it('pausing after the due time passed does not undo the breach', () => {
    const s = computeSla(
      ticket([
        { at: '2026-11-20T11:00:00.000Z', to: 'triage' },
        { at: '2026-11-24T10:00:00.000Z', to: 'pending_info' },
      ]),
      '2026-11-25T00:00:00.000Z',
    );
    expect(s.clock).toBe('paused');
    expect(s.decision).toMatchObject({ state: 'breached', breachedAt: '2026-11-23T10:00:00.000Z', dueAt: '2026-11-23T10:00:00.000Z' });
  });

  it('a decision straight from pending_info stops the clock without counting the pause', () => {
    const s = computeSla(
      ticket([
        { at: '2026-11-20T11:00:00.000Z', to: 'triage' },
        { at: '2026-11-21T10:00:00.000Z', to: 'pending_info' },
        { at: '2026-11-30T10:00:00.000Z', to: 'decided' },
      ]),
      '2026-12-01T00:00:00.000Z',
    );
    expect(s.decision).toMatchObject({ state: 'met', pausedMs: 9 * 24 * H, completedAt: '2026-11-30T10:00:00.000Z', remainingMs: 48 * H });
  });

  it('uses the target of the current priority and ignores events after `at`', () => {
    const urgent = computeSla(ticket([{ at: '2026-11-20T10:30:00.000Z', to: 'triage' }], { priority: 'urgent' }), '2026-11-20T10:10:00.000Z');
    expect(urgent).toMatchObject({ current: 'triage', dueAt: '2026-11-20T11:00:00.000Z', priority: 'urgent' });
  });
});

describe('SLA clock with a business calendar', () => {
  it('counts working hours only and a pause outside them moves nothing', () => {
    const input = ticket([], { policy: policy(OFFICE), openedAt: '2026-11-27T14:00:00.000Z', priority: 'high' });
    // 4 business hours of triage: Friday 15–17 local + Monday 09–11 local.
    expect(computeSla(input, '2026-11-27T14:30:00.000Z').dueAt).toBe('2026-11-30T10:00:00.000Z');
    const paused = {
      ...input,
      transitions: [
        { at: '2026-11-27T15:00:00.000Z', to: 'triage' as const },
        { at: '2026-11-27T16:00:00.000Z', to: 'pending_info' as const }, // 17:00 local: after hours
        { at: '2026-11-29T12:00:00.000Z', to: 'triage' as const }, // Sunday
      ],
    };
    // 24 business hours of decision from Friday 15:00 local: 2 h Friday, 8 h Mon, Tue; 6 h Wed → Wed 15:00 local.
    expect(computeSla(paused, '2026-11-30T08:00:00.000Z').dueAt).toBe('2026-12-02T14:00:00.000Z');
  });

  it('a pause inside working hours moves the due time by the paused working time', () => {
    const s = computeSla(
      ticket(
        [
          { at: '2026-11-30T09:00:00.000Z', to: 'triage' },
          { at: '2026-11-30T10:00:00.000Z', to: 'pending_info' }, // Monday 11:00 local
          { at: '2026-11-30T13:00:00.000Z', to: 'triage' }, // Monday 14:00 local: 3 working hours paused
        ],
        { policy: policy(OFFICE), openedAt: '2026-11-30T08:00:00.000Z', priority: 'high' },
      ),
      '2026-11-30T14:00:00.000Z',
    );
    // Without the pause: Monday 09:00 local + 24 working hours = Wednesday 17:00 local; plus 3 h paused → Thursday 12:00 local.
    expect(s.dueAt).toBe('2026-12-03T11:00:00.000Z');
    expect(s.decision.pausedMs).toBe(3 * H);
  });
});
