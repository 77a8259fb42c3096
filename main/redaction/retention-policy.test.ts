import { describe, expect, it } from 'vitest';
import type { WorkbenchError } from '../../shared/api/errors.ts';
import { cutoffIso, normalizePolicy, policyRanges } from './retention-policy.ts';

function error(fn: () => unknown): WorkbenchError {
  try {
    fn();
  } catch (e) {
    return e as WorkbenchError;
  }
  throw new Error('did not throw');
}

describe('retention policies', () => {
  const base = { cases: ['CASE-123'], purposes: ['research'], retention: '90d', at: '2026-11-28T12:00:00.000Z' };

  it('sorts and de-duplicates cases and purposes', () => {
    expect(normalizePolicy({ ...base, cases: ['CASE-9', 'CASE-10', 'CASE-9'], purposes: ['research', 'analytics'] })).toEqual({
      cases: ['CASE-10', 'CASE-9'],
      purposes: ['analytics', 'research'],
      retention: '90d',
      at: '2026-11-28T12:00:00.000Z',
    });
  });

  it('cuts off at the reference time minus the retention', () => {
    expect(cutoffIso(normalizePolicy(base))).toBe('2026-08-30T12:00:00.000Z');
    expect(cutoffIso(normalizePolicy({ ...base, retention: '0s' }))).toBe('2026-11-28T12:00:00.000Z');
  });

  it('selects one clustered range per case and purpose, in order', () => {
    const p = normalizePolicy({ ...base, cases: ['B', 'A'], purposes: ['y', 'x'] });
    const before = Date.parse('2026-08-30T12:00:00.000Z');
    expect(policyRanges(p)).toEqual([
      { caseId: 'A', purpose: 'x', beforeMs: before },
      { caseId: 'A', purpose: 'y', beforeMs: before },
      { caseId: 'B', purpose: 'x', beforeMs: before },
      { caseId: 'B', purpose: 'y', beforeMs: before },
    ]);
  });

  it.each([
    [{ cases: [] }, 'policy.cases: names none; a policy must name at least one'],
    [{ cases: ['CASE 1'] }, 'policy.cases[0]: "CASE 1" must be 1-128 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit'],
    [{ purposes: ['ok', '-x'] }, 'policy.purposes[1]: "-x" must be 1-128 characters of A-Z a-z 0-9 . _ : - starting with a letter or digit'],
    [{ retention: '3 months' }, 'policy.retention: "3 months" is not a duration like 90d, 12h, 30m or 0s'],
    [{ at: '2026-11-28' }, 'policy.at: "2026-11-28" is not an ISO-8601 UTC time like 2026-11-28T12:00:00.000Z'],
    [{ at: '2026-02-30T00:00:00.000Z' }, 'policy.at: "2026-02-30T00:00:00.000Z" is not an ISO-8601 UTC time like 2026-11-28T12:00:00.000Z'],
    [{ name: 'Bad Name' }, 'policy.name: "Bad Name" must be 1-64 characters of a-z 0-9 . _ - starting with a letter or digit'],
  ])('rejects %j: %s', (patch, message) => {
    const e = error(() => normalizePolicy({ ...base, ...patch }));
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toBe(message);
  });
});
