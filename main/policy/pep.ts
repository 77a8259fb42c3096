import { WorkbenchError } from '../../shared/api/errors.ts';
import type { Actor } from '../../shared/domain/actors.ts';
import type { AuditEvent, AuditEventInput } from '../../shared/domain/audit.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Store } from '../store/store.ts';
import type { Pdp, PolicyDecision, PolicyRequest, PolicyResource, RequestContext, ResidencyFacts } from './pdp.ts';
import { currentSession } from './session-scope.ts';

/** What a denial carries across every transport (WorkbenchError code DENIED, these details). */
export interface DenialDetails {
  reason: string;
  policyIds: string[];
  decisionId: string;
  appealLink: string;
  [key: string]: unknown;
}

export function appealLinkFor(denialEventId: string): string {
  return `#/appeals/new?denial=${encodeURIComponent(denialEventId)}`;
}

export interface GuardOptions {
  context?: RequestContext;
  /** The epoch the caller's session presented; defaults to the session scope's (`withSessionScope`). */
  sessionEpoch?: number;
}

export interface GuardResult {
  /** The id of the audit event recording the decision. */
  decisionId: string;
  policyIds: string[];
  epoch: number;
  residency?: ResidencyFacts;
}

/**
 * Something that must be recorded together with a decision's audit event (e.g. a residency
 * crossing). It runs inside the same transaction: both are written or neither is.
 */
export interface DecisionRecorder {
  wants(request: PolicyRequest, decision: PolicyDecision): boolean;
  record(tx: Store, request: PolicyRequest, decision: PolicyDecision, event: AuditEvent): Promise<void>;
}

/**
 * The policy enforcement point: every sensitive action asks the PDP, and every decision —
 * allow or deny — becomes a hash-chained audit event whose id is the decision id and whose
 * payload names the policy ids, the policy epoch and the reason. A PDP that throws is a deny;
 * a decision that cannot be recorded is not acted on.
 */
export class Pep {
  readonly #pdp: Pdp;
  readonly #store: Store;
  readonly #bus: EventBus;
  readonly #now: () => Date;
  readonly #recorders: DecisionRecorder[] = [];

  constructor(deps: { pdp: Pdp; store: Store; bus: EventBus; now: () => Date }) {
    this.#pdp = deps.pdp;
    this.#store = deps.store;
    this.#bus = deps.bus;
    this.#now = deps.now;
  }

  addRecorder(recorder: DecisionRecorder): void {
    this.#recorders.push(recorder);
  }

  async guard(actor: Actor, action: string, resource: PolicyResource, options: GuardOptions = {}): Promise<GuardResult> {
    const at = this.#now().toISOString();
    const sessionEpoch = options.sessionEpoch ?? currentSession()?.epoch;
    const request: PolicyRequest = {
      actor,
      action,
      resource,
      at,
      ...(options.context ? { context: options.context } : {}),
      ...(sessionEpoch !== undefined ? { sessionEpoch } : {}),
    };
    let decision: PolicyDecision;
    try {
      decision = await this.#pdp.decide(request);
    } catch (e) {
      decision = { allow: false, policyIds: ['pep.fail-closed'], reason: `policy evaluation failed: ${(e as Error).message}`, epoch: this.#pdp.epoch() };
    }
    const payload: Record<string, unknown> = { reason: decision.reason, policyIds: decision.policyIds, epoch: decision.epoch };
    if (decision.cached) payload.cached = true;
    if (decision.staleSession) payload.sessionEpoch = sessionEpoch;
    if (options.context) payload.context = options.context;
    if (resource.subjectId !== undefined) payload.subjectId = resource.subjectId;
    if (decision.residency) payload.residency = decision.residency;
    const input: AuditEventInput = {
      at,
      actorId: actor.id,
      action,
      resourceType: resource.type,
      resourceId: resource.id,
      decision: decision.allow ? 'allow' : 'deny',
      payload,
    };
    const recorders = this.#recorders.filter((r) => r.wants(request, decision));
    let event: AuditEvent;
    try {
      event =
        recorders.length === 0
          ? await this.#store.appendAuditEvent(input)
          : await this.#store.transaction(async (tx) => {
              const ev = await tx.appendAuditEvent(input);
              for (const r of recorders) await r.record(tx, request, decision, ev);
              return ev;
            });
    } catch (e) {
      throw new WorkbenchError('UNAVAILABLE', `the decision on ${action} could not be recorded, so nothing was done: ${(e as Error).message}`, {
        action,
        resourceType: resource.type,
        resourceId: resource.id,
      });
    }
    this.#bus.emit('audit.appended', { seq: event.seq, action, decision: event.decision });
    if (!decision.allow) {
      const details: DenialDetails = {
        reason: decision.reason,
        policyIds: decision.policyIds,
        decisionId: event.id,
        appealLink: appealLinkFor(event.id),
        epoch: decision.epoch,
      };
      throw new WorkbenchError('DENIED', `denied: ${decision.reason}`, details);
    }
    return { decisionId: event.id, policyIds: decision.policyIds, epoch: decision.epoch, ...(decision.residency ? { residency: decision.residency } : {}) };
  }
}
