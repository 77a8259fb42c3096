import type { ResidencyEvent } from '../../shared/api/residency.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';
import type { PolicyDecision, PolicyRequest } from '../policy/pdp.ts';
import type { DecisionRecorder } from '../policy/pep.ts';
import type { SqlClient } from '../store/sql-client.ts';
import type { Store } from '../store/store.ts';

const COLUMNS = 'decision_id, at, actor_id, action, resource_type, resource_id, tenant, from_region, to_region, exception_id, outcome';

interface EventRow {
  decision_id: string;
  at: string;
  actor_id: string;
  action: string;
  resource_type: string;
  resource_id: string;
  tenant: string;
  from_region: string;
  to_region: string;
  exception_id: string | null;
  outcome: 'denied' | 'allowed';
}

const toEvent = (r: EventRow): ResidencyEvent => ({
  decisionId: r.decision_id,
  at: r.at,
  actorId: r.actor_id,
  action: r.action,
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  tenant: r.tenant,
  fromRegion: r.from_region,
  toRegion: r.to_region,
  exceptionId: r.exception_id,
  outcome: r.outcome,
});

/**
 * Records every decided request that would move data across regions, in the transaction
 * that appends its audit event: with the exception that covered it, or none — an attempted
 * violation (actor, resource, from/to region, time), whatever the decision was.
 */
export const residencyRecorder: DecisionRecorder = {
  wants: (_request, decision) => decision.residency?.crossing === true,
  async record(tx: Store, request: PolicyRequest, decision: PolicyDecision, event: AuditEvent): Promise<void> {
    const r = decision.residency!;
    await tx.sql.run(`INSERT INTO residency_events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      event.id,
      event.at,
      request.actor.id,
      request.action,
      request.resource.type,
      request.resource.id,
      r.tenant,
      r.fromRegion,
      r.toRegion,
      r.exceptionId,
      decision.allow ? 'allowed' : 'denied',
    ]);
  },
};

export async function listResidencyEvents(sql: SqlClient): Promise<ResidencyEvent[]> {
  return (await sql.all<EventRow>(`SELECT ${COLUMNS} FROM residency_events ORDER BY at, decision_id`)).map(toEvent);
}
