import type { Actor } from '../../shared/domain/actors.ts';
import type { Labels } from '../../shared/domain/evidence.ts';

export interface PolicyResource {
  type: string;
  id: string;
  /** Labels of the resource; a collection names the tenant it covers ("*" for all). */
  labels?: Partial<Labels>;
}

export interface PolicyRequest {
  actor: Actor;
  action: string;
  resource: PolicyResource;
}

export interface PolicyDecision {
  allow: boolean;
  /** Ids of the policies that decided (or of the rule that denied). */
  policyIds: string[];
  reason: string;
  epoch: number;
}

/** A policy decision point. Implementations must fail closed: an error is a deny. */
export interface Pdp {
  decide(request: PolicyRequest): Promise<PolicyDecision>;
  epoch(): number;
}
