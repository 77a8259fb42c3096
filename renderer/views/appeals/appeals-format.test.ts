import { describe, expect, it } from 'vitest';
import type { SlaStatus, TimelineEntry } from '../../../shared/api/appeals.ts';
import { describeEntry, dueText, formatDuration, slaHeadline } from './appeals-format.ts';

const entry = (kind: TimelineEntry['kind'], data: Record<string, unknown>): TimelineEntry => ({
  ticketId: 'ot-0003',
  seq: 1,
  at: '2026-11-28T09:00:00.000Z',
  actorId: 'olga',
  kind,
  data,
  auditEventId: 'ae-000020',
  derived: false,
});

describe('appeals formatting', () => {
  it('durations and due times', () => {
    expect(formatDuration(93_600_000)).toBe('1 d 2 h');
    expect(formatDuration(86_400_000)).toBe('1 d');
    expect(formatDuration(19_800_000)).toBe('5 h 30 min');
    expect(formatDuration(59_000)).toBe('0 min');
    expect(dueText('2026-11-28T12:00:00.000Z', '2026-11-28T09:00:00.000Z')).toBe('in 3 h');
    expect(dueText('2026-11-27T08:00:00.000Z', '2026-11-28T09:00:00.000Z')).toBe('overdue by 1 d 1 h');
    expect(dueText(null, '2026-11-28T09:00:00.000Z')).toBe('paused');
  });

  it('timeline entries read as sentences', () => {
    expect(describeEntry(entry('opened', { priority: 'high', slaPolicyVersion: 2 }))).toBe('Appeal opened, priority high, SLA policy v2');
    expect(describeEntry(entry('opened', { priority: 'normal', slaPolicyVersion: 0, adopted: true }))).toBe(
      'Appeal opened, priority normal, SLA policy v0 (recorded from the ticket row)',
    );
    expect(describeEntry(entry('assigned', { from: null, to: 'olga' }))).toBe('Assigned to olga (was unassigned)');
    expect(describeEntry(entry('decided', { outcome: 'overturned', artifactId: 'da-000001', exceptionId: 'px-0001' }))).toBe(
      'Decided: overturned (decision da-000001, exception px-0001)',
    );
    expect(describeEntry(entry('sla', { change: 'pause', milestone: 'decision', remainingMs: 252_000_000 }))).toBe('SLA clock paused with 2 d 22 h left');
    expect(describeEntry(entry('sla', { change: 'resume', milestone: 'decision', dueAt: '2026-12-02T09:00:00.000Z' }))).toBe(
      'SLA clock resumed: time to decision due 2026-12-02 09:00:00 UTC',
    );
    expect(describeEntry(entry('sla', { change: 'breach', milestone: 'triage', dueAt: '2026-11-28T10:00:00.000Z' }))).toBe(
      'SLA breached: time to triage was due 2026-11-28 10:00:00 UTC',
    );
  });

  it('the SLA headline', () => {
    const base: SlaStatus = {
      at: '2026-11-28T12:00:00.000Z',
      policyVersion: 0,
      priority: 'normal',
      clock: 'running',
      current: 'triage',
      dueAt: '2026-11-28T17:00:00.000Z',
      breached: false,
      triage: { milestone: 'triage', targetMinutes: 480, dueAt: '2026-11-28T17:00:00.000Z', completedAt: null, breachedAt: null, remainingMs: 5 * 3_600_000, pausedMs: 0, state: 'running' },
      decision: { milestone: 'decision', targetMinutes: 4320, dueAt: '2026-12-01T09:00:00.000Z', completedAt: null, breachedAt: null, remainingMs: 69 * 3_600_000, pausedMs: 0, state: 'running' },
    };
    expect(slaHeadline(base)).toBe('Time to triage: due in 5 h');
    expect(slaHeadline({ ...base, clock: 'paused', current: 'decision', decision: { ...base.decision, state: 'paused', dueAt: null } })).toBe(
      'Time to decision: paused, 2 d 21 h left',
    );
    expect(slaHeadline({ ...base, triage: { ...base.triage, state: 'breached', breachedAt: '2026-11-28T11:00:00.000Z' } })).toBe(
      'Time to triage: overdue since 2026-11-28 11:00:00 UTC',
    );
    expect(slaHeadline({ ...base, clock: 'stopped', current: null, breached: true })).toBe('Decided late');
  });
});
