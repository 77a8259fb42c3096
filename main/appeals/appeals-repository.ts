import type { AppealComment, PolicyException, QueueQuery, SlaMilestone, SlaPolicy, SlaStatus, TicketSummary, TimelineEntry, TimelineKind } from '../../shared/api/appeals.ts';
import type { DecisionArtifact } from '../../shared/domain/decision-artifact.ts';
import type { Labels } from '../../shared/domain/evidence.ts';
import type { TicketState } from '../../shared/domain/tickets.ts';
import { canonicalJson } from '../store/audit-hash.ts';
import type { SqlClient, SqlValue } from '../store/sql-client.ts';

/**
 * SQL for the appeals tables, dialect-neutral (`?` placeholders). Functions take the client
 * to use, so callers run them inside the transaction that also appends the audit event.
 */

// ---- counters --------------------------------------------------------------------------

/** The next value of a named counter; call inside a transaction after taking its lock. */
export async function nextCounter(sql: SqlClient, name: string, floor: () => Promise<number>): Promise<number> {
  const row = await sql.get<{ value: number }>('SELECT value FROM appeal_counter WHERE name = ?', [name]);
  const next = Math.max(row?.value ?? 0, await floor()) + 1;
  await sql.run('INSERT INTO appeal_counter (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, next]);
  return next;
}

/** The largest `<prefix><digits>` id in a table's id column (tickets written before the counter existed). */
export async function maxNumberedId(sql: SqlClient, table: 'ombuds_ticket' | 'appeal_comment' | 'appeal_policy_exception', prefix: string): Promise<number> {
  const rows = await sql.all<{ id: string }>(`SELECT id FROM ${table} WHERE id LIKE ?`, [`${prefix}%`]);
  let max = 0;
  for (const { id } of rows) {
    const digits = id.slice(prefix.length);
    if (/^\d+$/.test(digits)) max = Math.max(max, Number(digits));
  }
  return max;
}

// ---- SLA policy ------------------------------------------------------------------------

export async function latestSlaPolicy(sql: SqlClient): Promise<{ version: number; policy: SlaPolicy; setAt: string; setBy: string } | undefined> {
  const row = await sql.get<{ version: number; policy: string; set_at: string; set_by: string }>(
    'SELECT version, policy, set_at, set_by FROM appeal_sla_policy ORDER BY version DESC LIMIT 1',
  );
  return row && { version: row.version, policy: JSON.parse(row.policy) as SlaPolicy, setAt: row.set_at, setBy: row.set_by };
}

export async function insertSlaPolicy(sql: SqlClient, p: { version: number; policy: SlaPolicy; setAt: string; setBy: string; auditEventId: string }): Promise<void> {
  await sql.run('INSERT INTO appeal_sla_policy (version, policy, set_at, set_by, audit_event_id) VALUES (?, ?, ?, ?, ?)', [
    p.version,
    canonicalJson(p.policy),
    p.setAt,
    p.setBy,
    p.auditEventId,
  ]);
}

// ---- timeline and comments -------------------------------------------------------------

interface TimelineRow {
  ticket_id: string;
  seq: number;
  at: string;
  actor_id: string;
  kind: TimelineKind;
  data: string;
  audit_event_id: string;
}

export async function insertTimeline(sql: SqlClient, e: Omit<TimelineEntry, 'derived'>): Promise<void> {
  await sql.run('INSERT INTO appeal_timeline (ticket_id, seq, at, actor_id, kind, data, audit_event_id) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    e.ticketId,
    e.seq,
    e.at,
    e.actorId,
    e.kind,
    canonicalJson(e.data),
    e.auditEventId,
  ]);
}

export async function listTimeline(sql: SqlClient, ticketId: string): Promise<TimelineEntry[]> {
  const rows = await sql.all<TimelineRow>(
    'SELECT ticket_id, seq, at, actor_id, kind, data, audit_event_id FROM appeal_timeline WHERE ticket_id = ? ORDER BY seq',
    [ticketId],
  );
  return rows.map((r) => ({
    ticketId: r.ticket_id,
    seq: r.seq,
    at: r.at,
    actorId: r.actor_id,
    kind: r.kind,
    data: JSON.parse(r.data) as Record<string, unknown>,
    auditEventId: r.audit_event_id,
    derived: false,
  }));
}

export async function insertComment(sql: SqlClient, c: AppealComment & { auditEventId: string }): Promise<void> {
  await sql.run('INSERT INTO appeal_comment (id, ticket_id, author, at, kind, body, audit_event_id) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    c.id,
    c.ticketId,
    c.author,
    c.at,
    c.kind,
    c.body,
    c.auditEventId,
  ]);
}

export async function listComments(sql: SqlClient, ticketId: string): Promise<AppealComment[]> {
  const rows = await sql.all<{ id: string; ticket_id: string; author: string; at: string; kind: AppealComment['kind']; body: string }>(
    'SELECT id, ticket_id, author, at, kind, body FROM appeal_comment WHERE ticket_id = ? ORDER BY at, id',
    [ticketId],
  );
  return rows.map((r) => ({ id: r.id, ticketId: r.ticket_id, author: r.author, at: r.at, kind: r.kind, body: r.body }));
}

// ---- clock cache and breaches ----------------------------------------------------------

export async function upsertClock(sql: SqlClient, ticketId: string, s: SlaStatus, timelineSeq: number): Promise<void> {
  await sql.run(
    `INSERT INTO appeal_clock (ticket_id, policy_version, clock, due_at, triage_due_at, triage_completed_at, decision_due_at, decision_completed_at, timeline_seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (ticket_id) DO UPDATE SET policy_version = excluded.policy_version, clock = excluded.clock, due_at = excluded.due_at,
       triage_due_at = excluded.triage_due_at, triage_completed_at = excluded.triage_completed_at,
       decision_due_at = excluded.decision_due_at, decision_completed_at = excluded.decision_completed_at, timeline_seq = excluded.timeline_seq`,
    [ticketId, s.policyVersion, s.clock, s.dueAt, s.triage.dueAt, s.triage.completedAt, s.decision.dueAt, s.decision.completedAt, timelineSeq],
  );
}

/** Tickets with no cached clock yet (written before the appeals service, e.g. demo data). */
export async function ticketsWithoutClock(sql: SqlClient): Promise<string[]> {
  const rows = await sql.all<{ id: string }>('SELECT t.id FROM ombuds_ticket t LEFT JOIN appeal_clock c ON c.ticket_id = t.id WHERE c.ticket_id IS NULL ORDER BY t.id');
  return rows.map((r) => r.id);
}

/** Is a milestone past due at `?` — the SQL twin of computeSla's breach rule (due < completion, or < now while open). */
const BREACHED_SQL =
  '((c.triage_due_at IS NOT NULL AND c.triage_due_at < COALESCE(c.triage_completed_at, ?)) OR ' +
  '(c.decision_due_at IS NOT NULL AND c.decision_due_at < COALESCE(c.decision_completed_at, ?)))';

/** Open milestones whose due time passed by `now` and whose breach is not recorded yet. */
export async function unrecordedBreaches(sql: SqlClient, now: string): Promise<Array<{ ticketId: string; milestone: SlaMilestone; dueAt: string }>> {
  const rows = await sql.all<{ ticket_id: string; milestone: SlaMilestone; due_at: string }>(
    `SELECT c.ticket_id, 'triage' AS milestone, c.triage_due_at AS due_at FROM appeal_clock c
       WHERE c.triage_due_at IS NOT NULL AND c.triage_due_at < COALESCE(c.triage_completed_at, ?)
         AND NOT EXISTS (SELECT 1 FROM appeal_breach b WHERE b.ticket_id = c.ticket_id AND b.milestone = 'triage')
     UNION ALL
     SELECT c.ticket_id, 'decision' AS milestone, c.decision_due_at AS due_at FROM appeal_clock c
       WHERE c.decision_due_at IS NOT NULL AND c.decision_due_at < COALESCE(c.decision_completed_at, ?)
         AND NOT EXISTS (SELECT 1 FROM appeal_breach b WHERE b.ticket_id = c.ticket_id AND b.milestone = 'decision')
     ORDER BY due_at, ticket_id, milestone`,
    [now, now],
  );
  return rows.map((r) => ({ ticketId: r.ticket_id, milestone: r.milestone, dueAt: r.due_at }));
}

export async function breachRecorded(sql: SqlClient, ticketId: string, milestone: SlaMilestone): Promise<boolean> {
  return (await sql.get('SELECT 1 AS present FROM appeal_breach WHERE ticket_id = ? AND milestone = ?', [ticketId, milestone])) !== undefined;
}

export async function insertBreach(sql: SqlClient, b: { ticketId: string; milestone: SlaMilestone; dueAt: string; detectedAt: string; auditEventId: string }): Promise<void> {
  await sql.run('INSERT INTO appeal_breach (ticket_id, milestone, due_at, detected_at, audit_event_id) VALUES (?, ?, ?, ?, ?)', [
    b.ticketId,
    b.milestone,
    b.dueAt,
    b.detectedAt,
    b.auditEventId,
  ]);
}

// ---- queue -----------------------------------------------------------------------------

type ParsedQueueQuery = Required<Pick<QueueQuery, 'sort' | 'direction' | 'offset' | 'limit'>> & Omit<QueueQuery, 'sort' | 'direction' | 'offset' | 'limit' | 'scope'>;

interface QueueRow {
  id: string;
  state: TicketState;
  priority: TicketSummary['priority'];
  requester: string;
  assignee: string | null;
  denial_event_id: string | null;
  created_at: string;
  updated_at: string;
  clock: TicketSummary['clock'] | null;
  due_at: string | null;
  breached: number | boolean;
}

const ORDER: Record<ParsedQueueQuery['sort'], string> = {
  due: 'c.due_at',
  created: 't.created_at',
  updated: 't.updated_at',
  priority: "CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END",
  state: "CASE t.state WHEN 'new' THEN 0 WHEN 'triage' THEN 1 WHEN 'pending_info' THEN 2 ELSE 3 END",
};

/** One page of the queue and the total that matches; `requester` narrows to one requester's tickets. */
export async function queryQueue(sql: SqlClient, q: ParsedQueueQuery & { requester?: string }, now: string): Promise<{ total: number; rows: TicketSummary[] }> {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const inList = (column: string, values: readonly string[]) => {
    where.push(values.length === 0 ? '1 = 0' : `${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  if (q.requester !== undefined) {
    where.push('t.requester = ?');
    params.push(q.requester);
  }
  if (q.states) inList('t.state', q.states);
  if (q.priorities) inList('t.priority', q.priorities);
  if (q.assignee !== undefined) {
    where.push('t.assignee = ?');
    params.push(q.assignee);
  }
  if (q.breached !== undefined) {
    where.push(q.breached ? BREACHED_SQL : `NOT ${BREACHED_SQL}`);
    params.push(now, now);
  }
  const from = `FROM ombuds_ticket t JOIN appeal_clock c ON c.ticket_id = t.id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const count = await sql.get<{ n: number }>(`SELECT count(*) AS n ${from}`, params);
  const dir = q.direction === 'desc' ? 'DESC' : 'ASC';
  // Tickets without a due time (paused, decided) sort last either way; ties by creation, then id.
  const order = q.sort === 'due' ? `(c.due_at IS NULL), c.due_at ${dir}` : `${ORDER[q.sort]} ${dir}`;
  const rows = await sql.all<QueueRow>(
    `SELECT t.id, t.state, t.priority, t.requester, t.assignee, t.denial_event_id, t.created_at, t.updated_at, c.clock, c.due_at,
       CASE WHEN ${BREACHED_SQL} THEN 1 ELSE 0 END AS breached
     ${from} ORDER BY ${order}, t.created_at ${dir}, t.id ${dir} LIMIT ? OFFSET ?`,
    [now, now, ...params, q.limit, q.offset],
  );
  return {
    total: Number(count?.n ?? 0),
    rows: rows.map((r) => ({
      id: r.id,
      state: r.state,
      priority: r.priority,
      requester: r.requester,
      assignee: r.assignee,
      denialEventId: r.denial_event_id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      clock: r.clock ?? 'running',
      dueAt: r.due_at,
      breached: Number(r.breached) === 1,
    })),
  };
}

// ---- decision artifacts ----------------------------------------------------------------

export async function artifactHead(sql: SqlClient): Promise<{ seq: number; hash: string } | undefined> {
  return sql.get<{ seq: number; hash: string }>('SELECT seq, hash FROM appeal_decision_artifact ORDER BY seq DESC LIMIT 1');
}

export async function insertArtifact(sql: SqlClient, a: DecisionArtifact, decisionEventId: string): Promise<void> {
  await sql.run(
    `INSERT INTO appeal_decision_artifact (seq, id, ticket_id, denial_event_id, decision_event_id, outcome, previous_hash, hash, artifact, decided_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [a.seq, a.id, a.ticketId, a.denial.eventId, decisionEventId, a.outcome, a.previousHash, a.hash, canonicalJson(a), a.timestamps.decidedAt],
  );
}

/** The stored artifact exactly as stored (parsed JSON; the caller validates and verifies it). */
export async function findArtifact(sql: SqlClient, by: { id: string } | { ticketId: string } | { denialEventId: string }): Promise<unknown> {
  const [column, value] = 'id' in by ? ['id', by.id] : 'ticketId' in by ? ['ticket_id', by.ticketId] : ['denial_event_id', by.denialEventId];
  const row = await sql.get<{ artifact: string }>(`SELECT artifact FROM appeal_decision_artifact WHERE ${column} = ? ORDER BY seq LIMIT 1`, [value]);
  return row === undefined ? undefined : (JSON.parse(row.artifact) as unknown);
}

/** Artifacts in chain order after `afterSeq`, raw (a tampered row must reach the verifier, not crash here). */
export async function listArtifactRows(sql: SqlClient, afterSeq: number, limit: number): Promise<Array<{ seq: number; artifact: string; hash: string; previousHash: string }>> {
  const rows = await sql.all<{ seq: number; artifact: string; hash: string; previous_hash: string }>(
    'SELECT seq, artifact, hash, previous_hash FROM appeal_decision_artifact WHERE seq > ? ORDER BY seq LIMIT ?',
    [afterSeq, limit],
  );
  return rows.map((r) => ({ seq: Number(r.seq), artifact: r.artifact, hash: r.hash, previousHash: r.previous_hash }));
}

export async function countOutcomes(sql: SqlClient): Promise<Record<string, number>> {
  const rows = await sql.all<{ outcome: string; n: number }>('SELECT outcome, count(*) AS n FROM appeal_decision_artifact GROUP BY outcome');
  return Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)]));
}

// ---- policy exceptions -----------------------------------------------------------------

interface ExceptionRow {
  id: string;
  ticket_id: string;
  artifact_id: string;
  actor_id: string;
  action: string;
  resource_type: string;
  resource_id: string;
  labels: string | null;
  valid_from: string;
  valid_until: string;
  granted_by: string;
  granted_event_id: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

const EXCEPTION_COLUMNS =
  'id, ticket_id, artifact_id, actor_id, action, resource_type, resource_id, labels, valid_from, valid_until, granted_by, granted_event_id, revoked_at, revoked_by, revoke_reason';

export function toException(r: ExceptionRow, now: string): PolicyException {
  return {
    id: r.id,
    ticketId: r.ticket_id,
    artifactId: r.artifact_id,
    actorId: r.actor_id,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    labels: r.labels === null ? null : (JSON.parse(r.labels) as Partial<Labels>),
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    grantedBy: r.granted_by,
    grantedEventId: r.granted_event_id,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    revokeReason: r.revoke_reason,
    active: r.revoked_at === null && r.valid_from <= now && now < r.valid_until,
  };
}

export async function insertException(
  sql: SqlClient,
  e: Omit<PolicyException, 'revokedAt' | 'revokedBy' | 'revokeReason' | 'active'>,
): Promise<void> {
  await sql.run(`INSERT INTO appeal_policy_exception (${EXCEPTION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)`, [
    e.id,
    e.ticketId,
    e.artifactId,
    e.actorId,
    e.action,
    e.resourceType,
    e.resourceId,
    e.labels === null ? null : canonicalJson(e.labels),
    e.validFrom,
    e.validUntil,
    e.grantedBy,
    e.grantedEventId,
  ]);
}

export async function getException(sql: SqlClient, id: string, now: string): Promise<PolicyException | undefined> {
  const row = await sql.get<ExceptionRow>(`SELECT ${EXCEPTION_COLUMNS} FROM appeal_policy_exception WHERE id = ?`, [id]);
  return row && toException(row, now);
}

export async function exceptionForTicket(sql: SqlClient, ticketId: string, now: string): Promise<PolicyException | undefined> {
  const row = await sql.get<ExceptionRow>(`SELECT ${EXCEPTION_COLUMNS} FROM appeal_policy_exception WHERE ticket_id = ? ORDER BY id LIMIT 1`, [ticketId]);
  return row && toException(row, now);
}

export async function listExceptions(sql: SqlClient, now: string, activeOnly: boolean): Promise<PolicyException[]> {
  const rows = activeOnly
    ? await sql.all<ExceptionRow>(
        `SELECT ${EXCEPTION_COLUMNS} FROM appeal_policy_exception WHERE revoked_at IS NULL AND valid_from <= ? AND valid_until > ? ORDER BY valid_from, id`,
        [now, now],
      )
    : await sql.all<ExceptionRow>(`SELECT ${EXCEPTION_COLUMNS} FROM appeal_policy_exception ORDER BY valid_from, id`);
  return rows.map((r) => toException(r, now));
}

/** Unrevoked exceptions for exactly this actor, action and resource that are valid at `at`. */
export async function matchingExceptions(
  sql: SqlClient,
  q: { actorId: string; action: string; resourceType: string; resourceId: string; at: string },
): Promise<PolicyException[]> {
  const rows = await sql.all<ExceptionRow>(
    `SELECT ${EXCEPTION_COLUMNS} FROM appeal_policy_exception
     WHERE actor_id = ? AND action = ? AND resource_type = ? AND resource_id = ? AND revoked_at IS NULL AND valid_from <= ? AND valid_until > ?
     ORDER BY valid_from, id`,
    [q.actorId, q.action, q.resourceType, q.resourceId, q.at, q.at],
  );
  return rows.map((r) => toException(r, q.at));
}

export async function revokeException(sql: SqlClient, r: { id: string; at: string; by: string; reason: string; auditEventId: string }): Promise<number> {
  const res = await sql.run(
    'UPDATE appeal_policy_exception SET revoked_at = ?, revoked_by = ?, revoke_reason = ?, revoked_event_id = ? WHERE id = ? AND revoked_at IS NULL',
    [r.at, r.by, r.reason, r.auditEventId, r.id],
  );
  return res.changes;
}
