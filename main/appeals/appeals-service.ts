import { createHash } from 'node:crypto';
import type { CallContext } from '../../shared/api/contract.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type {
  ArtifactView,
  ChainVerification,
  DenialContext,
  DenialSummary,
  PolicyException,
  QueuePage,
  SlaDashboard,
  SlaPolicy,
  SlaPolicyVersion,
  SlaStatus,
  TicketDetail,
  TicketPriority,
  TimelineEntry,
  TimelineKind,
} from '../../shared/api/appeals.ts';
import type { Actor } from '../../shared/domain/actors.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';
import { DECISION_ARTIFACT_TYPE, DecisionArtifact as DecisionArtifactSchema } from '../../shared/domain/decision-artifact.ts';
import type { AppealOutcome, DecisionArtifact, DecisionArtifactBody, ExceptionGrant } from '../../shared/domain/decision-artifact.ts';
import type { Labels } from '../../shared/domain/evidence.ts';
import type { OmbudsTicket, TicketState } from '../../shared/domain/tickets.ts';
import type { Pdp } from '../policy/pdp.ts';
import { TICKET_COLUMNS, toTicket, type TicketRow } from '../store/row-mappers.ts';
import type { Store } from '../store/store.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { APPEALS_ACTIONS, APPEALS_RESOURCES, type AppealsAction } from './appeals-actions.ts';
import type { AppealsBusEvent, AppealsEmit } from './appeals-events.ts';
import * as repo from './appeals-repository.ts';
import { GENESIS_ARTIFACT_HASH, sealArtifact, verifyArtifact } from './decision-artifact.ts';
import { DEFAULT_NARROWER_PURPOSES, deniedRequest, denialCauses, suggestMinimizations } from './minimization.ts';
import { computeSla } from './sla-clock.ts';
import { aggregateDashboard, type DashboardTicket } from './sla-dashboard.ts';
import { DEFAULT_SLA_POLICY } from './sla-policy.ts';
import { assertTransition } from './ticket-state-machine.ts';
import { auditActionOf, clockInputFromTimeline, derivedTimeline } from './ticket-timeline.ts';
import type { WorkbenchKey } from './workbench-key.ts';

/** The PEP as this service uses it: `guard` throws DENIED (and audits) or returns. */
export interface AppealsPep {
  guard(actor: Actor, action: string, resource: { type: string; id: string; labels?: Partial<Labels> }): Promise<unknown>;
}

export interface AppealsDeps {
  store: Store;
  pep: AppealsPep;
  /** Asked, unaudited, for minimization suggestions and for which buttons to show; never for access. */
  pdp: Pdp;
  session: { actor(ctx: CallContext): Promise<Actor> };
  emit: AppealsEmit;
  now: () => Date;
  key: WorkbenchKey;
  narrowerPurposes?: Readonly<Record<string, readonly string[]>>;
  /** The longest an appeal exception may last (default 90 days). */
  maxExceptionDays?: number;
}

/** The actor the SLA clock's own entries (breaches) are recorded as. */
export const SLA_CLOCK_ACTOR = 'system.sla-clock';

type SlaChange = 'start' | 'milestone' | 'pause' | 'resume' | 'stop' | 'retarget' | 'breach';

const ARTIFACT_CHAIN_LOCK = 'workbench.appeals.artifact_chain';
const ticketLock = (id: string) => `workbench.appeals.ticket.${id}`;
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const ticketResource = (id: string) => ({ type: APPEALS_RESOURCES.ticket, id });
const VERIFY_BATCH = 500;

function notFound(what: string, id: string): WorkbenchError {
  return new WorkbenchError('NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist`, { id });
}

function denialSummary(e: AuditEvent): DenialSummary {
  const p = e.payload;
  return {
    eventId: e.id,
    eventHash: e.hash,
    at: e.at,
    actorId: e.actorId,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    reason: typeof p.reason === 'string' ? p.reason : '',
    policyIds: Array.isArray(p.policyIds) ? p.policyIds.filter((x): x is string => typeof x === 'string') : [],
    epoch: typeof p.epoch === 'number' && Number.isInteger(p.epoch) && p.epoch >= 0 ? p.epoch : 0,
  };
}

/** Everything a transaction appended, announced after it commits (never for a rolled-back one). */
class Outbox {
  readonly events: AppealsBusEvent[] = [];
  audit(e: AuditEvent): void {
    this.events.push({ topic: 'audit.appended', payload: { seq: e.seq, action: e.action, decision: e.decision } });
  }
}

/**
 * Appeals and ombuds: tickets with an explicit state machine, an SLA clock computed from
 * recorded events, minimization suggestions, signed decision artifacts, and time-bounded
 * exceptions. Every method decides access through the PEP first; every change is a
 * hash-chained audit event written in the same transaction as the change.
 */
export class AppealsService {
  readonly #store: Store;
  readonly #pep: AppealsPep;
  readonly #pdp: Pdp;
  readonly #session: AppealsDeps['session'];
  readonly #emit: AppealsEmit;
  readonly #now: () => Date;
  readonly #key: WorkbenchKey;
  readonly #narrower: Readonly<Record<string, readonly string[]>>;
  readonly #maxExceptionMs: number;

  constructor(deps: AppealsDeps) {
    this.#store = deps.store;
    this.#pep = deps.pep;
    this.#pdp = deps.pdp;
    this.#session = deps.session;
    this.#emit = deps.emit;
    this.#now = deps.now;
    this.#key = deps.key;
    this.#narrower = deps.narrowerPurposes ?? DEFAULT_NARROWER_PURPOSES;
    this.#maxExceptionMs = (deps.maxExceptionDays ?? 90) * 86_400_000;
  }

  // ---- reads -------------------------------------------------------------------------

  async denial(input: { denialEventId: string }, ctx: CallContext): Promise<DenialContext> {
    const actor = await this.#session.actor(ctx);
    const event = await this.#store.getAuditEvent(input.denialEventId);
    const own = event !== undefined && event.actorId === actor.id;
    await this.#pep.guard(
      actor,
      own ? APPEALS_ACTIONS.open : APPEALS_ACTIONS.read,
      own ? { type: APPEALS_RESOURCES.denial, id: input.denialEventId } : ticketResource(`denial:${input.denialEventId}`),
    );
    if (!event) throw notFound('audit event', input.denialEventId);
    const request = await deniedRequest(event, this.#store);
    const denied = event.decision === 'deny';
    const subject = denied ? await this.#store.getActor(event.actorId) : undefined;
    const [causes, suggestions] = subject
      ? await Promise.all([denialCauses(this.#pdp, subject, request, this.#narrower), suggestMinimizations(this.#pdp, subject, request, this.#narrower)])
      : [[], []];
    const notAppealableReason = !denied
      ? `audit event ${event.id} is not a denial (${event.decision})`
      : event.appealTicketId !== null
        ? `already appealed in ticket ${event.appealTicketId}`
        : !own
          ? `only ${event.actorId}, who was denied, can appeal it`
          : null;
    return {
      denial: denialSummary(event),
      request,
      appealLink: `#/appeals/new?denial=${encodeURIComponent(event.id)}`,
      appealable: notAppealableReason === null,
      notAppealableReason,
      existingTicketId: event.appealTicketId,
      causes,
      suggestions,
    };
  }

  async queue(
    q: {
      scope: 'mine' | 'all';
      states?: TicketState[];
      priorities?: TicketPriority[];
      breached?: boolean;
      assignee?: string;
      sort: 'due' | 'created' | 'priority' | 'state' | 'updated';
      direction: 'asc' | 'desc';
      offset: number;
      limit: number;
    },
    ctx: CallContext,
  ): Promise<QueuePage> {
    const actor = await this.#session.actor(ctx);
    if (q.scope === 'mine') await this.#pep.guard(actor, APPEALS_ACTIONS.readOwn, ticketResource(`queue:${actor.id}`));
    else await this.#pep.guard(actor, APPEALS_ACTIONS.read, ticketResource('queue'));
    await this.#ensureClocks();
    const now = this.#nowIso();
    const { scope, ...rest } = q;
    const page = await repo.queryQueue(this.#store.sql, { ...rest, ...(scope === 'mine' ? { requester: actor.id } : {}) }, now);
    return { total: page.total, offset: q.offset, rows: page.rows, at: now };
  }

  async get(input: { ticketId: string }, ctx: CallContext): Promise<TicketDetail> {
    const actor = await this.#session.actor(ctx);
    const ticket = await this.#store.getTicket(input.ticketId);
    await this.#guardTicket(actor, ticket, input.ticketId, APPEALS_ACTIONS.readOwn, APPEALS_ACTIONS.read);
    if (!ticket) throw notFound('ticket', input.ticketId);
    return this.#detail(ticket, actor);
  }

  async artifact(input: { artifactId: string } | { auditEventId: string }, ctx: CallContext): Promise<ArtifactView> {
    const actor = await this.#session.actor(ctx);
    const raw = await repo.findArtifact(this.#store.sql, 'artifactId' in input ? { id: input.artifactId } : { denialEventId: input.auditEventId });
    const requester = (raw as { requester?: unknown } | undefined)?.requester;
    const id = 'artifactId' in input ? input.artifactId : input.auditEventId;
    await this.#pep.guard(actor, requester === actor.id ? APPEALS_ACTIONS.readOwn : APPEALS_ACTIONS.read, ticketResource(`artifact:${id}`));
    if (raw === undefined) throw notFound('artifactId' in input ? 'decision artifact' : 'decision artifact for audit event', id);
    const verification = await this.#verifyOne(raw);
    const parsed = DecisionArtifactSchema.safeParse(raw);
    if (!parsed.success) {
      throw new WorkbenchError('INTERNAL', `stored decision artifact ${id} is malformed`, { verification });
    }
    return { artifact: parsed.data, verification, ticketId: parsed.data.ticketId };
  }

  async verifyArtifacts(_input: object, ctx: CallContext): Promise<ChainVerification> {
    const actor = await this.#session.actor(ctx);
    await this.#pep.guard(actor, APPEALS_ACTIONS.read, ticketResource('decision-artifacts'));
    const failures: ChainVerification['failures'] = [];
    let checked = 0;
    let previous = GENESIS_ARTIFACT_HASH;
    let after = 0;
    for (;;) {
      const rows = await repo.listArtifactRows(this.#store.sql, after, VERIFY_BATCH);
      for (const row of rows) {
        checked += 1;
        let result;
        try {
          const raw = JSON.parse(row.artifact) as unknown;
          result = await this.#verifyOne(raw, previous);
          if (result.ok && (raw as DecisionArtifact).hash !== row.hash) {
            result = { ...result, ok: false, checks: [...result.checks, { name: 'row', ok: false, detail: `row hash ${row.hash} ≠ artifact hash` }] };
          }
        } catch (e) {
          result = { artifactId: `seq ${row.seq}`, ok: false, checks: [], error: (e as Error).message };
        }
        if (!result.ok) failures.push(result);
        previous = row.hash;
        after = row.seq;
      }
      if (rows.length < VERIFY_BATCH) break;
    }
    return { ok: failures.length === 0, checked, keyId: this.#key.keyId, failures };
  }

  async dashboard(_input: object, ctx: CallContext): Promise<SlaDashboard> {
    const actor = await this.#session.actor(ctx);
    await this.#pep.guard(actor, APPEALS_ACTIONS.read, ticketResource('dashboard'));
    await this.#ensureClocks();
    const rows = await this.#store.sql.all<{
      state: TicketState;
      priority: TicketPriority;
      created_at: string;
      triage_due_at: string | null;
      triage_completed_at: string | null;
      decision_due_at: string | null;
      decision_completed_at: string | null;
      outcome: AppealOutcome | null;
    }>(
      `SELECT t.state, t.priority, t.created_at, c.triage_due_at, c.triage_completed_at, c.decision_due_at, c.decision_completed_at, a.outcome
       FROM ombuds_ticket t JOIN appeal_clock c ON c.ticket_id = t.id LEFT JOIN appeal_decision_artifact a ON a.ticket_id = t.id`,
    );
    const tickets: DashboardTicket[] = rows.map((r) => ({
      state: r.state,
      priority: r.priority,
      createdAt: r.created_at,
      triageDueAt: r.triage_due_at,
      triageCompletedAt: r.triage_completed_at,
      decisionDueAt: r.decision_due_at,
      decisionCompletedAt: r.decision_completed_at,
      outcome: r.outcome,
    }));
    return aggregateDashboard(tickets, this.#nowIso());
  }

  async slaPolicy(_input: object, ctx: CallContext): Promise<SlaPolicyVersion> {
    const actor = await this.#session.actor(ctx);
    await this.#pep.guard(actor, APPEALS_ACTIONS.read, ticketResource('sla-policy'));
    return this.#currentPolicy(this.#store.sql);
  }

  async exceptions(input: { activeOnly: boolean }, ctx: CallContext): Promise<PolicyException[]> {
    const actor = await this.#session.actor(ctx);
    await this.#pep.guard(actor, APPEALS_ACTIONS.read, ticketResource('exceptions'));
    return repo.listExceptions(this.#store.sql, this.#nowIso(), input.activeOnly);
  }

  // ---- changes -----------------------------------------------------------------------

  async open(input: { denialEventId: string; justification: string; priority: TicketPriority }, ctx: CallContext): Promise<TicketDetail> {
    const actor = await this.#session.actor(ctx);
    await this.#pep.guard(actor, APPEALS_ACTIONS.open, { type: APPEALS_RESOURCES.denial, id: input.denialEventId });
    const event = await this.#store.getAuditEvent(input.denialEventId);
    if (!event) throw notFound('audit event', input.denialEventId);
    if (event.decision !== 'deny') {
      throw new WorkbenchError('BAD_INPUT', `denialEventId: audit event ${event.id} is not a denial (${event.decision})`, { field: 'denialEventId' });
    }
    if (event.actorId !== actor.id) {
      throw new WorkbenchError('BAD_INPUT', `denialEventId: ${event.id} denied ${event.actorId}; only they can appeal it`, { field: 'denialEventId' });
    }
    const offered = await suggestMinimizations(this.#pdp, actor, await deniedRequest(event, this.#store), this.#narrower);
    const at = this.#nowIso();
    const outbox = new Outbox();
    const ticketId = await this.#store.transaction(async (tx) => {
      await tx.sql.lock(ticketLock(`denial:${event.id}`));
      const current = await tx.getAuditEvent(event.id);
      if (current?.appealTicketId) {
        throw new WorkbenchError('CONFLICT', `audit event ${event.id} is already appealed by ticket ${current.appealTicketId}`, {
          eventId: event.id,
          ticketId: current.appealTicketId,
        });
      }
      await tx.sql.lock('workbench.appeals.counter.ticket');
      const n = await repo.nextCounter(tx.sql, 'ticket', () => repo.maxNumberedId(tx.sql, 'ombuds_ticket', 'ot-'));
      const id = `ot-${String(n).padStart(4, '0')}`;
      const policy = await this.#currentPolicy(tx.sql);
      await tx.insertTicket({
        id,
        state: 'new',
        priority: input.priority,
        requester: actor.id,
        assignee: null,
        denialEventId: event.id,
        justification: input.justification,
        slaDue: null,
        at,
      });
      await tx.setAuditAppealTicket(event.id, id);
      await this.#record(tx, outbox, id, actor.id, 'opened', at, {
        denialEventId: event.id,
        denialEventHash: event.hash,
        priority: input.priority,
        justificationSha256: sha256(input.justification),
        slaPolicyVersion: policy.version,
        slaPolicy: policy.policy,
        suggestionsOffered: offered.map((s) => ({ kind: s.kind, request: s.request })),
      });
      await this.#clockChanged(tx, outbox, id, actor.id, 'start', at);
      return id;
    });
    this.#flush(outbox, ticketId, 'new', 'opened', at);
    return this.#detail((await this.#store.getTicket(ticketId))!, actor);
  }

  async triage(input: { ticketId: string; assignee?: string; priority?: TicketPriority }, ctx: CallContext): Promise<TicketDetail> {
    const actor = await this.#session.actor(ctx);
    const ticket = await this.#staffTicket(actor, input.ticketId, APPEALS_ACTIONS.triage);
    if (input.assignee !== undefined) await this.#checkAssignee(input.assignee, ticket);
    const at = this.#nowIso();
    const outbox = new Outbox();
    let kind: TimelineKind = 'assigned';
    const state = await this.#change(ticket.id, async (tx, current) => {
      if (current.state === 'decided') assertTransition(current.id, 'decided', 'triage');
      const assignee = input.assignee ?? current.assignee ?? actor.id;
      if (current.state === 'new') {
        assertTransition(current.id, 'new', 'triage');
        kind = 'triaged';
        await this.#record(tx, outbox, current.id, actor.id, 'triaged', at, { from: 'new', to: 'triage', assignee });
        await tx.updateTicket(current.id, { state: 'triage', assignee }, at);
        await this.#clockChanged(tx, outbox, current.id, actor.id, 'milestone', at);
      } else if (assignee !== current.assignee) {
        await this.#record(tx, outbox, current.id, actor.id, 'assigned', at, { from: current.assignee, to: assignee });
        await tx.updateTicket(current.id, { assignee }, at);
      }
      if (input.priority !== undefined && input.priority !== current.priority) {
        await this.#retarget(tx, outbox, current, actor.id, input.priority, at);
        if (kind === 'assigned') kind = 'priority';
      }
      return (await tx.getTicket(current.id))!.state;
    });
    this.#flush(outbox, ticket.id, state, kind, at);
    return this.#detail((await this.#store.getTicket(ticket.id))!, actor);
  }

  async requestInfo(input: { ticketId: string; question: string }, ctx: CallContext): Promise<TicketDetail> {
    const actor = await this.#session.actor(ctx);
    const ticket = await this.#staffTicket(actor, input.ticketId, APPEALS_ACTIONS.triage);
    return this.#move(actor, ticket, 'pending_info', 'info_requested', 'pause', { kind: 'question', body: input.question }, 'triage');
  }

  async provideInfo(input: { ticketId: string; answer: string }, ctx: CallContext): Promise<TicketDetail> {
    const actor = await this.#session.actor(ctx);
    const ticket = await this.#store.getTicket(input.ticketId);
    await this.#guardTicket(actor, ticket, input.ticketId, APPEALS_ACTIONS.respondOwn, APPEALS_ACTIONS.triage);
    if (!ticket) throw notFound('ticket', input.ticketId);
    if (ticket.requester !== actor.id) {
      throw new WorkbenchError('CONFLICT', `ticket ${ticket.id}: only the requester ${ticket.requester} answers a request for information; reviewers comment`, {
        ticketId: ticket.id,
      });
    }
    return this.#move(actor, ticket, 'triage', 'info_provided', 'resume', { kind: 'answer', body: input.answer }, 'pending_info');
  }

  async comment(input: { ticketId: string; body: string }, ctx: CallContext): Promise<TicketDetail> {
    const actor = await this.#session.actor(ctx);
    const ticket = await this.#store.getTicket(input.ticketId);
    await this.#guardTicket(actor, ticket, input.ticketId, APPEALS_ACTIONS.respondOwn, APPEALS_ACTIONS.triage);
    if (!ticket) throw notFound('ticket', input.ticketId);
    const at = this.#nowIso();
    const outbox = new Outbox();
    const state = await this.#change(ticket.id, async (tx, current) => {
      if (current.state === 'decided') throw new WorkbenchError('CONFLICT', `ticket ${current.id} is decided: comments are closed`, { ticketId: current.id });
      await this.#comment(tx, outbox, current.id, actor.id, at, 'comment', input.body, 'comment', {});
      return current.state;
    });
    this.#flush(outbox, ticket.id, state, 'comment', at);
    return this.#detail((await this.#store.getTicket(ticket.id))!, actor);
  }

  async decide(
    input: { ticketId: string; outcome: AppealOutcome; rationale: string; evidenceLinks: string[]; exception?: { validUntil: string; labels?: Partial<Labels> } },
    ctx: CallContext,
  ): Promise<{ detail: TicketDetail; artifact: DecisionArtifact }> {
    const actor = await this.#session.actor(ctx);
    const ticket = await this.#staffTicket(actor, input.ticketId, APPEALS_ACTIONS.decide);
    const at = this.#nowIso();
    this.#checkException(input, at);
    const outbox = new Outbox();
    const artifact = await this.#change(ticket.id, async (tx, current) => {
      assertTransition(current.id, current.state, 'decided');
      if (current.denialEventId === null) throw new WorkbenchError('CONFLICT', `ticket ${current.id} appeals no denial event: nothing to decide`, { ticketId: current.id });
      const denial = await tx.getAuditEvent(current.denialEventId);
      if (!denial) throw notFound('audit event', current.denialEventId);
      await this.#ensureTimeline(tx, outbox, current, at);
      await tx.sql.lock(ARTIFACT_CHAIN_LOCK);
      const head = await repo.artifactHead(tx.sql);
      const seq = (head?.seq ?? 0) + 1;
      const artifactId = `da-${String(seq).padStart(6, '0')}`;
      let grant: ExceptionGrant | null = null;
      if (input.exception) {
        await tx.sql.lock('workbench.appeals.counter.exception');
        const n = await repo.nextCounter(tx.sql, 'exception', () => repo.maxNumberedId(tx.sql, 'appeal_policy_exception', 'px-'));
        grant = {
          id: `px-${String(n).padStart(4, '0')}`,
          actorId: denial.actorId,
          action: denial.action,
          resourceType: denial.resourceType,
          resourceId: denial.resourceId,
          labels: input.exception.labels ?? null,
          validFrom: at,
          validUntil: input.exception.validUntil,
        };
      }
      const summary = denialSummary(denial);
      const body: DecisionArtifactBody = {
        type: DECISION_ARTIFACT_TYPE,
        seq,
        id: artifactId,
        ticketId: current.id,
        denial: {
          eventId: denial.id,
          eventHash: denial.hash,
          actorId: denial.actorId,
          action: denial.action,
          resourceType: denial.resourceType,
          resourceId: denial.resourceId,
          reason: summary.reason,
        },
        outcome: input.outcome,
        requester: current.requester,
        reviewer: { id: actor.id, displayName: actor.displayName },
        rationale: input.rationale,
        evidenceLinks: input.evidenceLinks,
        policy: { ids: summary.policyIds, denialEpoch: summary.epoch, decisionEpoch: this.#pdp.epoch() },
        timestamps: { deniedAt: denial.at, appealedAt: current.createdAt, decidedAt: at },
        exception: grant,
        previousHash: head?.hash ?? GENESIS_ARTIFACT_HASH,
      };
      const sealed = sealArtifact(body, this.#key);
      const decided = await this.#record(tx, outbox, current.id, actor.id, 'decided', at, {
        from: current.state,
        to: 'decided',
        outcome: input.outcome,
        artifactId,
        artifactHash: sealed.hash,
        denialEventId: denial.id,
        exceptionId: grant?.id ?? null,
        rationaleSha256: sha256(input.rationale),
      });
      await repo.insertArtifact(tx.sql, sealed, decided.id);
      if (grant) {
        const granted = await tx.appendAuditEvent({
          at,
          actorId: actor.id,
          action: 'appeals.exception.granted',
          resourceType: APPEALS_RESOURCES.exception,
          resourceId: grant.id,
          decision: 'info',
          payload: { ...grant, ticketId: current.id, artifactId, artifactHash: sealed.hash },
        });
        outbox.audit(granted);
        await repo.insertException(tx.sql, { ...grant, ticketId: current.id, artifactId, grantedBy: actor.id, grantedEventId: granted.id });
      }
      await tx.updateTicket(current.id, { state: 'decided' }, at);
      await this.#clockChanged(tx, outbox, current.id, actor.id, 'stop', at);
      return sealed;
    });
    this.#flush(outbox, ticket.id, 'decided', 'decided', at);
    return { detail: await this.#detail((await this.#store.getTicket(ticket.id))!, actor), artifact };
  }

  async setSlaPolicy(policy: SlaPolicy, ctx: CallContext): Promise<SlaPolicyVersion> {
    const actor = await this.#session.actor(ctx);
    await this.#pep.guard(actor, APPEALS_ACTIONS.configure, { type: APPEALS_RESOURCES.settings, id: 'sla-policy' });
    const at = this.#nowIso();
    const outbox = new Outbox();
    const version = await this.#store.transaction(async (tx) => {
      await tx.sql.lock('workbench.appeals.sla_policy');
      const next = ((await repo.latestSlaPolicy(tx.sql))?.version ?? 0) + 1;
      const event = await tx.appendAuditEvent({
        at,
        actorId: actor.id,
        action: 'appeals.sla-policy.set',
        resourceType: APPEALS_RESOURCES.slaPolicy,
        resourceId: `v${next}`,
        decision: 'info',
        payload: { version: next, policy },
      });
      outbox.audit(event);
      await repo.insertSlaPolicy(tx.sql, { version: next, policy, setAt: at, setBy: actor.id, auditEventId: event.id });
      return next;
    });
    this.#flushAll(outbox);
    return { version, policy, setAt: at, setBy: actor.id };
  }

  async revokeException(input: { exceptionId: string; reason: string }, ctx: CallContext): Promise<PolicyException> {
    const actor = await this.#session.actor(ctx);
    await this.#pep.guard(actor, APPEALS_ACTIONS.configure, { type: APPEALS_RESOURCES.settings, id: `exception:${input.exceptionId}` });
    const at = this.#nowIso();
    const outbox = new Outbox();
    await this.#store.transaction(async (tx) => {
      const current = await repo.getException(tx.sql, input.exceptionId, at);
      if (!current) throw notFound('policy exception', input.exceptionId);
      if (current.revokedAt !== null) throw new WorkbenchError('CONFLICT', `policy exception ${current.id} was already revoked at ${current.revokedAt}`, { id: current.id });
      const event = await tx.appendAuditEvent({
        at,
        actorId: actor.id,
        action: 'appeals.exception.revoked',
        resourceType: APPEALS_RESOURCES.exception,
        resourceId: current.id,
        decision: 'info',
        payload: { exceptionId: current.id, ticketId: current.ticketId, reasonSha256: sha256(input.reason) },
      });
      outbox.audit(event);
      if ((await repo.revokeException(tx.sql, { id: current.id, at, by: actor.id, reason: input.reason, auditEventId: event.id })) !== 1) {
        throw new WorkbenchError('CONFLICT', `policy exception ${current.id} changed while revoking it`, { id: current.id });
      }
    });
    this.#flushAll(outbox);
    return (await repo.getException(this.#store.sql, input.exceptionId, at))!;
  }

  /**
   * Records every milestone whose due time passed by now and is not recorded yet: a timeline
   * entry, an audit event, and an `appeals.sla.breached` event. Breaches that happened while
   * the workbench was down are found on the next sweep, with their true due time.
   */
  async sweepBreaches(): Promise<Array<{ ticketId: string; milestone: 'triage' | 'decision'; dueAt: string }>> {
    await this.#ensureClocks();
    const now = this.#nowIso();
    const found = await repo.unrecordedBreaches(this.#store.sql, now);
    const recorded: typeof found = [];
    for (const b of found) {
      const outbox = new Outbox();
      const done = await this.#store.transaction(async (tx) => {
        await tx.sql.lock(ticketLock(b.ticketId));
        if (await repo.breachRecorded(tx.sql, b.ticketId, b.milestone)) return false;
        const ticket = (await tx.getTicket(b.ticketId))!;
        await this.#ensureTimeline(tx, outbox, ticket, now);
        const entry = await this.#record(tx, outbox, b.ticketId, SLA_CLOCK_ACTOR, 'sla', now, {
          change: 'breach',
          milestone: b.milestone,
          dueAt: b.dueAt,
          detectedAt: now,
          priority: ticket.priority,
        });
        await repo.insertBreach(tx.sql, { ...b, detectedAt: now, auditEventId: entry.id });
        outbox.events.push({
          topic: 'appeals.sla.breached',
          payload: { ticketId: b.ticketId, milestone: b.milestone, priority: ticket.priority, dueAt: b.dueAt, detectedAt: now, auditEventId: entry.id },
        });
        return true;
      });
      if (done) {
        recorded.push(b);
        this.#flushAll(outbox);
      }
    }
    return recorded;
  }

  /** Sweeps for breaches every `intervalMs` until the returned function is called. */
  startBreachSweeper(intervalMs: number, onError: (e: unknown) => void = () => {}): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.sweepBreaches()
        .catch(onError)
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }

  /** The SLA clock of one ticket recomputed from its recorded timeline, at `at` (default now). */
  async clockOf(ticketId: string, at: string = this.#nowIso()): Promise<SlaStatus> {
    const ticket = await this.#store.getTicket(ticketId);
    if (!ticket) throw notFound('ticket', ticketId);
    return computeSla(clockInputFromTimeline(await this.#timeline(this.#store.sql, ticket)), at);
  }

  // ---- internals ---------------------------------------------------------------------

  #nowIso(): string {
    return this.#now().toISOString();
  }

  async #guardTicket(actor: Actor, ticket: OmbudsTicket | undefined, id: string, ownAction: AppealsAction, otherAction: AppealsAction): Promise<void> {
    await this.#pep.guard(actor, ticket !== undefined && ticket.requester === actor.id ? ownAction : otherAction, ticketResource(id));
  }

  /** A reviewer's action: guarded, the ticket exists, and the reviewer is not the requester. */
  async #staffTicket(actor: Actor, ticketId: string, action: AppealsAction): Promise<OmbudsTicket> {
    await this.#pep.guard(actor, action, ticketResource(ticketId));
    const ticket = await this.#store.getTicket(ticketId);
    if (!ticket) throw notFound('ticket', ticketId);
    if (ticket.requester === actor.id) {
      throw new WorkbenchError('CONFLICT', `ticket ${ticket.id}: ${actor.id} appealed it and cannot review it`, { ticketId: ticket.id });
    }
    return ticket;
  }

  async #checkAssignee(assignee: string, ticket: OmbudsTicket): Promise<void> {
    const who = await this.#store.getActor(assignee);
    if (!who) throw new WorkbenchError('BAD_INPUT', `assignee: no actor ${JSON.stringify(assignee)}`, { field: 'assignee' });
    if (who.id === ticket.requester) throw new WorkbenchError('BAD_INPUT', `assignee: ${who.id} appealed ticket ${ticket.id} and cannot review it`, { field: 'assignee' });
    let allowed = false;
    try {
      allowed = (await this.#pdp.decide({ actor: who, action: APPEALS_ACTIONS.decide, resource: ticketResource(ticket.id) })).allow;
    } catch {
      allowed = false;
    }
    if (!allowed) throw new WorkbenchError('BAD_INPUT', `assignee: ${who.id} may not decide appeals`, { field: 'assignee' });
  }

  #checkException(input: { outcome: AppealOutcome; exception?: { validUntil: string; labels?: Partial<Labels> } }, at: string): void {
    const ex = input.exception;
    if (!ex) return;
    if (input.outcome === 'upheld') throw new WorkbenchError('BAD_INPUT', 'exception: an upheld denial grants no exception', { field: 'exception' });
    if (input.outcome === 'overturned' && ex.labels !== undefined) {
      throw new WorkbenchError('BAD_INPUT', 'exception.labels: labels narrow the request; use the outcome "modified"', { field: 'exception.labels' });
    }
    if (input.outcome === 'modified' && (ex.labels === undefined || Object.keys(ex.labels).length === 0)) {
      throw new WorkbenchError('BAD_INPUT', 'exception.labels: a modified outcome names the labels of the narrower request it allows', { field: 'exception.labels' });
    }
    const until = Date.parse(ex.validUntil);
    if (until <= Date.parse(at)) throw new WorkbenchError('BAD_INPUT', `exception.validUntil: ${ex.validUntil} is not after now (${at})`, { field: 'exception.validUntil' });
    if (until - Date.parse(at) > this.#maxExceptionMs) {
      throw new WorkbenchError('BAD_INPUT', `exception.validUntil: an exception lasts at most ${this.#maxExceptionMs / 86_400_000} days`, { field: 'exception.validUntil' });
    }
  }

  /** Runs fn in a transaction holding the ticket's lock, on the ticket as it is inside it. */
  async #change<T>(ticketId: string, fn: (tx: Store, current: OmbudsTicket) => Promise<T>): Promise<T> {
    return this.#store.transaction(async (tx) => {
      await tx.sql.lock(ticketLock(ticketId));
      const current = await tx.getTicket(ticketId);
      if (!current) throw notFound('ticket', ticketId);
      return fn(tx, current);
    });
  }

  async #move(
    actor: Actor,
    ticket: OmbudsTicket,
    to: TicketState,
    kind: TimelineKind,
    change: SlaChange,
    comment: { kind: 'question' | 'answer'; body: string },
    from: TicketState,
  ): Promise<TicketDetail> {
    const at = this.#nowIso();
    const outbox = new Outbox();
    await this.#change(ticket.id, async (tx, current) => {
      assertTransition(current.id, current.state, to);
      // A legal move can still be the wrong step: an answer needs a pending question.
      if (current.state !== from) {
        throw new WorkbenchError('CONFLICT', `ticket ${current.id}: ${kind === 'info_provided' ? 'no request for information is pending' : `${kind} needs state ${from}`} (state ${current.state})`, {
          ticketId: current.id,
          from: current.state,
          to,
        });
      }
      await this.#comment(tx, outbox, current.id, actor.id, at, comment.kind, comment.body, kind, { from: current.state, to });
      await tx.updateTicket(current.id, { state: to }, at);
      await this.#clockChanged(tx, outbox, current.id, actor.id, change, at);
    });
    this.#flush(outbox, ticket.id, to, kind, at);
    return this.#detail((await this.#store.getTicket(ticket.id))!, actor);
  }

  async #comment(
    tx: Store,
    outbox: Outbox,
    ticketId: string,
    author: string,
    at: string,
    kind: 'comment' | 'question' | 'answer',
    body: string,
    entryKind: TimelineKind,
    data: Record<string, unknown>,
  ): Promise<void> {
    const ticket = (await tx.getTicket(ticketId))!;
    await this.#ensureTimeline(tx, outbox, ticket, at);
    await tx.sql.lock('workbench.appeals.counter.comment');
    const n = await repo.nextCounter(tx.sql, 'comment', () => repo.maxNumberedId(tx.sql, 'appeal_comment', 'ac-'));
    const id = `ac-${String(n).padStart(6, '0')}`;
    // The audit trail records that a comment was made and its digest; the text stays in the ticket.
    const event = await this.#record(tx, outbox, ticketId, author, entryKind, at, { ...data, commentId: id, commentKind: kind, bodySha256: sha256(body) });
    await repo.insertComment(tx.sql, { id, ticketId, author, at, kind, body, auditEventId: event.id });
  }

  /** Appends the audit event for a timeline entry and the entry itself, in the caller's transaction. */
  async #record(tx: Store, outbox: Outbox, ticketId: string, actorId: string, kind: TimelineKind, at: string, data: Record<string, unknown>): Promise<AuditEvent> {
    if (kind !== 'opened') await this.#ensureTimeline(tx, outbox, (await tx.getTicket(ticketId))!, at);
    const event = await tx.appendAuditEvent({
      at,
      actorId,
      action: auditActionOf(kind, data),
      resourceType: APPEALS_RESOURCES.ticket,
      resourceId: ticketId,
      decision: 'info',
      payload: { ticketId, ...data },
    });
    outbox.audit(event);
    const last = await tx.sql.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM appeal_timeline WHERE ticket_id = ?', [ticketId]);
    const effectiveAt = typeof data.effectiveAt === 'string' ? data.effectiveAt : at;
    await repo.insertTimeline(tx.sql, { ticketId, seq: Number(last?.s ?? 0) + 1, at: effectiveAt, actorId, kind, data: event.payload, auditEventId: event.id });
    return event;
  }

  /**
   * A ticket written before the appeals service (demo data) gets its derived history recorded
   * the first time it changes: the same entries `derivedTimeline` shows, now as audit events
   * that say when they happened (effectiveAt) and that they were adopted.
   */
  async #ensureTimeline(tx: Store, outbox: Outbox, ticket: OmbudsTicket, at: string): Promise<void> {
    if (await tx.sql.get('SELECT 1 AS present FROM appeal_timeline WHERE ticket_id = ?', [ticket.id])) return;
    for (const entry of derivedTimeline(ticket)) {
      await this.#record(tx, outbox, ticket.id, entry.actorId, entry.kind, at, { ...entry.data, effectiveAt: entry.at, adopted: true });
    }
  }

  /** Recomputes the clock after a change, caches it, and records the clock change as its own entry. */
  async #clockChanged(tx: Store, outbox: Outbox, ticketId: string, actorId: string, change: SlaChange, at: string): Promise<SlaStatus> {
    const status = await this.#refreshClock(tx.sql, ticketId, at);
    // A stopped clock reports the decision milestone as it ended (met or breached).
    const m = status.current === 'triage' ? status.triage : status.decision;
    await this.#record(tx, outbox, ticketId, actorId, 'sla', at, {
      change,
      clock: status.clock,
      milestone: m.milestone,
      state: m.state,
      dueAt: m.dueAt,
      remainingMs: m.remainingMs,
      pausedMs: status.decision.pausedMs,
      breached: status.breached,
      policyVersion: status.policyVersion,
      priority: status.priority,
    });
    await this.#refreshClock(tx.sql, ticketId, at);
    await tx.updateTicket(ticketId, { slaDue: status.dueAt }, at);
    return status;
  }

  async #refreshClock(sql: SqlClient, ticketId: string, at: string): Promise<SlaStatus> {
    const ticket = (await readTicketRow(sql, ticketId))!;
    const timeline = await this.#timeline(sql, ticket);
    const status = computeSla(clockInputFromTimeline(timeline), at);
    await repo.upsertClock(sql, ticketId, status, timeline.length);
    return status;
  }

  /** A priority change re-targets the clock from the opening — but never un-breaches a milestone. */
  async #retarget(tx: Store, outbox: Outbox, ticket: OmbudsTicket, actorId: string, priority: TicketPriority, at: string): Promise<void> {
    await this.#ensureTimeline(tx, outbox, ticket, at);
    const input = clockInputFromTimeline(await this.#timeline(tx.sql, ticket));
    const before = computeSla(input, at);
    const after = computeSla({ ...input, priority }, at);
    for (const m of ['triage', 'decision'] as const) {
      if (before[m].state === 'breached' && after[m].state !== 'breached') {
        throw new WorkbenchError('CONFLICT', `ticket ${ticket.id}: the ${m} target was already missed at ${before[m].breachedAt}; a priority change cannot undo a breach`, {
          ticketId: ticket.id,
          milestone: m,
        });
      }
    }
    await this.#record(tx, outbox, ticket.id, actorId, 'priority', at, { from: ticket.priority, to: priority });
    await tx.updateTicket(ticket.id, { priority }, at);
    await this.#clockChanged(tx, outbox, ticket.id, actorId, 'retarget', at);
  }

  async #timeline(sql: SqlClient, ticket: OmbudsTicket): Promise<TimelineEntry[]> {
    const entries = await repo.listTimeline(sql, ticket.id);
    return entries.length > 0 ? entries : derivedTimeline(ticket);
  }

  /** Fills the clock cache for tickets that have none (written before the appeals service). */
  async #ensureClocks(): Promise<void> {
    const missing = await repo.ticketsWithoutClock(this.#store.sql);
    if (missing.length === 0) return;
    const at = this.#nowIso();
    await this.#store.transaction(async (tx) => {
      for (const id of missing) await this.#refreshClock(tx.sql, id, at);
    });
  }

  async #currentPolicy(sql: SqlClient): Promise<SlaPolicyVersion> {
    const latest = await repo.latestSlaPolicy(sql);
    return latest ? { version: latest.version, policy: latest.policy, setAt: latest.setAt, setBy: latest.setBy } : { version: 0, policy: DEFAULT_SLA_POLICY, setAt: null, setBy: null };
  }

  async #verifyOne(raw: unknown, expectedPreviousHash?: string) {
    const a = raw as Partial<DecisionArtifact> | undefined;
    let previous = expectedPreviousHash;
    if (previous === undefined && typeof a?.seq === 'number') {
      const prevRow = a.seq > 1 ? (await repo.listArtifactRows(this.#store.sql, a.seq - 2, 1))[0] : undefined;
      previous = a.seq === 1 ? GENESIS_ARTIFACT_HASH : prevRow?.seq === a.seq - 1 ? prevRow.hash : undefined;
    }
    const eventId = a?.denial?.eventId;
    const denialEvent = typeof eventId === 'string' ? ((await this.#store.getAuditEvent(eventId)) ?? null) : null;
    return verifyArtifact(raw, { trustedKey: this.#key.publicKey, ...(previous !== undefined ? { expectedPreviousHash: previous } : {}), denialEvent });
  }

  async #detail(ticket: OmbudsTicket, actor: Actor): Promise<TicketDetail> {
    const at = this.#nowIso();
    const sql = this.#store.sql;
    const timeline = await this.#timeline(sql, ticket);
    const sla = computeSla(clockInputFromTimeline(timeline), at);
    const denialEvent = ticket.denialEventId ? await this.#store.getAuditEvent(ticket.denialEventId) : undefined;
    const rawArtifact = await repo.findArtifact(sql, { ticketId: ticket.id });
    let artifact: DecisionArtifact | null = null;
    if (rawArtifact !== undefined) {
      const parsed = DecisionArtifactSchema.safeParse(rawArtifact);
      if (!parsed.success) throw new WorkbenchError('INTERNAL', `stored decision artifact of ticket ${ticket.id} is malformed`, { ticketId: ticket.id });
      artifact = parsed.data;
    }
    const own = ticket.requester === actor.id;
    const open = ticket.state !== 'decided';
    const may = async (action: AppealsAction) => {
      try {
        return (await this.#pdp.decide({ actor, action, resource: ticketResource(ticket.id) })).allow;
      } catch {
        return false;
      }
    };
    const [triage, decide] = own ? [false, false] : await Promise.all([may(APPEALS_ACTIONS.triage), may(APPEALS_ACTIONS.decide)]);
    return {
      ticket,
      sla,
      denial: denialEvent ? denialSummary(denialEvent) : null,
      timeline,
      comments: await repo.listComments(sql, ticket.id),
      artifact,
      exception: (await repo.exceptionForTicket(sql, ticket.id, at)) ?? null,
      can: {
        triage: open && triage,
        requestInfo: ticket.state === 'triage' && triage,
        provideInfo: ticket.state === 'pending_info' && own,
        comment: open && (own || triage),
        decide: (ticket.state === 'triage' || ticket.state === 'pending_info') && decide,
      },
    };
  }

  #flush(outbox: Outbox, ticketId: string, state: TicketState, kind: TimelineKind, at: string): void {
    outbox.events.push({ topic: 'appeals.ticket.changed', payload: { ticketId, state, kind, at } });
    this.#flushAll(outbox);
  }

  #flushAll(outbox: Outbox): void {
    for (const e of outbox.events) {
      try {
        this.#emit(e);
      } catch {
        // Announcing is best effort; the change is committed and audited.
      }
    }
  }
}

async function readTicketRow(sql: SqlClient, id: string): Promise<OmbudsTicket | undefined> {
  const row = await sql.get<TicketRow>(`SELECT ${TICKET_COLUMNS} FROM ombuds_ticket WHERE id = ?`, [id]);
  return row && toTicket(row);
}
