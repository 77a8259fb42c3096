import { describe, expect, it } from 'vitest';
import type { ResidencyException } from '../../shared/api/residency.ts';
import { coveringException, covers, exceptionStatus } from './exceptions.ts';

const ex = (over: Partial<ResidencyException> = {}): ResidencyException => ({
  id: 'rx-000001',
  tenant: 'globex',
  fromRegion: 'eu-central-1',
  toRegion: 'us-west-2',
  actions: ['data-read'],
  validFrom: '2026-11-28T12:00:00.000Z',
  validUntil: '2026-11-29T12:00:00.000Z',
  justification: 'audit fieldwork',
  grantedBy: 'admin',
  grantedAt: '2026-11-28T11:00:00.000Z',
  revokedAt: null,
  revokedBy: null,
  ...over,
});
const move = { tenant: 'globex', fromRegion: 'eu-central-1', toRegion: 'us-west-2', action: 'evidence.read', groups: ['data-read'], at: '2026-11-28T12:00:00.000Z' };

describe('exceptionStatus', () => {
  it('is in force from validFrom (inclusive) to validUntil (exclusive)', () => {
    expect(exceptionStatus(ex(), '2026-11-28T11:59:59.999Z')).toBe('scheduled');
    expect(exceptionStatus(ex(), '2026-11-28T12:00:00.000Z')).toBe('in-force');
    expect(exceptionStatus(ex(), '2026-11-29T11:59:59.999Z')).toBe('in-force');
    expect(exceptionStatus(ex(), '2026-11-29T12:00:00.000Z')).toBe('expired');
  });

  it('is revoked from the instant of revocation on, and not before', () => {
    const r = ex({ revokedAt: '2026-11-28T18:00:00.000Z', revokedBy: 'admin' });
    expect(exceptionStatus(r, '2026-11-28T17:59:59.999Z')).toBe('in-force');
    expect(exceptionStatus(r, '2026-11-28T18:00:00.000Z')).toBe('revoked');
  });
});

describe('covers / coveringException', () => {
  it('covers only its tenant, route, actions and window', () => {
    expect(covers(ex(), move)).toBe(true);
    expect(covers(ex(), { ...move, tenant: 'acme' })).toBe(false);
    expect(covers(ex(), { ...move, toRegion: 'ap-south-1' })).toBe(false);
    expect(covers(ex(), { ...move, fromRegion: 'us-west-2', toRegion: 'eu-central-1' })).toBe(false);
    expect(covers(ex(), { ...move, action: 'evidence.export', groups: ['data-export'] })).toBe(false);
    expect(covers(ex({ actions: ['evidence.export'] }), { ...move, action: 'evidence.export', groups: ['data-export'] })).toBe(true);
    expect(covers(ex(), { ...move, at: '2026-11-30T00:00:00.000Z' })).toBe(false);
  });

  it('picks the lowest id when several cover the move', () => {
    const found = coveringException([ex({ id: 'rx-000009' }), ex({ id: 'rx-000003' }), ex({ id: 'rx-000001', tenant: 'acme' })], move);
    expect(found?.id).toBe('rx-000003');
    expect(coveringException([], move)).toBeUndefined();
  });
});
