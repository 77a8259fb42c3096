import type { Actor, Consent } from '../../shared/domain/actors.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';
import type { EvidenceItem } from '../../shared/domain/evidence.ts';
import type { OmbudsTicket, TicketState } from '../../shared/domain/tickets.ts';

/*
 * The store's tables as rows (snake_case, as SQL returns them), the column lists that read
 * them, and their mapping to the shared domain types: one place, so every reader of a table
 * (the store, the appeals service, the audit pack) maps it the same way.
 */

export interface ActorRow {
  id: string;
  display_name: string;
  tenant: string;
  region: string;
  created_at: string;
}
export interface RoleRow {
  actor_id: string;
  role: string;
}
export interface ConsentRow {
  subject_id: string;
  purpose: string;
  status: Consent['status'];
  updated_at: string;
}
export interface EvidenceRow {
  id: string;
  title: string;
  kind: string;
  tenant: string;
  region: string;
  sensitivity: EvidenceItem['labels']['sensitivity'];
  purpose: string;
  sha256: string | null;
  created_at: string;
}
export interface AuditRow {
  seq: number;
  id: string;
  at: string;
  actor_id: string;
  action: string;
  resource_type: string;
  resource_id: string;
  decision: AuditEvent['decision'];
  payload: string;
  prev_hash: string;
  hash: string;
  appeal_ticket_id: string | null;
}
export interface TicketRow {
  id: string;
  state: TicketState;
  priority: OmbudsTicket['priority'];
  requester: string;
  assignee: string | null;
  denial_event_id: string | null;
  justification: string;
  sla_due: string | null;
  created_at: string;
  updated_at: string;
}

export const ACTOR_COLUMNS = 'id, display_name, tenant, region, created_at';
export const EVIDENCE_COLUMNS = 'id, title, kind, tenant, region, sensitivity, purpose, sha256, created_at';
export const AUDIT_COLUMNS = 'seq, id, at, actor_id, action, resource_type, resource_id, decision, payload, prev_hash, hash, appeal_ticket_id';
export const TICKET_COLUMNS = 'id, state, priority, requester, assignee, denial_event_id, justification, sla_due, created_at, updated_at';

export function toActor(row: ActorRow, roles: string[]): Actor {
  return { id: row.id, displayName: row.display_name, tenant: row.tenant, region: row.region, roles, createdAt: row.created_at };
}

export function toConsent(row: ConsentRow): Consent {
  return { subjectId: row.subject_id, purpose: row.purpose, status: row.status, updatedAt: row.updated_at };
}

export function toEvidence(row: EvidenceRow): EvidenceItem {
  return {
    id: row.id,
    title: row.title,
    kind: row.kind,
    labels: { tenant: row.tenant, region: row.region, sensitivity: row.sensitivity, purpose: row.purpose },
    sha256: row.sha256,
    createdAt: row.created_at,
  };
}

/** Throws when the stored payload is not JSON (only a tampered row can be). */
export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: row.seq,
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    decision: row.decision,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
    appealTicketId: row.appeal_ticket_id,
  };
}

export function toTicket(row: TicketRow): OmbudsTicket {
  return {
    id: row.id,
    state: row.state,
    priority: row.priority,
    requester: row.requester,
    assignee: row.assignee,
    denialEventId: row.denial_event_id,
    justification: row.justification,
    slaDue: row.sla_due,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
