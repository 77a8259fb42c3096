import { WorkbenchError } from '../../shared/api/errors.ts';
import type { Actor } from '../../shared/domain/actors.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Store } from '../store/store.ts';
import type { Pdp, PolicyResource } from './pdp.ts';

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

/**
 * The policy enforcement point: every sensitive action asks the PDP, and every decision —
 * allow or deny — becomes a hash-chained audit event. A PDP that throws is a deny.
 */
export class Pep {
  readonly #pdp: Pdp;
  readonly #store: Store;
  readonly #bus: EventBus;
  readonly #now: () => Date;

  constructor(deps: { pdp: Pdp; store: Store; bus: EventBus; now: () => Date }) {
    this.#pdp = deps.pdp;
    this.#store = deps.store;
    this.#bus = deps.bus;
    this.#now = deps.now;
  }

  async guard(actor: Actor, action: string, resource: PolicyResource): Promise<{ decisionId: string; policyIds: string[] }> {
    let decision;
    try {
      decision = await this.#pdp.decide({ actor, action, resource });
    } catch (e) {
      decision = { allow: false, policyIds: ['pep.fail-closed'], reason: `policy evaluation failed: ${(e as Error).message}`, epoch: this.#pdp.epoch() };
    }
    const event = await this.#store.appendAuditEvent({
      at: this.#now().toISOString(),
      actorId: actor.id,
      action,
      resourceType: resource.type,
      resourceId: resource.id,
      decision: decision.allow ? 'allow' : 'deny',
      payload: { reason: decision.reason, policyIds: decision.policyIds, epoch: decision.epoch },
    });
    this.#bus.emit('audit.appended', { seq: event.seq, action, decision: event.decision });
    if (!decision.allow) {
      const details: DenialDetails = {
        reason: decision.reason,
        policyIds: decision.policyIds,
        decisionId: event.id,
        appealLink: appealLinkFor(event.id),
      };
      throw new WorkbenchError('DENIED', `denied: ${decision.reason}`, details);
    }
    return { decisionId: event.id, policyIds: decision.policyIds };
  }
}
