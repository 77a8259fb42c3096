import { z } from 'zod';
import { IsoTime } from './time.ts';

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** What a caller supplies; the store assigns seq, prevHash and hash. */
export const AuditEventInput = z.object({
  at: IsoTime,
  actorId: z.string().min(1),
  action: z.string().min(1),
  resourceType: z.string().min(1),
  resourceId: z.string().min(1),
  decision: z.enum(['allow', 'deny', 'info']),
  payload: z.record(z.string(), z.unknown()),
});
export type AuditEventInput = z.infer<typeof AuditEventInput>;

/**
 * A hash-chained audit event. `hash` = SHA-256 of the RFC 8785 canonical JSON of
 * {seq, at, actorId, action, resourceType, resourceId, decision, payload, prevHash}.
 * `appealTicketId` is a link set after the fact (an appeal opened on a denial), so it is
 * outside the hash.
 */
export const AuditEvent = AuditEventInput.extend({
  id: z.string().min(1),
  seq: z.number().int().positive(),
  prevHash: Sha256Hex,
  hash: Sha256Hex,
  appealTicketId: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditChainReport = z.object({
  ok: z.boolean(),
  checked: z.number().int().nonnegative(),
  /** The first sequence number whose event is altered or missing, when not ok. */
  firstBrokenSeq: z.number().int().positive().nullable(),
  reason: z.string().nullable(),
});
export type AuditChainReport = z.infer<typeof AuditChainReport>;

export const GENESIS_HASH = '0'.repeat(64);
