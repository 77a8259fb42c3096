import type { Actor } from '../../shared/domain/actors.ts';
import type { Labels } from '../../shared/domain/evidence.ts';

export interface PolicyResource {
  type: string;
  id: string;
  /** Labels of the resource; a collection names the tenant it covers ("*" for all). Absent labels mean "*". */
  labels?: Partial<Labels>;
  /** The data subject the resource is about, when there is one: consent for the purpose is then required. */
  subjectId?: string;
}

/** What the caller says about the request beyond who, what and on which resource. */
export interface RequestContext {
  /** The purpose the request serves; defaults to the resource's purpose label. */
  purpose?: string;
  /** Where the data would go: an export's target region; defaults to the actor's region. */
  destinationRegion?: string;
}

export interface PolicyRequest {
  actor: Actor;
  action: string;
  resource: PolicyResource;
  context?: RequestContext;
  /** Reference time (ISO-8601); residency exceptions are time-bounded. Defaults to the PDP's clock. */
  at?: string;
  /** The policy epoch the caller's session last saw. A stale one is re-decided, never answered from the cache. */
  sessionEpoch?: number;
}

/** What residency made of a request (present when the action moves data: groups data-read / data-export). */
export interface ResidencyFacts {
  tenant: string;
  /** Where the data is: its pin, else its region label ("*" for a collection spanning regions). */
  fromRegion: string;
  toRegion: string;
  /** True when `fromRegion` comes from a residency pin. */
  pinned: boolean;
  /** True when the request would move pinned or labelled data out of its region. */
  crossing: boolean;
  /** The exception in force that covers the move, if any. */
  exceptionId: string | null;
}

export interface PolicyDecision {
  allow: boolean;
  /** Ids of the policies that decided (or of the rule that denied). */
  policyIds: string[];
  reason: string;
  epoch: number;
  /** Answered from the decision cache. */
  cached?: boolean;
  /** The session presented an epoch other than the current one (the decision was made afresh). */
  staleSession?: boolean;
  residency?: ResidencyFacts;
}

/** A policy decision point. Implementations must fail closed: an error is a deny. */
export interface Pdp {
  decide(request: PolicyRequest): Promise<PolicyDecision>;
  epoch(): number;
}

/** How residency places a resource and whether an exception covers a move (main/residency implements it). */
export interface ResidencyResolution {
  tenant: string;
  fromRegion: string;
  pinned: boolean;
  exceptionId: string | null;
}

export interface ResidencyResolver {
  resolve(query: { action: string; groups: readonly string[]; resource: PolicyResource; toRegion: string; at: string }): Promise<ResidencyResolution>;
  /** The epoch moved: forget what was cached about pins and exceptions. */
  invalidate(): void;
}
