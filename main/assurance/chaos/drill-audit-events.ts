import type { AuditEventInput } from '../../../shared/domain/audit.ts';

export const DRILL_ACTOR = 'chaos-drill';
export const DRILL_AT = '2026-01-01T00:00:00.000Z';

/**
 * The audit events the connection-drop drill writes: committed ones before the fault, the
 * ones of the transaction that is cut off, and one after reconnecting. The payload carries
 * a filler so the interrupted transaction is big enough to reach the WAL / the server.
 */
export function drillAuditEvent(phase: 'committed' | 'uncommitted' | 'after', i: number): AuditEventInput {
  return {
    at: DRILL_AT,
    actorId: DRILL_ACTOR,
    action: `chaos.connection-drop.${phase}`,
    resourceType: 'chaos-drill',
    resourceId: `${phase}-${i}`,
    decision: 'info',
    payload: { phase, i, filler: 'x'.repeat(1000) },
  };
}
