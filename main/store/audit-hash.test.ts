import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../shared/domain/audit.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';
import { AuditChainVerifier } from './audit-chain-verifier.ts';
import { auditEventHash, auditEventId, auditHashInput, canonicalJson } from './audit-hash.ts';

const FIRST = {
  seq: 1,
  at: '2026-11-28T12:00:00.000Z',
  actorId: 'alice',
  action: 'evidence.read',
  resourceType: 'evidence',
  resourceId: 'ev-001',
  decision: 'allow' as const,
  payload: { reason: 'ok', policyIds: ['role.evidence.read'], epoch: 0, 'é': 1, a: { z: 1, b: [2, 1] } },
  prevHash: GENESIS_HASH,
};

// Written out by hand: RFC 8785 sorts keys by UTF-16 code unit and prints no whitespace.
const FIRST_CANONICAL =
  '{"action":"evidence.read","actorId":"alice","at":"2026-11-28T12:00:00.000Z","decision":"allow",' +
  '"payload":{"a":{"b":[2,1],"z":1},"epoch":0,"policyIds":["role.evidence.read"],"reason":"ok","é":1},' +
  `"prevHash":"${GENESIS_HASH}","resourceId":"ev-001","resourceType":"evidence","seq":1}`;

function chain(n: number): AuditEvent[] {
  const out: AuditEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const fields = { ...FIRST, seq, payload: { n: seq }, prevHash };
    const hash = auditEventHash(fields);
    out.push({ ...fields, id: auditEventId(seq), hash, appealTicketId: null });
    prevHash = hash;
  }
  return out;
}

function verify(events: AuditEvent[]) {
  const v = new AuditChainVerifier();
  for (const e of events) if (!v.push(e)) break;
  return v.report();
}

describe('audit hash', () => {
  it('hashes the RFC 8785 canonical JSON of exactly the covered fields', () => {
    expect(auditHashInput({ ...FIRST, ...({ id: 'ignored', appealTicketId: 'ot-1' } as object) })).toBe(FIRST_CANONICAL);
    expect(auditEventHash(FIRST)).toBe(createHash('sha256').update(FIRST_CANONICAL, 'utf8').digest('hex'));
  });

  it('derives ids from the sequence number', () => {
    expect([auditEventId(1), auditEventId(42), auditEventId(1234567)]).toEqual(['ae-000001', 'ae-000042', 'ae-1234567']);
  });

  it('refuses values JSON cannot carry exactly', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow('NaN is not allowed');
    expect(() => canonicalJson(undefined)).toThrow('value has no JSON representation');
    expect(canonicalJson({ b: undefined, a: 1e21, c: -0 })).toBe('{"a":1e+21,"c":0}');
  });
});

describe('AuditChainVerifier', () => {
  it('accepts an intact chain and an empty one', () => {
    expect(verify(chain(5))).toEqual({ ok: true, checked: 5, firstBrokenSeq: null, reason: null });
    expect(verify([])).toEqual({ ok: true, checked: 0, firstBrokenSeq: null, reason: null });
  });

  it('names the event whose content was altered', () => {
    const events = chain(5);
    events[2] = { ...events[2]!, payload: { n: 999 } };
    expect(verify(events)).toEqual({
      ok: false,
      checked: 2,
      firstBrokenSeq: 3,
      reason: 'event seq 3 content does not match its hash (altered after it was written)',
    });
  });

  it('names the missing seq when an event was deleted, including the first', () => {
    const events = chain(5);
    expect(verify([...events.slice(0, 3), ...events.slice(4)])).toEqual({
      ok: false,
      checked: 3,
      firstBrokenSeq: 4,
      reason: 'event seq 4 is missing (the next stored event is seq 5)',
    });
    expect(verify(events.slice(1))).toMatchObject({ ok: false, checked: 0, firstBrokenSeq: 1 });
  });

  it('names the event whose prevHash is wrong, and the next one when an event was re-hashed', () => {
    const events = chain(4);
    events[1] = { ...events[1]!, prevHash: 'f'.repeat(64) };
    expect(verify(events)).toEqual({
      ok: false,
      checked: 1,
      firstBrokenSeq: 2,
      reason: 'event seq 2 prevHash does not match the hash of event seq 1',
    });
    const rehashed = chain(4);
    const forged = { ...rehashed[1]!, payload: { n: 'forged' } };
    rehashed[1] = { ...forged, hash: auditEventHash(forged) };
    expect(verify(rehashed)).toMatchObject({ ok: false, checked: 2, firstBrokenSeq: 3 });
  });

  it('checks the genesis link, the id and the order', () => {
    const events = chain(3);
    expect(verify([{ ...events[0]!, prevHash: 'a'.repeat(64) }])).toMatchObject({
      firstBrokenSeq: 1,
      reason: 'event seq 1 prevHash is not the genesis hash',
    });
    expect(verify([{ ...events[0]!, id: 'ae-9' }])).toMatchObject({ firstBrokenSeq: 1, reason: 'event seq 1 has id "ae-9", expected ae-000001' });
    expect(verify([events[0]!, events[1]!, events[1]!])).toMatchObject({
      firstBrokenSeq: 2,
      reason: 'event seq 2 is out of order (expected seq 3)',
    });
  });

  it('reports an unreadable row where it is, unless a gap comes first', () => {
    const v = new AuditChainVerifier();
    v.push(chain(1)[0]!);
    v.unreadable(2, 'event seq 2 payload is not valid JSON');
    expect(v.report()).toEqual({ ok: false, checked: 1, firstBrokenSeq: 2, reason: 'event seq 2 payload is not valid JSON' });
    const gap = new AuditChainVerifier();
    gap.unreadable(3, 'unreadable');
    expect(gap.report()).toMatchObject({ firstBrokenSeq: 1, reason: 'event seq 1 is missing (the next stored event is seq 3)' });
  });
});
