import { WorkbenchError } from '../../shared/api/errors.ts';
import type { Actor } from '../../shared/domain/actors.ts';
import type { EvidenceItem, Labels } from '../../shared/domain/evidence.ts';
import type { ActionSpec } from '../policy/actions.ts';
import type { GuardResult, Pep } from '../policy/pep.ts';
import type { Store } from '../store/store.ts';
import { coveringException } from './exceptions.ts';
import { pinResource, type ResidencyPin } from './pins.ts';
import type { StoreResidencyResolver } from './residency-resolver.ts';

/** (tenant, region) pairs a read may draw from; tenant "*" means any tenant. */
export type ReadScope = Array<{ tenant: string; region: string }>;

export function inReadScope(scope: ReadScope, labels: { tenant: string; region: string }): boolean {
  return scope.some((s) => s.region === labels.region && (s.tenant === '*' || s.tenant === labels.tenant));
}

/** A stored object other capabilities guard by residency (an evidence item, a vector shard, …). */
export interface PinnedObject {
  type: string;
  id: string;
  labels: Partial<Labels> & { tenant: string; region: string };
  subjectId?: string;
}

/**
 * The residency guard other capabilities call. Reads and exports go through the PEP (the
 * `residency.cross-region` policy decides, with pins and exceptions resolved for it), so a
 * crossing is denied with an appeal link, audited, and recorded as an attempted violation.
 * Ingest pins the object in the same transaction that stores it.
 */
export class ResidencyGuard {
  readonly #pep: Pep;
  readonly #store: Store;
  readonly #resolver: StoreResidencyResolver;
  readonly #actions: ReadonlyMap<string, ActionSpec>;
  readonly #now: () => Date;

  constructor(deps: { pep: Pep; store: Store; resolver: StoreResidencyResolver; actions: readonly ActionSpec[]; now: () => Date }) {
    this.#pep = deps.pep;
    this.#store = deps.store;
    this.#resolver = deps.resolver;
    this.#actions = new Map(deps.actions.map((a) => [a.name, a]));
    this.#now = deps.now;
  }

  /** A read of a pinned object into the actor's region (`action` is a data-read action such as evidence.read, vectors.read). */
  guardRead(actor: Actor, action: string, object: PinnedObject): Promise<GuardResult> {
    return this.#pep.guard(actor, action, object);
  }

  /** An export of a pinned object to `destinationRegion` (a data-export action such as evidence.export). */
  guardExport(actor: Actor, action: string, object: PinnedObject, destinationRegion: string): Promise<GuardResult> {
    return this.#pep.guard(actor, action, object, { context: { destinationRegion } });
  }

  /**
   * The regions an actor may read a tenant's data from right now: its own, plus every region
   * an exception in force lets that tenant's data leave for the actor's region. A query over
   * many rows filters by these (`region IN (…)`) instead of deciding row by row.
   */
  async readableRegions(actor: Actor, tenant: string, action: string): Promise<string[]> {
    const spec = this.#actions.get(action);
    if (!spec) throw new WorkbenchError('BAD_INPUT', `readableRegions: unknown action ${JSON.stringify(action)}`, { action });
    const at = this.#now().toISOString();
    const regions = new Set([actor.region]);
    for (const e of await this.#resolver.exceptions()) {
      if (e.tenant === tenant && e.toRegion === actor.region && coveringException([e], { tenant, fromRegion: e.fromRegion, toRegion: actor.region, action, groups: spec.groups, at })) {
        regions.add(e.fromRegion);
      }
    }
    return [...regions].sort();
  }

  /**
   * Where an actor may read from right now, across tenants: its own region for every tenant,
   * plus each (tenant, region) an exception in force lets move to the actor's region. A
   * list over several tenants keeps the rows `inReadScope` accepts.
   */
  async readScope(actor: Actor, action: string): Promise<ReadScope> {
    const spec = this.#actions.get(action);
    if (!spec) throw new WorkbenchError('BAD_INPUT', `readScope: unknown action ${JSON.stringify(action)}`, { action });
    const at = this.#now().toISOString();
    const scope: ReadScope = [{ tenant: '*', region: actor.region }];
    for (const e of await this.#resolver.exceptions()) {
      if (e.toRegion !== actor.region) continue;
      if (!coveringException([e], { tenant: e.tenant, fromRegion: e.fromRegion, toRegion: actor.region, action, groups: spec.groups, at })) continue;
      if (!scope.some((s) => s.tenant === e.tenant && s.region === e.fromRegion)) scope.push({ tenant: e.tenant, region: e.fromRegion });
    }
    return scope;
  }

  /** Pins an object in the caller's transaction (`tx`), e.g. a vector shard as it is created. */
  pinAtIngest(tx: Store, object: { type: string; id: string; tenant: string; region: string }, actor: Actor): Promise<ResidencyPin> {
    return pinResource(tx.sql, {
      resourceType: object.type,
      resourceId: object.id,
      tenant: object.tenant,
      region: object.region,
      source: 'ingest',
      pinnedBy: actor.id,
      pinnedAt: this.#now().toISOString(),
    });
  }

  /**
   * Ingests an evidence item: decided by the PEP (`evidence.create` on the item's labels),
   * then stored and pinned to its tenant and region in one transaction.
   */
  async ingestEvidence(actor: Actor, item: EvidenceItem): Promise<{ item: EvidenceItem; pin: ResidencyPin; decisionId: string }> {
    const decision = await this.#pep.guard(actor, 'evidence.create', { type: 'evidence', id: item.id, labels: item.labels });
    return this.#store.transaction(async (tx) => {
      const stored = await tx.insertEvidence(item);
      const pin = await this.pinAtIngest(tx, { type: 'evidence', id: stored.id, tenant: stored.labels.tenant, region: stored.labels.region }, actor);
      return { item: stored, pin, decisionId: decision.decisionId };
    });
  }
}
