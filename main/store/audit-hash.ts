import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AuditEvent } from '../../shared/domain/audit.ts';

/** The fields an audit event's hash covers; `id` and `appealTicketId` are outside it. */
export type AuditHashFields = Pick<AuditEvent, 'seq' | 'at' | 'actorId' | 'action' | 'resourceType' | 'resourceId' | 'decision' | 'payload' | 'prevHash'>;

/** `ae-000001`: the id follows from the sequence number, so ids are the same on every store. */
export function auditEventId(seq: number): string {
  return `ae-${String(seq).padStart(6, '0')}`;
}

/** RFC 8785 (JCS) canonical JSON of any JSON value; throws on what JSON cannot carry exactly. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value has no JSON representation');
  return text;
}

/** The exact text that is hashed: RFC 8785 canonical JSON of the covered fields. */
export function auditHashInput(e: AuditHashFields): string {
  return canonicalJson({
    seq: e.seq,
    at: e.at,
    actorId: e.actorId,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    decision: e.decision,
    payload: e.payload,
    prevHash: e.prevHash,
  });
}

/** SHA-256 (lower-case hex) of auditHashInput. */
export function auditEventHash(e: AuditHashFields): string {
  return createHash('sha256').update(auditHashInput(e), 'utf8').digest('hex');
}
