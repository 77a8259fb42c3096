import type { PolicyException } from '../../shared/api/appeals.ts';
import type { Labels } from '../../shared/domain/evidence.ts';
import type { Pdp, PolicyDecision, PolicyRequest } from '../policy/pdp.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { matchingExceptions } from './appeals-repository.ts';

/** The policy id a decision names when an appeal exception allowed it. */
export function exceptionPolicyId(exceptionId: string): string {
  return `appeals.exception.${exceptionId}`;
}

function labelsMatch(required: Partial<Labels> | null, given: Partial<Labels> | undefined): boolean {
  if (required === null) return true;
  return Object.entries(required).every(([k, v]) => given?.[k as keyof Labels] === v);
}

/**
 * The exception in force for a request at `at`, if any: granted by an appeal decision for
 * exactly this actor, action and resource, not revoked, `validFrom ≤ at < validUntil`, and —
 * for a "modified" outcome — carrying the narrowed labels. The PDP consults this after its
 * own policies deny; it never turns an error into an allow.
 */
export async function findActiveException(sql: SqlClient, request: PolicyRequest, at: string): Promise<PolicyException | undefined> {
  const found = await matchingExceptions(sql, {
    actorId: request.actor.id,
    action: request.action,
    resourceType: request.resource.type,
    resourceId: request.resource.id,
    at,
  });
  return found.find((e) => labelsMatch(e.labels, request.resource.labels));
}

/**
 * A PDP that lets appeal exceptions through: the inner PDP decides; a deny is turned into
 * an allow only by an active exception, naming it as the policy and saying until when.
 * Fails closed: if the inner PDP throws, or the exception lookup fails, the answer is deny.
 */
export class ExceptionAwarePdp implements Pdp {
  readonly #inner: Pdp;
  readonly #sql: () => SqlClient;
  readonly #now: () => Date;

  constructor(deps: { inner: Pdp; sql: () => SqlClient; now: () => Date }) {
    this.#inner = deps.inner;
    this.#sql = deps.sql;
    this.#now = deps.now;
  }

  epoch(): number {
    return this.#inner.epoch();
  }

  async decide(request: PolicyRequest): Promise<PolicyDecision> {
    const decision = await this.#inner.decide(request);
    if (decision.allow) return decision;
    let exception: PolicyException | undefined;
    try {
      exception = await findActiveException(this.#sql(), request, this.#now().toISOString());
    } catch {
      return decision;
    }
    if (!exception) return decision;
    return {
      allow: true,
      policyIds: [exceptionPolicyId(exception.id)],
      reason: `allowed by appeal exception ${exception.id} (ticket ${exception.ticketId}, decision ${exception.artifactId}) until ${exception.validUntil}; policy said: ${decision.reason}`,
      epoch: decision.epoch,
    };
  }
}
